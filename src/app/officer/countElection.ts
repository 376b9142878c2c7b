// The count of a completed election from its stored ballots: the officers' results
// page, their JSON download and `scrutin tally --election` all come through here, so
// they cannot disagree. Ballots are streamed page by page into the pairwise counter;
// memory depends on the candidates, not on the turnout. The server then counts in a
// worker thread (countPool.ts); the command line counts in its own thread.
import type { Election } from '../../core/meta/types.js';
import { columnOrder } from '../../core/officer/ballotsCsv.js';
import { StoredBallotCount, tally, type PairwiseCounter, type TallyResult } from '../../core/tally/index.js';
import type { StoredBallot } from '../../storage/ballots.js';
import type { Store } from '../../storage/store.js';
import { Refused } from '../refusals.js';
import type { CountPool } from './countPool.js';

export interface ElectionCount {
  result: TallyResult;
  /** Ballots that prefer no candidate to another (all unranked, or all equal). */
  abstentions: number;
  /** Candidate ID → name, from the meta repository. */
  names: Map<string, string>;
  /** Comparisons left out of `result.explanation` (each list), to keep a page small. */
  omitted: { adjacent: number; winners: number };
}

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

/** The stored ballots added up: the pairwise matrix, and the abstentions. */
export interface AddedUp {
  ids: string[];
  counter: PairwiseCounter;
  abstentions: number;
}

/**
 * Streams the stored ballots into the pairwise counter. The work is proportional to
 * the ballots and is done page by page between database reads, so the event loop
 * keeps serving other requests while a large election is read.
 */
export async function addUpBallots(store: Store, election: Election): Promise<AddedUp> {
  const ids = candidateColumns(election);
  const count = new StoredBallotCount(ids);
  for await (const ballot of storedBallots(store, election)) count.add(ballot.rows);
  return { ids, counter: count.counter, abstentions: count.abstentions };
}

function namesOf(election: Election): Map<string, string> {
  return new Map(election.candidates.map((c) => [c.id, c.name]));
}

/** Counts in this thread: `scrutin tally --election`, which has no other requests to serve. */
export async function countElection(store: Store, election: Election, seats = election.noWinners): Promise<ElectionCount> {
  const { ids, counter, abstentions } = await addUpBallots(store, election);
  return { result: tally(ids, counter, seats), abstentions, names: namesOf(election), omitted: { adjacent: 0, winners: 0 } };
}

/**
 * Counts in a worker thread (the officers' results page): the strongest paths and the
 * explanation of hundreds of candidates take seconds. At most `explanationLimit`
 * comparisons of each explanation list come back; `omitted` says how many did not.
 */
export async function countElectionInWorker(
  store: Store,
  election: Election,
  pool: CountPool,
  explanationLimit: number,
): Promise<ElectionCount> {
  const { ids, counter, abstentions } = await addUpBallots(store, election);
  const answer = await pool.run({
    candidates: ids,
    d: counter.d,
    ballots: counter.ballots,
    seats: election.noWinners,
    output: 'result',
    names: [],
    explanationLimit,
  });
  if (answer.output !== 'result') throw new Error('the count worker answered with the wrong output');
  return { result: answer.result, abstentions, names: namesOf(election), omitted: answer.omitted };
}

/** The officers' JSON download (formatJson), written in a worker thread, as UTF-8 bytes. */
export async function electionResultsJson(
  store: Store,
  election: Election,
  pool: CountPool,
): Promise<{ ballots: number; json: Uint8Array }> {
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
  });
  if (answer.output !== 'json') throw new Error('the count worker answered with the wrong output');
  return { ballots, json: answer.json };
}
