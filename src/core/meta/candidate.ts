// candidate-<ID>.md: a YAML header between two lines of dashes, then the Markdown bio.
//
//   -------------------------------------------------------------   (Elekto writes 61)
//   name: Josh Berkus
//   ID: jberkus
//   info:
//     - employer: Elekto          (or a plain map: `employer: Elekto`)
//   -------------------------------------------------------------   (3 or more)
//   ## Bio ...
//
// Only the first two dash lines delimit the header, so a `---` rule inside the bio
// stays part of the bio.
import type { Candidate, CandidateField, Problem } from './types.js';
import { renderMarkdown } from './markdown.js';
import { scanSimpleHeader } from './fastHeader.js';
import type { SimpleHeader } from './fastHeader.js';
import { deref, isMap, isNullNode, isScalar, isSeq, mapEntries, parseYaml, scalarText } from './yaml.js';
import type { MapEntry, Node, YamlFile } from './yaml.js';

const DASH_LINE = /^-{3,}[ \t]*$/;
const CANDIDATE_FILE = /^candidate-(.+)\.md$/;

/** The ID in a candidate file name, or null when the name is not `candidate-<ID>.md`. */
export function candidateIdFromFileName(name: string): string | null {
  return CANDIDATE_FILE.exec(name)?.[1] ?? null;
}

/** A file's text with a byte-order mark removed and Windows/old-Mac line ends made `\n`. */
export function normalizeText(text: string): string {
  const noBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return noBom.includes('\r') ? noBom.replace(/\r\n?/g, '\n') : noBom;
}

const HEADER_HELP = 'a candidate file starts with a line of dashes, then name, ID and info, then another line of dashes, then the bio';

export interface ParsedCandidate {
  candidate: Candidate | null;
  problems: Problem[];
  /** Line of the header's `info` key (or the header start), for later warnings. */
  infoLine: number;
}

function fieldValue(y: YamlFile, key: string, node: Node | null, problems: Problem[]): string {
  if (isNullNode(node)) return '';
  if (node !== null && isScalar(node)) return scalarText(node);
  if (node !== null && isSeq(node)) {
    const items = node.items.map((item) => deref(y, item));
    const texts = items.flatMap((item) => (item !== null && isScalar(item) ? [scalarText(item)] : []));
    if (texts.length === items.length) return texts.join(', ');
  }
  problems.push({ file: y.file, line: y.lineOf(node), message: `info "${key}" should be text; it was left empty`, severity: 'warning' });
  return '';
}

function readInfo(y: YamlFile, node: Node | null, problems: Problem[]): CandidateField[] {
  if (isNullNode(node) || node === null) return [];
  const fields: CandidateField[] = [];
  if (isMap(node)) {
    for (const entry of mapEntries(y, node, problems).values()) {
      fields.push({ key: entry.key, value: fieldValue(y, entry.key, entry.value, problems) });
    }
    return fields;
  }
  if (isSeq(node)) {
    for (const raw of node.items) {
      const item = deref(y, raw);
      if (item !== null && isMap(item)) {
        // Normally one key per item (`- employer: X`); more are read in order.
        for (const entry of mapEntries(y, item, problems).values()) {
          fields.push({ key: entry.key, value: fieldValue(y, entry.key, entry.value, problems) });
        }
      } else if (!isNullNode(item)) {
        problems.push({ file: y.file, line: y.lineOf(item), message: 'each info entry should be "key: value"; this one was ignored', severity: 'warning' });
      }
    }
    return fields;
  }
  problems.push({ file: y.file, line: y.lineOf(node), message: 'info should be a list of "- key: value" entries or a map; it was ignored', severity: 'warning' });
  return [];
}

interface Header {
  id: string | null;
  name: string | null;
  info: CandidateField[];
  idLine: number | undefined;
  nameLine: number | undefined;
  infoLine: number | undefined;
  /** The header has `id:` or `Id:` rather than `ID:`. */
  lowercaseIdKey: boolean;
}

function fromSimpleOrNull(simple: SimpleHeader | null, openIndex: number): Header | null {
  if (simple === null) return null;
  const firstLine = openIndex + 1;
  return {
    id: simple.id,
    name: simple.name,
    info: simple.info,
    idLine: firstLine + 1 + simple.idLine,
    nameLine: undefined,
    infoLine: simple.infoLine === -1 ? undefined : firstLine + 1 + simple.infoLine,
    lowercaseIdKey: false,
  };
}

/** The general path: the header through the YAML parser, with located problems. */
function readHeaderYaml(file: string, text: string, lineOffset: number, problems: Problem[]): Header | null {
  const y = parseYaml(text, file, lineOffset);
  problems.push(...y.problems);
  if (y.failed) return null;
  const root = y.root;
  if (!isNullNode(root) && (root === null || !isMap(root))) {
    problems.push({ file, line: y.lineOf(root) ?? lineOffset + 1, message: 'the candidate header must hold "name:", "ID:" and "info:" entries', severity: 'error' });
    return null;
  }
  const entries = root !== null && isMap(root) ? mapEntries(y, root, problems) : new Map<string, MapEntry>();
  const text1 = (key: string): { value: string | null; line: number | undefined } => {
    const entry = entries.get(key);
    if (entry === undefined) return { value: null, line: undefined };
    if (isNullNode(entry.value)) return { value: null, line: y.lineOf(entry.keyNode) };
    if (entry.value !== null && isScalar(entry.value)) return { value: scalarText(entry.value).trim(), line: y.lineOf(entry.value) };
    problems.push({ file, line: y.lineOf(entry.value), message: `${key} must be text`, severity: 'error' });
    return { value: null, line: y.lineOf(entry.value) };
  };
  const id = text1('ID');
  const name = text1('name');
  const infoEntry = entries.get('info');
  return {
    id: id.value,
    name: name.value,
    info: readInfo(y, infoEntry?.value ?? null, problems),
    idLine: id.line,
    nameLine: name.line,
    infoLine: infoEntry === undefined ? undefined : y.lineOf(infoEntry.keyNode),
    lowercaseIdKey: !entries.has('ID') && [...entries.keys()].some((k) => k.toLowerCase() === 'id'),
  };
}

/**
 * Parses one candidate file. `file` is its path from the repository root and
 * `fileName` its name (`candidate-<ID>.md`). Never throws.
 */
export function parseCandidate(file: string, fileName: string, rawText: string): ParsedCandidate {
  const problems: Problem[] = [];
  const fileId = candidateIdFromFileName(fileName) ?? '';
  const lines = normalizeText(rawText).split('\n');
  let open = 0;
  while (open < lines.length && (lines[open] ?? '').trim() === '') open++;
  if (open >= lines.length || !DASH_LINE.test(lines[open] ?? '')) {
    const line = Math.min(open, Math.max(lines.length - 1, 0)) + 1;
    problems.push({ file, line, message: `unknown candidate file format: no header (${HEADER_HELP})`, severity: 'error' });
    return { candidate: null, problems, infoLine: line };
  }
  let close = open + 1;
  while (close < lines.length && !DASH_LINE.test(lines[close] ?? '')) close++;
  if (close >= lines.length) {
    problems.push({ file, line: open + 1, message: `the candidate header is never closed: add a line of dashes after the header (${HEADER_HELP})`, severity: 'error' });
    return { candidate: null, problems, infoLine: open + 1 };
  }

  // Header line k (0-based within the header) is file line open + 2 + k.
  const headerText = lines.slice(open + 1, close).join('\n');
  const header = fromSimpleOrNull(scanSimpleHeader(headerText), open) ?? readHeaderYaml(file, headerText, open + 1, problems);
  if (header === null) return { candidate: null, problems, infoLine: open + 1 };
  const infoLine = header.infoLine ?? open + 1;

  let id: string | null = header.id;
  if (id === null || id === '') {
    const hint = header.lowercaseIdKey ? ' (the key is "ID:" in capitals)' : '';
    problems.push({ file, line: header.idLine ?? open + 1, message: `the candidate header has no ID${hint}; it must be "ID: ${fileId}"`, severity: 'error' });
    id = null;
  } else if (id !== fileId) {
    if (id.toLowerCase() === fileId.toLowerCase()) {
      problems.push({ file, line: header.idLine, message: `ID "${id}" differs in case from the file name (candidate-${fileId}.md); "${id}" is used`, severity: 'warning' });
    } else {
      problems.push({ file, line: header.idLine, message: `ID "${id}" does not match the file name: candidate-${fileId}.md must have "ID: ${fileId}"`, severity: 'error' });
    }
  }
  if (header.name === null || header.name === '') {
    problems.push({ file, line: header.nameLine ?? open + 1, message: 'the candidate header has no name', severity: 'error' });
  }
  if (problems.some((p) => p.severity === 'error') || id === null || header.name === null) return { candidate: null, problems, infoLine };
  const { name, info } = header;

  const bioMarkdown = lines.slice(close + 1).join('\n').replace(/^(?:[ \t]*\n)+/, '').trimEnd();
  return {
    candidate: { id, name, info, bioMarkdown, bioHtml: renderMarkdown(bioMarkdown), file },
    problems,
    infoLine,
  };
}
