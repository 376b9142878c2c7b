// The ballot consistency check behind `scrutin check`: proof that no cast was lost half
// way (a crash, a killed process) and that no ballot is counted twice.
//
// Voter rows and ballot rows cannot be joined (that is the point of the design, and
// Elekto-era voter rows carry no usable link at all), so the check is about counts and
// shapes, per election:
//  - the number of distinct ballot identifiers equals the number of voter rows;
//  - every ballot identifier groups exactly one row per candidate: as many rows as the
//    election has candidates, all different (the candidates are those of the meta
//    repository when known, otherwise those the election's ballots name);
//  - ranks are 1..N or Elekto's no-opinion value;
//  - a sealed link, when present, is whole and well-formed, and absent once erased.
import { decodeKdfParams } from '../core/ballot/kdfParams.js';
import { SALT_BYTES, NONCE_BYTES, TAG_BYTES, VOTER_ID_LENGTH } from '../core/ballot/secrecy.js';
import type { VoterShape } from '../storage/ballots.js';
import type { Store } from '../storage/store.js';

const SEALED_BYTES = NONCE_BYTES + TAG_BYTES + VOTER_ID_LENGTH;
/** Enough lines to see the pattern; the counts say the rest. */
const MAX_LINES_PER_KIND = 20;

export interface ElectionCheck {
  key: string;
  voters: number;
  ballots: number;
  /** The candidates ballots were checked against. */
  candidates: number;
  /** Voter rows holding a sealed link. */
  links: number;
  linksErased: boolean;
  problems: string[];
}

export interface ConsistencyReport {
  elections: ElectionCheck[];
  /** Problems that belong to no single election. */
  general: string[];
  consistent: boolean;
}

export interface CheckOptions {
  /** Check only this election. */
  electionKey?: string;
  /** The election's candidate ids from the meta repository, when known. */
  candidatesOf?: (key: string) => readonly string[] | null;
}

/** Adds lines of one kind, at most MAX_LINES_PER_KIND, then a count of the rest. */
class Lines {
  private readonly counts = new Map<string, number>();
  constructor(private readonly out: string[]) {}
  add(kind: string, line: string): void {
    const n = (this.counts.get(kind) ?? 0) + 1;
    this.counts.set(kind, n);
    if (n <= MAX_LINES_PER_KIND) this.out.push(line);
  }
  finish(): void {
    for (const [kind, n] of this.counts) {
      if (n > MAX_LINES_PER_KIND) this.out.push(`… and ${n - MAX_LINES_PER_KIND} more ${kind}`);
    }
  }
}

function linkProblem(v: VoterShape, linksErased: boolean): string | null {
  const hasSalt = v.saltBytes !== null;
  const hasSealed = v.sealedBytes !== null;
  if (!hasSalt && !hasSealed) return v.kdf === null ? null : 'holds KDF parameters but no link';
  if (linksErased) return 'still holds a link although the links of this election were erased';
  if (!hasSalt || !hasSealed) return hasSalt ? 'has a salt but no sealed identifier' : 'has a sealed identifier but no salt';
  if (v.saltBytes !== SALT_BYTES) return `has a salt of ${v.saltBytes} bytes (expected ${SALT_BYTES})`;
  if (v.sealedBytes !== SEALED_BYTES) return `has a sealed identifier of ${v.sealedBytes} bytes (expected ${SEALED_BYTES})`;
  const kdf = decodeKdfParams(v.kdf);
  return kdf.ok ? null : `has unusable KDF parameters: ${kdf.error}`;
}

async function checkElection(
  store: Store,
  election: { id: number; key: string; linksErasedAt: Date | null },
  expected: readonly string[] | null,
): Promise<ElectionCheck> {
  const problems: string[] = [];
  const lines = new Lines(problems);
  const linksErased = election.linksErasedAt !== null;

  const voters = await store.ballots.voterShapes(election.id);
  let links = 0;
  for (const v of voters) {
    if (v.saltBytes !== null || v.sealedBytes !== null) links++;
    if (v.userId === null) lines.add('voter rows without a user', `voter row #${v.id} belongs to no user`);
    const problem = linkProblem(v, linksErased);
    if (problem !== null) lines.add('malformed links', `voter row #${v.id} ${problem}`);
  }

  const named = await store.ballots.candidatesIn(election.id);
  if (expected !== null && named.length > 0) {
    const want = new Set(expected);
    const have = new Set(named);
    for (const c of named)
      if (!want.has(c)) lines.add('unknown candidates', `ballot rows name "${c}", who is not a candidate of this election`);
    for (const c of expected) if (!have.has(c)) lines.add('missing candidates', `no ballot has a row for candidate "${c}"`);
  }
  const candidateCount = expected?.length ?? named.length;

  const ballots = await store.ballots.ballotShapes(election.id, candidateCount);
  for (const b of ballots) {
    if (b.rows !== candidateCount || b.distinctCandidates !== candidateCount) {
      const what = b.rows === b.distinctCandidates ? `${b.rows} rows` : `${b.rows} rows for ${b.distinctCandidates} different candidates`;
      lines.add('incomplete ballots', `ballot ${b.voter} has ${what}, expected one row for each of the ${candidateCount} candidates`);
    }
    if (b.badRanks > 0)
      lines.add(
        'ballots with bad ranks',
        `ballot ${b.voter} has ${b.badRanks} rank${b.badRanks === 1 ? '' : 's'} outside 1..${candidateCount} and no-opinion`,
      );
  }
  if (voters.length !== ballots.length) {
    const v = voters.length;
    const b = ballots.length;
    const counts = `${v} voter row${v === 1 ? '' : 's'} but ${b} ballot${b === 1 ? '' : 's'}`;
    problems.unshift(
      v > b
        ? `${counts}: ${v - b} vote${v - b === 1 ? ' has' : 's have'} no ballot`
        : `${counts}: ${b - v} ballot${b - v === 1 ? ' has' : 's have'} no voter`,
    );
  }
  lines.finish();
  return { key: election.key, voters: voters.length, ballots: ballots.length, candidates: candidateCount, links, linksErased, problems };
}

export async function checkConsistency(store: Store, options: CheckOptions = {}): Promise<ConsistencyReport> {
  const all = await store.elections.list();
  const elections = options.electionKey === undefined ? all : all.filter((e) => e.key === options.electionKey);
  const report: ConsistencyReport = { elections: [], general: [], consistent: true };
  if (options.electionKey !== undefined && elections.length === 0) {
    report.general.push(`no election "${options.electionKey}" in the database`);
  }
  for (const election of elections) {
    report.elections.push(await checkElection(store, election, options.candidatesOf?.(election.key) ?? null));
  }
  if (options.electionKey === undefined) {
    const stray = await store.ballots.strayRows();
    if (stray.ballots > 0) report.general.push(`${stray.ballots} ballot rows belong to no election`);
    if (stray.voters > 0) report.general.push(`${stray.voters} voter rows belong to no election`);
    const shared = await store.ballots.identifiersInSeveralElections();
    for (const id of shared) report.general.push(`ballot identifier ${id} is used in more than one election`);
  }
  report.consistent = report.general.length === 0 && report.elections.every((e) => e.problems.length === 0);
  return report;
}
