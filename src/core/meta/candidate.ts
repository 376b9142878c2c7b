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
//
// Elekto reads every file whose name starts with `candidate` and puts the header's ID
// on the ballot, whatever the file is called; so does Scrutin. What Elekto tolerated
// (an ID that differs from the file name, an empty name, `Name:` in capitals, a file
// called `candidate-.md`...) is read the way Elekto read it, with a warning; what made
// Elekto's election page fail but can be read sensibly (no header at all, a header in
// ``` fences) is read too, with a warning. Only a candidate that cannot be identified,
// or a header whose YAML does not parse, is an error.
import type { Candidate, CandidateField, Problem } from './types.js';
import { CANDIDATE_KEYS, nearestKey } from './keys.js';
import { renderMarkdownFile } from './markdown.js';
import { scanSimpleHeader } from './fastHeader.js';
import type { SimpleHeader } from './fastHeader.js';
import { deref, isMap, isNullNode, isScalar, isSeq, mapEntries, parseYaml, scalarText } from './yaml.js';
import type { MapEntry, Node, YamlFile } from './yaml.js';

const DASH_LINE = /^-{3,}[ \t]*$/;
const FENCE_LINE = /^[ \t]*(?:```|~~~)[\w-]*[ \t]*$/;
const CANDIDATE_FILE = /^candidate-(.*)\.md$/;
// Invisible characters an editor or a copy from a web page can leave at the end of a
// name (a left-to-right mark after `.md` was seen in a real repository).
const TRAILING_INVISIBLE = /[\p{Cf}\s]+$/u;

/** Whether Elekto reads a file of this name as a candidate: any name starting with `candidate`. */
export function isCandidateFileName(name: string): boolean {
  return name.startsWith('candidate');
}

/**
 * The ID in a candidate file name (`candidate-<ID>.md`, invisible characters after
 * `.md` ignored), '' for `candidate-.md`, or null when the name has another shape.
 */
export function candidateIdFromFileName(name: string): string | null {
  return CANDIDATE_FILE.exec(name.replace(TRAILING_INVISIBLE, ''))?.[1] ?? null;
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
        problems.push({
          file: y.file,
          line: y.lineOf(item),
          message: 'each info entry should be "key: value"; this one was ignored',
          severity: 'warning',
        });
      }
    }
    return fields;
  }
  problems.push({
    file: y.file,
    line: y.lineOf(node),
    message: 'info should be a list of "- key: value" entries or a map; it was ignored',
    severity: 'warning',
  });
  return [];
}

/** One of the header's three values, with the line it is on. */
interface HeaderValue {
  value: string | null;
  line: number | undefined;
  /** The key as written when it was not the expected spelling (`Name`, `id`). */
  spelledAs?: string;
}

interface Header {
  id: HeaderValue;
  name: HeaderValue;
  info: CandidateField[];
  infoLine: number | undefined;
}

function fromSimpleOrNull(simple: SimpleHeader | null, openIndex: number): Header | null {
  if (simple === null) return null;
  const firstLine = openIndex + 1;
  return {
    id: { value: simple.id, line: firstLine + 1 + simple.idLine },
    name: { value: simple.name, line: undefined },
    info: simple.info,
    infoLine: simple.infoLine === -1 ? undefined : firstLine + 1 + simple.infoLine,
  };
}

/** The general path: the header through the YAML parser, with located problems. */
function readHeaderYaml(file: string, text: string, lineOffset: number, problems: Problem[]): Header | null {
  const y = parseYaml(text, file, lineOffset);
  problems.push(...y.problems);
  if (y.failed) return null;
  const root = y.root;
  if (!isNullNode(root) && (root === null || !isMap(root))) {
    problems.push({
      file,
      line: y.lineOf(root) ?? lineOffset + 1,
      message: 'the candidate header must hold "name:", "ID:" and "info:" entries',
      severity: 'error',
    });
    return null;
  }
  const entries = root !== null && isMap(root) ? mapEntries(y, root, problems) : new Map<string, MapEntry>();
  // `Name:` or `id:` instead of `name:`/`ID:`: Elekto finds nothing (it shows "None",
  // or fails on the missing ID); here the value is used, with a warning.
  const spelled = new Map<string, MapEntry>();
  for (const entry of entries.values()) {
    if (CANDIDATE_KEYS.includes(entry.key)) continue;
    const near = nearestKey(entry.key, CANDIDATE_KEYS);
    if (near !== null && near.toLowerCase() === entry.key.toLowerCase() && !entries.has(near)) {
      spelled.set(near, entry);
    } else if (near !== null) {
      problems.push({
        file,
        line: y.lineOf(entry.keyNode),
        message: `unknown key "${entry.key}" is ignored; did you mean "${near}"?`,
        severity: 'warning',
        code: 'misspelt-key',
      });
    }
  }
  const text1 = (key: string): HeaderValue => {
    const entry = entries.get(key) ?? spelled.get(key);
    if (entry === undefined) return { value: null, line: undefined };
    const spelledAs = entry.key === key ? undefined : entry.key;
    const line = y.lineOf(entry.keyNode);
    if (isNullNode(entry.value)) return { value: null, line, spelledAs };
    if (entry.value !== null && isScalar(entry.value)) return { value: scalarText(entry.value).trim(), line, spelledAs };
    problems.push({
      file,
      line: y.lineOf(entry.value),
      message: `${entry.key} should be text; it was ignored`,
      severity: 'warning',
      code: 'candidate-header-value',
    });
    return { value: null, line, spelledAs };
  };
  const infoEntry = entries.get('info') ?? spelled.get('info');
  return {
    id: text1('ID'),
    name: text1('name'),
    info: readInfo(y, infoEntry?.value ?? null, problems),
    infoLine: infoEntry === undefined ? undefined : y.lineOf(infoEntry.keyNode),
  };
}

/** Blank lines in place of ``` fences around the header's YAML (line numbers stay right). */
function unfence(lines: string[], file: string, firstLine: number, problems: Problem[]): string[] {
  const fenced = lines.map((line) => FENCE_LINE.test(line));
  const at = fenced.indexOf(true);
  if (at === -1) return lines;
  problems.push({
    file,
    line: firstLine + at,
    message: 'the header is wrapped in ``` fences, which are not YAML (Elekto cannot read this file); the fences were skipped: remove them',
    severity: 'warning',
    code: 'candidate-header-fenced',
  });
  return lines.map((line, i) => (fenced[i] === true ? '' : line));
}

/** The bio: `lines` from file line `firstLine`, leading blank lines and trailing space dropped. */
function readBio(lines: string[], firstLine: number, file: string, problems: Problem[]): { bioMarkdown: string; bioHtml: string } {
  let skip = 0;
  while (skip < lines.length && (lines[skip] ?? '').trim() === '') skip++;
  const bioMarkdown = lines.slice(skip).join('\n').trimEnd();
  return { bioMarkdown, bioHtml: renderMarkdownFile(bioMarkdown, { file, firstLine: firstLine + skip, exactLines: true }, problems) };
}

/** The candidate a file without a readable header stands for: its file name's ID, and the text as the bio. */
function withoutHeader(
  file: string,
  fileName: string,
  fileId: string | null,
  bioLines: string[],
  bioFirstLine: number,
  why: string,
  line: number,
  problems: Problem[],
): ParsedCandidate {
  if (fileId === null || fileId === '') {
    const named = fileId === '';
    problems.push({
      file,
      line,
      message: named
        ? `${why}, and the file name (candidate-.md) has no ID either, so this candidate cannot be put on the ballot (${HEADER_HELP})`
        : `${why}; ${fileName} is not named candidate-<ID>.md either, so it is not read as a candidate (${HEADER_HELP})`,
      severity: named ? 'error' : 'warning',
      code: named ? 'candidate-no-id' : 'candidate-file-ignored',
    });
    return { candidate: null, problems, infoLine: line };
  }
  problems.push({
    file,
    line,
    message: `${why}: Elekto cannot show this election; Scrutin lists the candidate as "${fileId}" (from the file name) with the whole file as the bio (${HEADER_HELP})`,
    severity: 'warning',
    code: 'candidate-no-header',
  });
  const bio = readBio(bioLines, bioFirstLine, file, problems);
  return { candidate: { id: fileId, name: fileId, info: [], ...bio, file }, problems, infoLine: line };
}

/**
 * Parses one candidate file. `file` is its path from the repository root and
 * `fileName` its name (normally `candidate-<ID>.md`). Never throws.
 */
export function parseCandidate(file: string, fileName: string, rawText: string): ParsedCandidate {
  const problems: Problem[] = [];
  const fileId = candidateIdFromFileName(fileName);
  if (fileId !== null && fileName !== `candidate-${fileId}.md`) {
    problems.push({
      file,
      message: `the file name ends with invisible characters after ".md"; it is read as candidate-${fileId}.md (rename it)`,
      severity: 'warning',
      code: 'candidate-file-name',
    });
  }
  const lines = normalizeText(rawText).split('\n');
  let open = 0;
  while (open < lines.length && (lines[open] ?? '').trim() === '') open++;
  if (open >= lines.length || !DASH_LINE.test(lines[open] ?? '')) {
    const line = Math.min(open, Math.max(lines.length - 1, 0)) + 1;
    return withoutHeader(file, fileName, fileId, lines, 1, 'the file has no header', line, problems);
  }
  let close = open + 1;
  while (close < lines.length && !DASH_LINE.test(lines[close] ?? '')) close++;
  if (close >= lines.length) {
    return withoutHeader(
      file,
      fileName,
      fileId,
      lines.slice(open + 1),
      open + 2,
      'the header is never closed by a second line of dashes',
      open + 1,
      problems,
    );
  }

  // Header line k (0-based within the header) is file line open + 2 + k.
  const headerText = unfence(lines.slice(open + 1, close), file, open + 2, problems).join('\n');
  const shownName = fileName.replace(TRAILING_INVISIBLE, '');
  const headerProblems: Problem[] = [];
  const header = fromSimpleOrNull(scanSimpleHeader(headerText), open) ?? readHeaderYaml(file, headerText, open + 1, headerProblems);
  if (header === null && fileId === null) {
    // Not named candidate-<ID>.md and unreadable: Scrutin never read such files before
    // (`candidates.md`, a backup), so it must not make the election unavailable now.
    const why = headerProblems.find((p) => p.severity === 'error')?.message ?? 'its header cannot be read';
    problems.push({
      file,
      line: open + 1,
      message: `${shownName} is not named candidate-<ID>.md and its header cannot be read (${why}), so it is not read as a candidate`,
      severity: 'warning',
      code: 'candidate-file-ignored',
    });
    return { candidate: null, problems, infoLine: open + 1 };
  }
  problems.push(...headerProblems);
  if (header === null) return { candidate: null, problems, infoLine: open + 1 };
  const infoLine = header.infoLine ?? open + 1;

  // The ID: the header's, as Elekto puts it on the ballot; else the file name's.
  let id = header.id.value;
  if (id !== null && id !== '' && header.id.spelledAs !== undefined) {
    problems.push({
      file,
      line: header.id.line,
      message: `"${header.id.spelledAs}:" is read as "ID:" (Elekto reads only "ID:" and cannot show this election): write "ID:"`,
      severity: 'warning',
      code: 'candidate-key-case',
    });
  }
  if (id === null || id === '') {
    if (fileId === null) {
      problems.push({
        file,
        line: header.id.line ?? open + 1,
        message: `${shownName} is not named candidate-<ID>.md and its header has no ID, so it is not read as a candidate`,
        severity: 'warning',
        code: 'candidate-file-ignored',
      });
      return { candidate: null, problems, infoLine };
    }
    if (fileId === '') {
      problems.push({
        file,
        line: header.id.line ?? open + 1,
        message: `the candidate header has no ID, and the file name (${shownName}) gives none: add "ID: <GitHub login>"`,
        severity: 'error',
        code: 'candidate-no-id',
      });
      return { candidate: null, problems, infoLine };
    }
    problems.push({
      file,
      line: header.id.line ?? open + 1,
      message: `the candidate header has no ID; "${fileId}" from the file name is used (Elekto cannot show this election): add "ID: ${fileId}"`,
      severity: 'warning',
      code: 'candidate-id-missing',
    });
    id = fileId;
  } else if (fileId === '') {
    problems.push({
      file,
      message: `the file name (candidate-.md) has no ID; the header's ID "${id}" is used, as Elekto does: rename it candidate-${id}.md`,
      severity: 'warning',
      code: 'candidate-file-name',
    });
  } else if (fileId === null) {
    problems.push({
      file,
      message: `${shownName} is not named candidate-<ID>.md, but Elekto reads every file starting with "candidate": "${id}" from its header is on the ballot (rename it candidate-${id}.md)`,
      severity: 'warning',
      code: 'candidate-file-name',
    });
  } else if (id !== fileId) {
    const caseOnly = id.toLowerCase() === fileId.toLowerCase();
    problems.push({
      file,
      line: header.id.line,
      message: caseOnly
        ? `ID "${id}" differs in case from the file name (candidate-${fileId}.md); "${id}" is used`
        : `ID "${id}" differs from the file name (candidate-${fileId}.md): ballots record "${id}", as in Elekto, and the profile answers to both; rename the file or fix the ID before voting starts`,
      severity: 'warning',
      code: caseOnly ? 'candidate-id-case' : 'candidate-id-mismatch',
    });
  }

  // The name: Elekto shows "None" for an empty one; the ID is more use to a voter.
  let name = header.name.value;
  if (name !== null && name !== '' && header.name.spelledAs !== undefined) {
    problems.push({
      file,
      line: header.name.line,
      message: `"${header.name.spelledAs}:" is read as "name:" (Elekto shows no name): write "name:"`,
      severity: 'warning',
      code: 'candidate-key-case',
    });
  }
  if (name === null || name === '') {
    problems.push({
      file,
      line: header.name.line ?? open + 1,
      message: `the candidate header has no name; the ID "${id}" is shown instead (Elekto shows "None")`,
      severity: 'warning',
      code: 'candidate-name-missing',
    });
    name = id;
  }

  const candidate: Candidate = { id, name, info: header.info, ...readBio(lines.slice(close + 1), close + 2, file, problems), file };
  if (fileId !== null && fileId !== '' && fileId !== id) candidate.fileId = fileId;
  return { candidate, problems, infoLine };
}

/** The candidate a profile URL names: by the ID on the ballot, else by the ID in its file name. */
export function findCandidate<C extends Pick<Candidate, 'id' | 'fileId'>>(candidates: readonly C[], id: string): C | undefined {
  return candidates.find((c) => c.id === id) ?? candidates.find((c) => c.fileId === id);
}
