// A fast path for the usual candidate header, which is most of the YAML in a big
// repository (one header per candidate; 5,000 in a large community's history):
//
//   name: Josh Berkus
//   ID: jberkus
//   info:
//     - employer: Elekto
//
// Only lines whose YAML meaning is certain are accepted: the three known keys once
// each, and values made of letters, digits, spaces and harmless punctuation that
// start with a letter or digit — plain scalars whose text is exactly what is
// written (no `: `, no ` #`, no quotes, no indicators, no null). Anything else returns
// null and the header goes through the full YAML parser, which locates problems.
import type { CandidateField } from './types.js';

const VALUE = "[\\p{L}\\p{N}][\\p{L}\\p{N}\\p{M} _.,()'&/+-]*";
const TOP = new RegExp(`^(name|ID): +(${VALUE})$`, 'u');
const INFO_KEY = /^info: *$/;
const INFO_ITEM = new RegExp(`^( *)- +([A-Za-z][A-Za-z0-9_-]*): +(${VALUE})$`, 'u');
const NULLS = new Set(['null', 'Null', 'NULL']);

export interface SimpleHeader {
  name: string;
  id: string;
  info: CandidateField[];
  /** 0-based lines of `ID:` and `info:` within the header (-1: no info). */
  idLine: number;
  infoLine: number;
}

/** The header's values when it has the usual simple shape, or null. */
export function scanSimpleHeader(header: string): SimpleHeader | null {
  let name: string | null = null;
  let id: string | null = null;
  let infoLine = -1;
  let idLine = -1;
  let inInfo = false;
  let itemIndent = -1;
  const info: CandidateField[] = [];
  const lines = header.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trimEnd();
    if (line === '') continue;
    if (line.startsWith(' ') || line.startsWith('-')) {
      // An info item; only directly under `info:`, all at one indentation.
      if (!inInfo) return null;
      const m = INFO_ITEM.exec(line);
      if (m === null) return null;
      const indent = (m[1] ?? '').length;
      if (itemIndent === -1) itemIndent = indent;
      else if (indent !== itemIndent) return null;
      const value = m[3] ?? '';
      if (NULLS.has(value)) return null;
      info.push({ key: m[2] ?? '', value });
      continue;
    }
    inInfo = false;
    if (INFO_KEY.test(line)) {
      if (infoLine !== -1) return null;
      infoLine = i;
      inInfo = true;
      continue;
    }
    const m = TOP.exec(line);
    if (m === null) return null;
    const value = m[2] ?? '';
    if (NULLS.has(value)) return null;
    if (m[1] === 'name') {
      if (name !== null) return null;
      name = value;
    } else {
      if (id !== null) return null;
      id = value;
      idLine = i;
    }
  }
  if (name === null || id === null) return null;
  return { name, id, info, idLine, infoLine };
}
