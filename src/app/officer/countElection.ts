// The count of a completed election from its stored ballots: the officers' results
// page, their JSON download and `scrutin tally --election` all come through here, so
// they cannot disagree. Ballots are streamed page by page into the pairwise counter;
// memory depends on the candidates, not on the turnout. The server then counts in a
// worker thread (countPool.ts); the command line counts in its own thread.
//
// The count follows the election's rules (SPEC §10): its ballot method, its seat cap
// and its declared tie-break. The answer is one plain data structure, ElectionCount,
// produced here only, so every page that shows a result renders the same thing.
import { describeSeating } from '../../core/governance/describe.js';
import type { GovernanceRules } from '../../core/governance/rules.js';
import type { Seating, SeatRules } from '../../core/governance/seats.js';
import { electionSeatRules } from '../../core/meta/governance.js';
import type { Election } from '../../core/meta/types.js';
import { columnOrder } from '../../core/officer/ballotsCsv.js';
import { isNoOpinion } from '../../core/ballot/rank.js';
import type { Alternatives } from '../../core/tally/alternatives.js';
import type { ApprovalResult } from '../../core/tally/approval.js';
import { RankedBallotCollector } from '../../core/tally/rankedBallots.js';
import {
  StoredBallotCount,
  approvalResult,
  countStv,
  describeAlternatives,
  TooManyLotsError,
  formatApprovalJson,
  formatStvJson,
  tally,
  type PairwiseCounter,
  type RankedBallots,
  type StvResult,
  type TallyResult,
} from '../../core/tally/index.js';
import { governSchulze } from '../../core/governance/schulze.js';
import type { StoredBallot } from '../../storage/ballots.js';
import type { Store } from '../../storage/store.js';
import { Refused } from '../refusals.js';
import type { CountPool } from './countPool.js';

interface CountCommon {
  /** Ballots that express nothing: rank no candidate above another, or approve nobody. */
  abstentions: number;
  /** Candidate ID → name, from the meta repository. */
  names: Map<string, string>;
  /** The rules the count applied (method, cap, continuing members, tie-break). */
  rules: GovernanceRules;
  /** Seats filled. */
  seats: number;
  /** Ballots counted. */
  ballots: number;
  /**
   * What the rules did, one sentence each, with candidate names: who the cap skipped
   * and why, which tie the declared draw broke, between whom and how, which tie stays
   * unbroken. Empty when the rules changed nothing.
   */
  notes: string[];
}

/** A Schulze count: `result` is seated under the rules (winners, ties, explanation). */
export interface SchulzeCount extends CountCommon {
  method: 'schulze';
  result: TallyResult;
  /** The seating under the cap and tie-break; null when the election declares neither. */
  seating: Seating | null;
  /** What ranked pairs and instant-runoff give on the same ballots: information only. */
  alternatives: Alternatives | null;
  /** The alternatives in sentences (with names), or why they could not be computed. */
  alternativeNotes: string[];
  /** Comparisons left out of `result.explanation` (each list), to keep a page small. */
  omitted: { adjacent: number; winners: number };
}

export interface ApprovalCount extends CountCommon {
  method: 'approval';
  approval: ApprovalResult;
}

export interface StvCount extends CountCommon {
  method: 'stv';
  stv: StvResult;
}

export type ElectionCount = SchulzeCount | ApprovalCount | StvCount;

/**
 * Stored ballots rank candidates the meta repository no longer lists (a candidate
 * file removed or renamed after voting began). Counting without them would silently
 * drop preferences, so nothing is counted until the officers decide.
 */
export class UnknownCandidatesError extends Refused {
  constructor(
    readonly ids: string[],
    action: 'count' | 'export' = 'count',
  ) {
    super({ ok: false, code: 'unknown-candidates', ids, action });
    this.name = 'UnknownCandidatesError';
  }
}

/** The election's candidate IDs in the order of the CSV download's columns. */
export function candidateColumns(election: Election): string[] {
  return columnOrder(election.candidates.map((c) => c.id));
}

/**
 * Every stored ballot of the election (none when it has no database row yet), after
 * checking that each names only the election's candidates (`action` says what the
 * refusal stops, for its words).
 */
export async function* storedBallots(store: Store, election: Election, action: 'count' | 'export' = 'count'): AsyncGenerator<StoredBallot> {
  const row = await store.elections.findByKey(election.key);
  if (row === null) return;
  const known = new Set(election.candidates.map((c) => c.id));
  const unknown = new Set<string>();
  for await (const ballot of store.ballots.ballotsOf(row.id)) {
    for (const r of ballot.rows) if (!known.has(r.candidate)) unknown.add(r.candidate);
    if (unknown.size === 0) yield ballot;
  }
  if (unknown.size > 0) throw new UnknownCandidatesError(columnOrder(unknown), action);
}

/** The stored ballots added up: the pairwise matrix, the abstentions, and (when asked) the ballots in order. */
export interface AddedUp {
  ids: string[];
  counter: PairwiseCounter;
  abstentions: number;
  ranked: RankedBallots | null;
}

/**
 * Instant-runoff needs each ballot in order, kept once per distinct ballot. Past this
 * many candidates the officers' page leaves the informational comparison out.
 */
const ALTERNATIVES_CANDIDATE_LIMIT = 100;

/**
 * Streams the stored ballots into the pairwise counter. The work is proportional to
 * the ballots and is done page by page between database reads, so the event loop
 * keeps serving other requests while a large election is read.
 */
export async function addUpBallots(store: Store, election: Election, keepOrder = false): Promise<AddedUp> {
  const ids = candidateColumns(election);
  const count = new StoredBallotCount(ids);
  const collector = keepOrder ? new RankedBallotCollector(ids) : null;
  const index = new Map(ids.map((id, i) => [id, i]));
  const ranks = new Float64Array(ids.length);
  for await (const ballot of storedBallots(store, election)) {
    count.add(ballot.rows);
    if (collector !== null) collector.add(ranksOf(ballot.rows, index, ranks));
  }
  return { ids, counter: count.counter, abstentions: count.abstentions, ranked: collector?.result() ?? null };
}

function ranksOf(
  rows: readonly { candidate: string; rank: number }[],
  index: ReadonlyMap<string, number>,
  into: Float64Array,
): Float64Array {
  into.fill(0);
  for (const r of rows) {
    const i = index.get(r.candidate);
    if (i !== undefined && !isNoOpinion(r.rank)) into[i] = r.rank;
  }
  return into;
}

function namesOf(election: Election): Map<string, string> {
  return new Map(election.candidates.map((c) => [c.id, c.name]));
}

function label(names: ReadonlyMap<string, string>): (id: string) => string {
  return (id) => names.get(id) ?? id;
}

/** The seat rules the count applies, or null when the election declares no cap and no tie-break. */
function seatRulesOf(election: Election): SeatRules | null {
  const rules = electionSeatRules(election.rules, election.candidates);
  return rules.cap === null && rules.tieBreak === null ? null : rules;
}

/**
 * Approval ballots are stored as rank 1 for each approved candidate (ballotForm.ts):
 * a candidate with a rank is approved, one with no opinion is not.
 */
async function countApprovalElection(store: Store, election: Election, seats: number): Promise<ApprovalCount> {
  const ids = candidateColumns(election);
  const index = new Map(ids.map((id, i) => [id, i]));
  const approvals = new Array<number>(ids.length).fill(0);
  let ballots = 0;
  let blank = 0;
  for await (const ballot of storedBallots(store, election)) {
    ballots++;
    let approved = 0;
    for (const r of ballot.rows) {
      const i = index.get(r.candidate);
      if (i === undefined || isNoOpinion(r.rank)) continue;
      approvals[i] = (approvals[i] ?? 0) + 1;
      approved++;
    }
    if (approved === 0) blank++;
  }
  const rules = electionSeatRules(election.rules, election.candidates);
  const approval = approvalResult({ candidates: ids, ballots, blank, approvals }, seats, rules, election.rules.maxSelections);
  const names = namesOf(election);
  return {
    method: 'approval',
    approval,
    abstentions: blank,
    names,
    rules: election.rules,
    seats,
    ballots,
    notes: describeSeating(approval.seating, label(names)),
  };
}

/** STV's exploration of undrawn lots has a bound: past it the officers are asked for a tie-break. */
export class NeedsTieBreakError extends Refused {
  constructor(runs: number) {
    super({ ok: false, code: 'count-needs-tie-break', runs });
    this.name = 'NeedsTieBreakError';
  }
}

/** The STV count, in this thread or (with a pool) in a worker: with lots to explore it can take seconds. */
async function countStvElection(store: Store, election: Election, seats: number, pool: CountPool | null = null): Promise<StvCount> {
  const { ids, counter, ranked } = await addUpBallots(store, election, true);
  const ballots = ranked ?? new RankedBallotCollector(ids).result();
  const rules = electionSeatRules(election.rules, election.candidates);
  let stv: StvResult;
  if (pool === null) {
    try {
      stv = countStv(ballots, { seats, rules });
    } catch (error) {
      if (error instanceof TooManyLotsError) throw new NeedsTieBreakError(error.runs);
      throw error;
    }
  } else {
    const answer = await pool.run({
      candidates: ids,
      d: counter.d,
      ballots: counter.ballots,
      seats,
      output: 'stv',
      names: [],
      explanationLimit: null,
      rules,
      ranked: ballots,
    });
    if (answer.output === 'too-many-lots') throw new NeedsTieBreakError(answer.runs);
    if (answer.output !== 'stv') throw new Error('the count worker answered with the wrong output');
    stv = answer.stv;
  }
  return {
    method: 'stv',
    stv,
    abstentions: ballots.empty,
    names: namesOf(election),
    rules: election.rules,
    seats,
    ballots: ballots.ballots,
    notes: [],
  };
}

function schulzeCount(
  election: Election,
  seats: number,
  abstentions: number,
  answer: { result: TallyResult; seating: Seating | null; alternatives: Alternatives | null; alternativesProblem: string | null },
  omitted: SchulzeCount['omitted'],
): SchulzeCount {
  const names = namesOf(election);
  const alternativeNotes =
    answer.alternatives !== null
      ? describeAlternatives(answer.alternatives, names)
      : answer.alternativesProblem !== null
        ? [`Ranked pairs and instant-runoff are not shown: ${answer.alternativesProblem}`]
        : [];
  return {
    method: 'schulze',
    result: answer.result,
    seating: answer.seating,
    alternatives: answer.alternatives,
    alternativeNotes,
    omitted,
    abstentions,
    names,
    rules: election.rules,
    seats,
    ballots: answer.result.ballots,
    notes: answer.seating === null ? [] : describeSeating(answer.seating, label(names)),
  };
}

/** Counts in this thread: `scrutin tally --election`, which has no other requests to serve. */
export async function countElection(store: Store, election: Election, seats = election.noWinners): Promise<ElectionCount> {
  if (election.rules.method === 'approval') return countApprovalElection(store, election, seats);
  if (election.rules.method === 'stv') return countStvElection(store, election, seats);
  const { ids, counter, abstentions } = await addUpBallots(store, election);
  const rules = seatRulesOf(election);
  const base = tally(ids, counter, seats);
  const governed = rules === null ? null : governSchulze(base, rules);
  return schulzeCount(
    election,
    seats,
    abstentions,
    { result: governed?.result ?? base, seating: governed?.seating ?? null, alternatives: null, alternativesProblem: null },
    { adjacent: 0, winners: 0 },
  );
}

/**
 * Counts for the officers' results page. A Schulze count runs in a worker thread (the
 * strongest paths and the explanation of hundreds of candidates take seconds); at
 * most `explanationLimit` comparisons of each explanation list come back, `omitted`
 * says how many did not, and ranked pairs and instant-runoff are added for
 * information. STV runs in a worker too (exploring undrawn lots can take seconds); an
 * approval count is a sum per candidate and runs here.
 */
export async function countElectionInWorker(
  store: Store,
  election: Election,
  pool: CountPool,
  explanationLimit: number,
): Promise<ElectionCount> {
  if (election.rules.method === 'approval') return countApprovalElection(store, election, election.noWinners);
  if (election.rules.method === 'stv') return countStvElection(store, election, election.noWinners, pool);
  const keepOrder = election.candidates.length <= ALTERNATIVES_CANDIDATE_LIMIT;
  const { ids, counter, abstentions, ranked } = await addUpBallots(store, election, keepOrder);
  const answer = await pool.run({
    candidates: ids,
    d: counter.d,
    ballots: counter.ballots,
    seats: election.noWinners,
    output: 'result',
    names: [],
    explanationLimit,
    rules: seatRulesOf(election),
    ranked,
  });
  if (answer.output !== 'result') throw new Error('the count worker answered with the wrong output');
  return schulzeCount(election, election.noWinners, abstentions, answer, answer.omitted);
}

/** The officers' JSON download, as UTF-8 bytes: a Schulze count written in a worker thread, or the approval / STV count (STV in a worker too). */
export async function electionResultsJson(
  store: Store,
  election: Election,
  pool: CountPool,
): Promise<{ ballots: number; json: Uint8Array }> {
  if (election.rules.method !== 'schulze') {
    const count = await countElectionInWorker(store, election, pool, Number.POSITIVE_INFINITY);
    const names = count.names;
    const text =
      count.method === 'approval'
        ? formatApprovalJson(count.approval, names)
        : count.method === 'stv'
          ? formatStvJson(count.stv, names)
          : '';
    return { ballots: count.ballots, json: new TextEncoder().encode(text) };
  }
  const { ids, counter } = await addUpBallots(store, election);
  const ballots = counter.ballots;
  const answer = await pool.run({
    candidates: ids,
    d: counter.d,
    ballots,
    seats: election.noWinners,
    output: 'json',
    names: [...namesOf(election)],
    explanationLimit: null,
    rules: seatRulesOf(election),
    ranked: null,
  });
  if (answer.output !== 'json') throw new Error('the count worker answered with the wrong output');
  return { ballots, json: answer.json };
}
