// The governance keys of election.yaml (SPEC §10): ballot_method, max_selections,
// max_per_affiliation, affiliation_field, continuing_members and tie_break, read from
// the parsed mapping into GovernanceRules with a located problem for each bad value.
// Without the keys the rules are Schulze and nothing else, so an Elekto repository
// reads exactly as before. Errors are for values that would make the count wrong (an
// unknown method, a cap above the whole body); doubtful but usable values warn.
import {
  BALLOT_METHODS,
  TIE_BREAK_METHODS,
  capLimit,
  defaultRules,
  parseCap,
  type BallotMethod,
  type ContinuingMember,
  type GovernanceRules,
  type TieBreakRule,
} from '../governance/rules.js';
import { affiliationKey, infoValue } from '../governance/affiliation.js';
import type { SeatRules } from '../governance/seats.js';
import { normalizeText } from './candidate.js';
import { FieldReader } from './fields.js';
import { electionValue, type ElectionKey } from './keys.js';
import { loginProblem } from './login.js';
import type { CandidateField, Problem } from './types.js';
import { deref, isMap, isNullNode, isScalar, isSeq, mapEntries, parseYaml, scalarText } from './yaml.js';
import type { MapEntry, Node, YamlFile } from './yaml.js';

function quoted(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

function scalar(node: Node | null): string | null {
  return node !== null && isScalar(node) ? scalarText(node).trim() : null;
}

function readMethod(r: FieldReader, node: Node | null): BallotMethod {
  if (isNullNode(node)) return 'schulze';
  const text = scalar(node);
  if (text === null) {
    r.error(node, `ballot_method must be one of ${BALLOT_METHODS.join(', ')}`);
    return 'schulze';
  }
  const method = BALLOT_METHODS.find((m) => m === text.toLowerCase());
  if (method === undefined) {
    r.error(node, `unknown ballot_method ${quoted(text)}; use ${BALLOT_METHODS.join(', ')}`);
    return 'schulze';
  }
  if (method !== text) r.warn(node, `ballot_method ${quoted(text)} is read as "${method}"; write it in lower case`);
  return method;
}

function readMaxSelections(r: FieldReader, node: Node | null, method: BallotMethod): number | null {
  if (isNullNode(node)) return null;
  const problems: Problem[] = [];
  const value = new FieldReader(r.y, problems).int('max_selections', node, 0);
  if (problems.length > 0) {
    r.error(node, `max_selections must be a whole number from 1 (got ${quoted(scalar(node) ?? 'a list or map')})`);
    return null;
  }
  if (value < 1) {
    r.error(node, `max_selections must be at least 1 (got ${value})`);
    return null;
  }
  if (method !== 'approval') r.warn(node, `max_selections only applies to approval ballots; it is ignored with ballot_method ${method}`);
  return value;
}

function readContinuing(r: FieldReader, node: Node | null): ContinuingMember[] {
  if (isNullNode(node) || node === null) return [];
  if (!isSeq(node)) {
    r.error(node, 'continuing_members must be a list of "- login: …" / "affiliation: …" entries');
    return [];
  }
  const out: ContinuingMember[] = [];
  const seen = new Set<string>();
  for (const raw of node.items) {
    const item = deref(r.y, raw);
    if (isNullNode(item)) {
      r.warn(raw, 'an empty entry in continuing_members was ignored');
      continue;
    }
    let login: string | null;
    let affiliation: string | null = null;
    let where: unknown = item;
    if (item !== null && isScalar(item)) {
      login = scalarText(item).trim();
      r.warn(
        item,
        `continuing member ${quoted(login)} has no affiliation, so the cap does not count them; write "- login: ${login}" and "affiliation: …"`,
      );
    } else if (item !== null && isMap(item)) {
      const entries = mapEntries(r.y, item, r.problems);
      for (const entry of entries.values()) {
        if (entry.key !== 'login' && entry.key !== 'affiliation')
          r.warn(entry.keyNode, `unknown key ${quoted(entry.key)} in a continuing member is ignored (expected login and affiliation)`);
      }
      const loginNode = entries.get('login')?.value ?? null;
      where = loginNode ?? item;
      login = scalar(loginNode);
      if (login === null) {
        r.error(item, 'each continuing member needs a login');
        continue;
      }
      const affNode = entries.get('affiliation')?.value ?? null;
      affiliation = scalar(affNode);
      if (affNode !== null && !isNullNode(affNode) && affiliation === null)
        r.error(affNode, "a continuing member's affiliation must be text");
      if (affiliationKey(affiliation) === null) {
        r.warn(item, `continuing member ${quoted(login)} has no affiliation, so the cap does not count them`);
        affiliation = affiliation === '' ? null : affiliation;
      }
    } else {
      r.error(item, 'each continuing member must be "login: …" and "affiliation: …"');
      continue;
    }
    const why = loginProblem(login);
    if (why !== null) {
      r.error(where, `continuing_members: ${why}`);
      continue;
    }
    if (seen.has(login.toLowerCase())) {
      r.warn(where, `continuing member ${quoted(login)} is listed twice; counted once`);
      continue;
    }
    seen.add(login.toLowerCase());
    out.push({ login, affiliation });
  }
  return out;
}

function readTieBreak(r: FieldReader, node: Node | null): TieBreakRule | null {
  if (isNullNode(node) || node === null) return null;
  if (!isMap(node)) {
    r.error(node, 'tie_break must be a map such as {method: seeded-hash, seed: "…"}');
    return null;
  }
  const entries = mapEntries(r.y, node, r.problems);
  for (const entry of entries.values()) {
    if (entry.key !== 'method' && entry.key !== 'seed')
      r.warn(entry.keyNode, `unknown key ${quoted(entry.key)} in tie_break is ignored (expected method and seed)`);
  }
  const methodNode = entries.get('method')?.value ?? null;
  const method = scalar(methodNode);
  if (method === null || method === '') {
    r.error(node, 'tie_break needs a method (seeded-hash)');
    return null;
  }
  if (!TIE_BREAK_METHODS.some((m) => m === method)) {
    r.error(methodNode, `unknown tie_break method ${quoted(method)}; use ${TIE_BREAK_METHODS.join(', ')}`);
    return null;
  }
  const seedNode = entries.get('seed')?.value ?? null;
  // The seed is hashed byte for byte: read it as written, never as a YAML number or date.
  const seed = seedNode !== null && isScalar(seedNode) ? scalarText(seedNode) : null;
  if (seed === null || seed.trim() === '') {
    r.error(seedNode ?? node, 'tie_break needs a seed: text the officers publish before voting opens');
    return null;
  }
  if (seed !== seed.trim())
    r.warn(seedNode, 'the tie_break seed starts or ends with spaces, which are part of the seed; quote it to make that visible');
  return { method: 'seeded-hash', seed };
}

/**
 * Reads the governance keys from election.yaml's top-level entries (as
 * `mapEntries` returns them), adding located problems to `problems`.
 */
export function readGovernance(y: YamlFile, entries: ReadonlyMap<string, MapEntry>, problems: Problem[]): GovernanceRules {
  const r = new FieldReader(y, problems);
  const get = (key: ElectionKey): Node | null => electionValue(entries, key);
  const rules = defaultRules();
  rules.method = readMethod(r, get('ballot_method'));
  rules.maxSelections = readMaxSelections(r, get('max_selections'), rules.method);

  const fieldNode = get('affiliation_field');
  if (!isNullNode(fieldNode)) {
    const field = scalar(fieldNode);
    if (field === null || field === '') r.error(fieldNode, 'affiliation_field must name a candidate info key, such as employer');
    else rules.affiliationField = field;
  }
  rules.continuingMembers = readContinuing(r, get('continuing_members'));
  rules.tieBreak = readTieBreak(r, get('tie_break'));

  const capNode = get('max_per_affiliation');
  if (!isNullNode(capNode)) {
    const text = scalar(capNode);
    const parsed = text === null ? { error: 'it must be a whole number or a fraction such as 1/3' } : parseCap(text);
    if ('error' in parsed) {
      r.error(capNode, `max_per_affiliation: ${parsed.error}`);
    } else {
      rules.cap = parsed.cap;
      if (parsed.cap.kind === 'fraction' && parsed.cap.numerator === parsed.cap.denominator && parsed.cap.bound === 'at-most') {
        r.warn(capNode, 'max_per_affiliation 1/1 allows the whole body to share one affiliation: it has no effect');
      }
      // The body is no_winners + continuing members; a share that allows nobody is surely a mistake.
      const seats = new FieldReader(y, []).int('no_winners', get('no_winners'), 1);
      const body = Math.max(seats, 1) + rules.continuingMembers.length;
      if (capLimit(parsed.cap, body) < 1) {
        r.warn(
          capNode,
          `max_per_affiliation ${text ?? ''} of a body of ${body} (no_winners + continuing members) allows no one from any affiliation; only candidates without one can be seated`,
        );
      }
    }
  } else if (rules.continuingMembers.length > 0) {
    r.warn(entries.get('continuing_members')?.keyNode, 'continuing_members only matter with max_per_affiliation, which is not set');
  }
  return rules;
}

/** Reads the governance keys of a whole election.yaml text (for tools and tests). */
export function parseGovernance(text: string, file: string): { rules: GovernanceRules; problems: Problem[] } {
  const y = parseYaml(normalizeText(text), file);
  const problems: Problem[] = [...y.problems];
  if (y.failed || y.root === null || !isMap(y.root)) return { rules: defaultRules(), problems };
  const entries = mapEntries(y, y.root, problems);
  return { rules: readGovernance(y, entries, problems), problems };
}

/**
 * Warnings for candidates the cap cannot place: a cap is set but a candidate's header
 * has no `affiliation_field` entry (they are never capped). For `scrutin validate`
 * and the officer pages once the election's candidates are known.
 */
export function candidateAffiliationProblems(
  rules: GovernanceRules,
  candidates: readonly { id: string; info: readonly CandidateField[]; file: string }[],
): Problem[] {
  if (rules.cap === null) return [];
  return candidates
    .filter((c) => affiliationKey(infoValue(c.info, rules.affiliationField)) === null)
    .map((c) => ({
      file: c.file,
      message: `candidate ${c.id} has no "${rules.affiliationField}" in info, so max_per_affiliation does not count them`,
      severity: 'warning' as const,
    }));
}

/** Candidate ID → affiliation (the `affiliation_field` entry), for seating. */
export function candidateAffiliations(
  rules: GovernanceRules,
  candidates: readonly { id: string; info: readonly CandidateField[] }[],
): Map<string, string | null> {
  return new Map(candidates.map((c) => [c.id, infoValue(c.info, rules.affiliationField)]));
}

/** The seat rules of an election: its cap with the candidates' affiliations, continuing members and tie-break. */
export function electionSeatRules(
  rules: GovernanceRules,
  candidates: readonly { id: string; info: readonly CandidateField[] }[],
): SeatRules {
  return {
    cap: rules.cap,
    affiliations: candidateAffiliations(rules, candidates),
    continuing: rules.continuingMembers,
    tieBreak: rules.tieBreak,
  };
}

export interface AffiliationsFile {
  affiliations: Map<string, string | null>;
  continuing: ContinuingMember[];
  problems: Problem[];
}

/**
 * `scrutin tally --affiliations FILE`: candidate ID → affiliation under `candidates:`,
 * and `continuing_members:` exactly as in election.yaml.
 */
export function parseAffiliationsFile(text: string, file: string): AffiliationsFile {
  const y = parseYaml(normalizeText(text), file);
  const problems: Problem[] = [...y.problems];
  const out: AffiliationsFile = { affiliations: new Map(), continuing: [], problems };
  if (y.failed) return out;
  const r = new FieldReader(y, problems);
  if (y.root === null || !isMap(y.root)) {
    r.error(y.root, 'expected "candidates:" (candidate ID: affiliation) and optionally "continuing_members:"');
    return out;
  }
  const entries = mapEntries(y, y.root, problems);
  for (const entry of entries.values()) {
    if (entry.key !== 'candidates' && entry.key !== 'continuing_members')
      r.warn(entry.keyNode, `unknown key ${quoted(entry.key)} is ignored (expected candidates and continuing_members)`);
  }
  const candidates = entries.get('candidates')?.value ?? null;
  if (candidates !== null && !isNullNode(candidates)) {
    if (!isMap(candidates)) r.error(candidates, 'candidates must map each candidate ID to an affiliation ("alice: Acme")');
    else {
      for (const entry of mapEntries(y, candidates, problems).values()) {
        const value = entry.value === null || isNullNode(entry.value) ? null : scalar(entry.value);
        if (entry.value !== null && !isNullNode(entry.value) && value === null)
          r.error(entry.value, `the affiliation of ${quoted(entry.key)} must be text`);
        out.affiliations.set(entry.key, value);
      }
    }
  }
  out.continuing = readContinuing(r, entries.get('continuing_members')?.value ?? null);
  return out;
}
