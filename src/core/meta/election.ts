// One election folder (election.yaml, voters.yaml, candidate-*.md, election_desc.md,
// results.md) parsed into an ElectionEntry. Problems never escape as exceptions: an
// election with errors becomes `ok: false` with everything that could be read, so its
// officers can still be recognised and shown what to fix.
import type { Candidate, Election, ElectionEntry, Problem } from './types.js';
import { normalizeLogin } from './types.js';
import { candidateIdFromFileName, normalizeText, parseCandidate } from './candidate.js';
import { FieldReader } from './fields.js';
import { scanSimpleVoters } from './fastVoters.js';
import { renderMarkdown } from './markdown.js';
import { isMap, isNullNode, mapEntries, parseYaml } from './yaml.js';
import type { MapEntry, Node } from './yaml.js';

/** The files of one election folder, as the loader read them. */
export interface ElectionFolder {
  /** Election key: folder path below ELECTION_DIR with `/` replaced by `---`. */
  key: string;
  /** Folder path relative to the repository root, `/`-separated. */
  dir: string;
  /** File name within the folder → contents. Only names for which `isElectionFile` is true matter. */
  files: ReadonlyMap<string, string>;
  /** Problems the loader met in this folder (unreadable files, symbolic links...). */
  problems?: readonly Problem[];
}

/** Whether the parser uses a file of this name; the loader reads only these. */
export function isElectionFile(name: string): boolean {
  return name === 'election.yaml' || name === 'voters.yaml' || name === 'election_desc.md' || name === 'results.md' || candidateIdFromFileName(name) !== null;
}

/** The key of a folder given its path segments below ELECTION_DIR (`['2021','GB']` → `2021---GB`). */
export function electionKey(segments: readonly string[]): string {
  return segments.join('---');
}

const KNOWN_KEYS = [
  'name', 'organization', 'start_datetime', 'end_datetime', 'no_winners', 'allow_no_opinion', 'delete_after',
  'show_candidate_fields', 'election_officers', 'eligibility', 'exception_description', 'exception_due', 'exceptions_due',
];

/** Edit distance, for "did you mean" hints on misspelt keys. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

function byFileThenLine(a: Problem, b: Problem): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0);
}

interface ElectionYaml {
  name: string | null;
  organization: string | null;
  start: Date | null;
  end: Date | null;
  exceptionDue: Date | null;
  noWinners: number;
  allowNoOpinion: boolean;
  deleteAfter: boolean;
  showCandidateFields: string[];
  officers: string[];
  eligibility: string;
  exceptionDescription: string;
  noWinnersLine: number | undefined;
}

function readElectionYaml(file: string, text: string | undefined, out: Problem[]): ElectionYaml {
  const missing = text === undefined;
  // The loader says why it could not read the file; say something if nobody did.
  if (missing && !out.some((p) => p.file === file && p.severity === 'error')) {
    out.push({ file, message: 'election.yaml is missing', severity: 'error' });
  }
  const y = parseYaml(normalizeText(text ?? ''), file);
  out.push(...y.problems);
  // When the YAML itself is broken, only its errors are reported (what follows from
  // them is noise), but name and officers are still read where possible.
  const problems = y.failed ? [] : out;
  const r = new FieldReader(y, problems);
  const root = y.root;
  let entries = new Map<string, MapEntry>();
  const isMapRoot = root !== null && isMap(root);
  if (isNullNode(root)) {
    if (!missing && !y.failed) out.push({ file, line: 1, message: 'election.yaml is empty: it needs at least name, start_datetime and end_datetime', severity: 'error' });
  } else if (root !== null && isMap(root)) {
    entries = mapEntries(y, root, problems);
  } else {
    r.error(root, 'election.yaml must be a map of "key: value" settings');
  }
  const get = (key: string): Node | null => entries.get(key)?.value ?? null;
  const keyLine = (key: string): number | undefined => {
    const entry = entries.get(key);
    return entry === undefined ? undefined : y.lineOf(entry.keyNode);
  };

  for (const entry of entries.values()) {
    if (KNOWN_KEYS.includes(entry.key)) continue;
    // Unknown keys are allowed (Elekto ignores them); a near-miss is probably a typo.
    const near = KNOWN_KEYS.find((k) => distance(k, entry.key.toLowerCase()) <= 2);
    if (near !== undefined) r.warn(entry.keyNode, `unknown key "${entry.key}" is ignored; did you mean "${near}"?`);
  }

  const name = r.text('name', get('name'))?.trim() ?? null;
  if (isMapRoot && (name === null || name === '')) {
    problems.push({ file, line: keyLine('name') ?? 1, message: 'name is required', severity: 'error' });
  }
  const start = r.timestamp('start_datetime', get('start_datetime'));
  if (isMapRoot && (!entries.has('start_datetime') || isNullNode(get('start_datetime')))) {
    problems.push({ file, line: keyLine('start_datetime') ?? 1, message: 'start_datetime is required', severity: 'error' });
  }
  const end = r.timestamp('end_datetime', get('end_datetime'));
  if (isMapRoot && (!entries.has('end_datetime') || isNullNode(get('end_datetime')))) {
    problems.push({ file, line: keyLine('end_datetime') ?? 1, message: 'end_datetime is required', severity: 'error' });
  }
  if (start !== null && end !== null && end.getTime() <= start.getTime()) {
    r.error(get('end_datetime'), `end_datetime (${end.toISOString()}) must be after start_datetime (${start.toISOString()})`);
  }

  // Elekto's own sample spells it `exceptions_due`; both are accepted.
  let dueKey = 'exception_due';
  if (entries.has('exception_due') && entries.has('exceptions_due')) {
    r.warn(entries.get('exceptions_due')?.keyNode, 'both exception_due and exceptions_due are set; exception_due is used');
  } else if (entries.has('exceptions_due')) {
    dueKey = 'exceptions_due';
  }
  const exceptionDue = r.timestamp(dueKey, get(dueKey));
  if (exceptionDue !== null && end !== null && exceptionDue.getTime() > end.getTime()) {
    // A warning: the fixture has one, and it only means exceptions stay open as long as voting.
    r.warn(get(dueKey), `${dueKey} (${exceptionDue.toISOString()}) is after end_datetime (${end.toISOString()}); exception requests stay open after voting has closed`);
  }

  const noWinnersNode = get('no_winners');
  const noWinners = r.int('no_winners', noWinnersNode, 1);
  if (noWinners < 1) r.error(noWinnersNode, `no_winners must be at least 1 (got ${noWinners})`);

  return {
    name: name === '' ? null : name,
    organization: r.text('organization', get('organization'))?.trim() ?? null,
    start,
    end,
    exceptionDue,
    noWinners: Math.max(noWinners, 1),
    allowNoOpinion: r.bool('allow_no_opinion', get('allow_no_opinion'), true),
    deleteAfter: r.bool('delete_after', get('delete_after'), false),
    showCandidateFields: r.strings('show_candidate_fields', get('show_candidate_fields')),
    officers: r.logins('election_officers', get('election_officers')),
    eligibility: r.text('eligibility', get('eligibility')) ?? '',
    exceptionDescription: r.text('exception_description', get('exception_description')) ?? '',
    noWinnersLine: y.lineOf(noWinnersNode),
  };
}

function readVoters(file: string, text: string | undefined, problems: Problem[]): string[] {
  if (text === undefined) {
    problems.push({ file, message: 'voters.yaml is missing: nobody can vote until it lists eligible_voters', severity: 'warning' });
    return [];
  }
  const normalized = normalizeText(text);
  const simple = scanSimpleVoters(normalized);
  if (simple !== null) return simple;
  const y = parseYaml(normalized, file);
  problems.push(...y.problems);
  if (y.failed) return [];
  const r = new FieldReader(y, problems);
  const root = y.root;
  if (isNullNode(root)) {
    problems.push({ file, line: 1, message: 'voters.yaml is empty: it should hold "eligible_voters:" and a list of logins', severity: 'warning' });
    return [];
  }
  if (root === null || !isMap(root)) {
    r.error(root, 'voters.yaml must hold "eligible_voters:" followed by a list of GitHub logins');
    return [];
  }
  const entries = mapEntries(y, root, problems);
  const list = entries.get('eligible_voters');
  if (list === undefined) {
    r.error(root, 'voters.yaml has no "eligible_voters:" list');
    return [];
  }
  return r.logins('eligible_voters', list.value);
}

/** Voters as written, duplicates removed case-insensitively (first spelling kept). */
function uniqueLogins(logins: readonly string[]): { list: string[]; set: Set<string> } {
  const set = new Set<string>();
  const list: string[] = [];
  for (const login of logins) {
    const norm = normalizeLogin(login);
    if (set.has(norm)) continue;
    set.add(norm);
    list.push(login);
  }
  return { list, set };
}

/** Parses one election folder. Never throws: an unexpected failure becomes a problem of that election. */
export function parseElectionFolder(folder: ElectionFolder): ElectionEntry {
  try {
    return parseFolder(folder);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const problems: Problem[] = [{ file: folder.dir === '' ? 'election.yaml' : `${folder.dir}/election.yaml`, message: `this election could not be read (${message}); please report this as a Scrutin bug`, severity: 'error' }];
    return { key: folder.key, dir: folder.dir, ok: false, name: null, officerSet: new Set(), problems };
  }
}

function parseFolder(folder: ElectionFolder): ElectionEntry {
  const { key, dir, files } = folder;
  const path = (name: string): string => (dir === '' ? name : `${dir}/${name}`);
  const problems: Problem[] = [...(folder.problems ?? [])];

  const meta = readElectionYaml(path('election.yaml'), files.get('election.yaml'), problems);
  const voters = readVoters(path('voters.yaml'), files.get('voters.yaml'), problems);

  const candidates: Candidate[] = [];
  const seen = new Map<string, Candidate>();
  const candidateNames = [...files.keys()].filter((n) => candidateIdFromFileName(n) !== null).sort();
  for (const fileName of candidateNames) {
    const parsed = parseCandidate(path(fileName), fileName, files.get(fileName) ?? '');
    problems.push(...parsed.problems);
    const c = parsed.candidate;
    if (c === null) continue;
    const earlier = seen.get(c.id.toLowerCase());
    if (earlier !== undefined) {
      problems.push({ file: c.file, message: `candidate ID "${c.id}" is also used by ${earlier.file}; IDs must be unique (case-insensitively)`, severity: 'error' });
      continue;
    }
    seen.set(c.id.toLowerCase(), c);
    candidates.push(c);
    for (const field of meta.showCandidateFields) {
      if (!c.info.some((f) => f.key === field)) {
        problems.push({ file: c.file, line: parsed.infoLine, message: `info has no "${field}", which election.yaml lists in show_candidate_fields`, severity: 'warning' });
      }
    }
  }
  candidates.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  if (candidates.length > 0 && meta.noWinners > candidates.length) {
    // A warning, not an error: candidates are added while nominations are open.
    problems.push({
      file: path('election.yaml'),
      line: meta.noWinnersLine,
      message: `no_winners is ${meta.noWinners} but there are only ${candidates.length} candidates`,
      severity: 'warning',
    });
  }

  problems.sort(byFileThenLine);
  const officers = uniqueLogins(meta.officers);
  const hasErrors = problems.some((p) => p.severity === 'error');
  if (hasErrors || meta.name === null || meta.start === null || meta.end === null) {
    return { key, dir, ok: false, name: meta.name, officerSet: officers.set, problems };
  }

  const unique = uniqueLogins(voters);
  const descriptionMd = files.get('election_desc.md');
  const resultsMd = files.get('results.md');
  const election: Election = {
    key,
    dir,
    name: meta.name,
    organization: meta.organization,
    startDatetime: meta.start,
    endDatetime: meta.end,
    exceptionDue: meta.exceptionDue ?? meta.start,
    noWinners: meta.noWinners,
    allowNoOpinion: meta.allowNoOpinion,
    deleteAfter: meta.deleteAfter,
    showCandidateFields: meta.showCandidateFields,
    officers: officers.list,
    voters: unique.list,
    voterSet: unique.set,
    officerSet: officers.set,
    eligibilityHtml: renderMarkdown(meta.eligibility),
    exceptionDescriptionHtml: renderMarkdown(meta.exceptionDescription),
    descriptionHtml: descriptionMd === undefined ? '' : renderMarkdown(normalizeText(descriptionMd)),
    resultsHtml: resultsMd === undefined ? null : renderMarkdown(normalizeText(resultsMd)),
    candidates,
    warnings: problems,
  };
  return { key, dir, ok: true, election, problems };
}
