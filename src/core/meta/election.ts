// One election folder (election.yaml, voters.yaml, candidate-*.md, election_desc.md,
// results.md) parsed into an ElectionEntry. Problems never escape as exceptions: an
// election with errors becomes `ok: false` with everything that could be read, so its
// officers can still be recognised and shown what to fix.
//
// Leniency (issue 13): whatever Elekto served, Scrutin serves, and says what is odd.
// Errors are only for what cannot be served at all: YAML that does not parse, no
// election.yaml, no name or dates, a candidate nobody can identify. Everything else
// is a warning with its file and line, shown to officers and by `scrutin validate`.
import type { Candidate, Election, ElectionEntry, Problem } from './types.js';
import { normalizeLogin } from './types.js';
import { candidateIdFromFileName, isCandidateFileName, normalizeText, parseCandidate } from './candidate.js';
import { FieldReader, type LocatedLogin } from './fields.js';
import { scanSimpleVoterLines } from './fastVoters.js';
import { ELECTION_KEYS, VOTERS_KEYS, electionValue, nearestKey, type ElectionKey } from './keys.js';
import { candidateAffiliationProblems, readGovernance } from './governance.js';
import { renderMarkdownFile } from './markdown.js';
import { defaultRules, type GovernanceRules } from '../governance/rules.js';
import { isMap, isNullNode, isSeq, mapEntries, parseYaml } from './yaml.js';
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
  return (
    name === 'election.yaml' || name === 'voters.yaml' || name === 'election_desc.md' || name === 'results.md' || isCandidateFileName(name)
  );
}

/** The key of a folder given its path segments below ELECTION_DIR (`['2021','GB']` → `2021---GB`). */
export function electionKey(segments: readonly string[]): string {
  return segments.join('---');
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
  ballotReceipts: boolean;
  officers: LocatedLogin[];
  eligibility: string;
  exceptionDescription: string;
  noWinnersLine: number | undefined;
  eligibilityLine: number | undefined;
  exceptionDescriptionLine: number | undefined;
  rules: GovernanceRules;
}

/**
 * The governance keys (SPEC §10) read leniently: a bad value is a warning and the key
 * is ignored (the reader falls back to Elekto's behaviour for it), so a typo in a cap
 * never takes an election down; officers see the warning and `scrutin validate
 * --strict` fails on it.
 */
function readGovernanceLeniently(y: Parameters<typeof readGovernance>[0], entries: Map<string, MapEntry>, out: Problem[]): GovernanceRules {
  const found: Problem[] = [];
  const rules = readGovernance(y, entries, found);
  for (const p of found) {
    out.push(
      p.severity === 'error'
        ? { ...p, message: `${p.message} (ignored: the election is served without it)`, severity: 'warning', code: 'governance-ignored' }
        : p,
    );
  }
  return rules;
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
    if (!missing && !y.failed)
      out.push({
        file,
        line: 1,
        message: 'election.yaml is empty: it needs at least name, start_datetime and end_datetime',
        severity: 'error',
      });
  } else if (root !== null && isMap(root)) {
    entries = mapEntries(y, root, problems);
  } else {
    r.error(root, 'election.yaml must be a map of "key: value" settings');
  }
  const get = (key: ElectionKey): Node | null => electionValue(entries, key);
  const keyLine = (key: string): number | undefined => {
    const entry = entries.get(key);
    return entry === undefined ? undefined : y.lineOf(entry.keyNode);
  };

  for (const entry of entries.values()) {
    if (ELECTION_KEYS.includes(entry.key)) continue;
    // Unknown keys are allowed (Elekto ignores them); a near-miss is probably a typo.
    const near = nearestKey(entry.key, ELECTION_KEYS);
    if (near === 'exception_due') {
      r.warn(
        entry.keyNode,
        `unknown key "${entry.key}" is ignored, as Elekto ignores it; did you mean "exception_due"? Until then exception requests close when voting opens (start_datetime)`,
        'misspelt-key',
      );
    } else if (near !== null) {
      r.warn(entry.keyNode, `unknown key "${entry.key}" is ignored; did you mean "${near}"?`, 'misspelt-key');
    }
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
  const noWindow = start !== null && end !== null && end.getTime() <= start.getTime();
  if (noWindow) {
    // Elekto shows such an election (upcoming, then completed at the start) but never
    // offers a ballot. So does Scrutin; delete_after waits for real dates.
    r.warn(
      get('end_datetime'),
      `end_datetime (${end.toISOString()}) is not after start_datetime (${start.toISOString()}): the election is shown but nobody can vote, and delete_after is not applied, until the dates are fixed`,
      'no-voting-window',
    );
  }

  const exceptionDue = r.timestamp('exception_due', get('exception_due'));
  if (exceptionDue !== null && end !== null && exceptionDue.getTime() > end.getTime()) {
    // A warning: the fixture has one, and it only means exceptions stay open as long as voting.
    r.warn(
      get('exception_due'),
      `exception_due (${exceptionDue.toISOString()}) is after end_datetime (${end.toISOString()}); exception requests stay open after voting has closed`,
      'exception-due-after-end',
    );
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
    deleteAfter: r.bool('delete_after', get('delete_after'), false) && !noWindow,
    showCandidateFields: r.strings('show_candidate_fields', get('show_candidate_fields')),
    ballotReceipts: r.bool('ballot_receipts', get('ballot_receipts'), false),
    officers: r.locatedLogins('election_officers', get('election_officers'), 'officer-not-login'),
    eligibility: r.text('eligibility', get('eligibility')) ?? '',
    exceptionDescription: r.text('exception_description', get('exception_description')) ?? '',
    noWinnersLine: y.lineOf(noWinnersNode),
    eligibilityLine: keyLine('eligibility'),
    exceptionDescriptionLine: keyLine('exception_description'),
    rules: y.failed || !isMapRoot ? defaultRules() : readGovernanceLeniently(y, entries, problems),
  };
}

const NOBODY = 'nobody can vote until it lists logins under "eligible_voters:"';

function readVoters(file: string, text: string | undefined, problems: Problem[]): LocatedLogin[] {
  if (text === undefined) {
    problems.push({
      file,
      message: 'voters.yaml is missing: nobody can vote until it lists eligible_voters',
      severity: 'warning',
      code: 'voters-missing',
    });
    return [];
  }
  const normalized = normalizeText(text);
  const simple = scanSimpleVoterLines(normalized);
  if (simple !== null) return simple.logins.map((login, i) => ({ login, line: simple.lines[i] }));
  const y = parseYaml(normalized, file);
  problems.push(...y.problems);
  if (y.failed) return [];
  const r = new FieldReader(y, problems);
  const root = y.root;
  if (isNullNode(root)) {
    problems.push({ file, line: 1, message: `voters.yaml is empty: ${NOBODY}`, severity: 'warning', code: 'voters-empty' });
    return [];
  }
  if (root !== null && isSeq(root)) {
    // Elekto looks up voters['eligible_voters'] and fails on a bare list: nobody
    // could vote. Scrutin shows the election and lets nobody vote either.
    r.warn(
      root,
      `voters.yaml is a bare list without "eligible_voters:", which Elekto cannot read: ${NOBODY} (put "eligible_voters:" above the list)`,
      'voters-not-a-map',
    );
    return [];
  }
  if (root === null || !isMap(root)) {
    r.warn(root, `voters.yaml should hold "eligible_voters:" followed by a list of GitHub logins: ${NOBODY}`, 'voters-not-a-map');
    return [];
  }
  const entries = mapEntries(y, root, problems);
  for (const entry of entries.values()) {
    const near = nearestKey(entry.key, VOTERS_KEYS);
    if (near !== null) r.warn(entry.keyNode, `unknown key "${entry.key}" is ignored; did you mean "${near}"?`, 'misspelt-key');
  }
  const list = entries.get('eligible_voters');
  if (list === undefined) {
    r.warn(root, `voters.yaml has no "eligible_voters:" list: ${NOBODY}`, 'voters-empty');
    return [];
  }
  if (isNullNode(list.value)) {
    r.warn(list.keyNode, `eligible_voters is empty: ${NOBODY}`, 'voters-empty');
    return [];
  }
  return r.locatedLogins('eligible_voters', list.value, 'voter-not-login');
}

/**
 * Logins as written, duplicates removed case-insensitively (first spelling kept). A
 * login written twice with different case gets a warning: Elekto compared exactly, so
 * the two spellings meant different things there.
 */
function uniqueLogins(logins: readonly LocatedLogin[], file: string, problems: Problem[] | null): { list: string[]; set: Set<string> } {
  const first = new Map<string, LocatedLogin>();
  const list: string[] = [];
  for (const entry of logins) {
    const norm = normalizeLogin(entry.login);
    const earlier = first.get(norm);
    if (earlier === undefined) {
      first.set(norm, entry);
      list.push(entry.login);
    } else if (earlier.login !== entry.login && problems !== null) {
      const where = earlier.line === undefined ? '' : ` on line ${earlier.line}`;
      problems.push({
        file,
        line: entry.line,
        message: `"${entry.login}" is "${earlier.login}"${where} in another case; logins compare without case, so it is listed once`,
        severity: 'warning',
        code: 'duplicate-login',
      });
    }
  }
  return { list, set: new Set(first.keys()) };
}

/** The name and officers from election.yaml alone (cheap), for an election whose other files could not be read in time. */
export function readElectionHead(folder: ElectionFolder): { name: string | null; officerSet: Set<string> } {
  const file = folder.dir === '' ? 'election.yaml' : `${folder.dir}/election.yaml`;
  const meta = readElectionYaml(file, folder.files.get('election.yaml'), []);
  return { name: meta.name, officerSet: new Set(meta.officers.map((o) => normalizeLogin(o.login))) };
}

/** Parses one election folder. Never throws: an unexpected failure becomes a problem of that election. */
export function parseElectionFolder(folder: ElectionFolder): ElectionEntry {
  try {
    return parseFolder(folder);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const problems: Problem[] = [
      {
        file: folder.dir === '' ? 'election.yaml' : `${folder.dir}/election.yaml`,
        message: `this election could not be read (${message}); please report this as a Scrutin bug`,
        severity: 'error',
      },
    ];
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
  /** Candidate file → the line of its `info:`, for warnings about what info lacks. */
  const infoLines = new Map<string, number | undefined>();
  // Files named candidate-<ID>.md first: another file starting with "candidate" (a
  // backup, `candidates.md`) never takes an ID from one of them.
  const standard = (name: string): number => (candidateIdFromFileName(name) === null ? 1 : 0);
  const candidateNames = [...files.keys()]
    .filter(isCandidateFileName)
    .sort((a, b) => standard(a) - standard(b) || (a < b ? -1 : a > b ? 1 : 0));
  for (const fileName of candidateNames) {
    const parsed = parseCandidate(path(fileName), fileName, files.get(fileName) ?? '');
    const c = parsed.candidate;
    const earlier = c === null ? undefined : seen.get(c.id.toLowerCase());
    if (c !== null && earlier !== undefined && standard(fileName) === 1) {
      // Such files were not read before: a copy of a candidate must not break the election.
      problems.push({
        file: c.file,
        message: `candidate ID "${c.id}" is already ${earlier.file}'s; this file is not named candidate-<ID>.md, so it is not read as a candidate`,
        severity: 'warning',
        code: 'candidate-file-ignored',
      });
      continue;
    }
    problems.push(...parsed.problems);
    if (c === null) continue;
    if (earlier !== undefined) {
      problems.push({
        file: c.file,
        message: `candidate ID "${c.id}" is also used by ${earlier.file}; IDs must be unique (case-insensitively)`,
        severity: 'error',
        code: 'duplicate-candidate-id',
      });
      continue;
    }
    seen.set(c.id.toLowerCase(), c);
    candidates.push(c);
    infoLines.set(c.file, parsed.infoLine);
    for (const field of meta.showCandidateFields) {
      if (!c.info.some((f) => f.key === field)) {
        problems.push({
          file: c.file,
          line: parsed.infoLine,
          message: `info has no "${field}", which election.yaml lists in show_candidate_fields`,
          severity: 'warning',
          code: 'show-field-missing',
        });
      }
    }
  }
  candidates.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const p of candidateAffiliationProblems(meta.rules, candidates)) {
    const line = infoLines.get(p.file);
    problems.push({ ...p, ...(line === undefined ? {} : { line }), code: 'affiliation-missing' });
  }

  if (candidates.length > 0 && meta.noWinners > candidates.length) {
    // A warning, not an error: candidates are added while nominations are open.
    problems.push({
      file: path('election.yaml'),
      line: meta.noWinnersLine,
      message: `no_winners is ${meta.noWinners} but there are only ${candidates.length} candidates`,
      severity: 'warning',
      code: 'seats-over-candidates',
    });
  }

  const officers = uniqueLogins(meta.officers, path('election.yaml'), problems);
  const unique = uniqueLogins(voters, path('voters.yaml'), problems);
  const inYaml = (line: number | undefined) => ({ file: path('election.yaml'), firstLine: line ?? 1, exactLines: false });
  const inFile = (name: string) => ({ file: path(name), firstLine: 1, exactLines: true });
  const descriptionMd = files.get('election_desc.md');
  const resultsMd = files.get('results.md');
  const html = {
    eligibility: renderMarkdownFile(meta.eligibility, inYaml(meta.eligibilityLine), problems),
    exceptionDescription: renderMarkdownFile(meta.exceptionDescription, inYaml(meta.exceptionDescriptionLine), problems),
    description: descriptionMd === undefined ? '' : renderMarkdownFile(normalizeText(descriptionMd), inFile('election_desc.md'), problems),
    results: resultsMd === undefined ? null : renderMarkdownFile(normalizeText(resultsMd), inFile('results.md'), problems),
  };
  problems.sort(byFileThenLine);
  const hasErrors = problems.some((p) => p.severity === 'error');
  if (hasErrors || meta.name === null || meta.start === null || meta.end === null) {
    return { key, dir, ok: false, name: meta.name, officerSet: officers.set, problems };
  }

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
    ballotReceipts: meta.ballotReceipts,
    officers: officers.list,
    voters: unique.list,
    voterSet: unique.set,
    officerSet: officers.set,
    eligibilityHtml: html.eligibility,
    exceptionDescriptionHtml: html.exceptionDescription,
    descriptionHtml: html.description,
    resultsHtml: html.results,
    candidates,
    rules: meta.rules,
    warnings: problems,
  };
  return { key, dir, ok: true, election, problems };
}
