// The count of a completed election from its stored ballots: the officers' results
// page, their JSON download and `scrutin tally --election` all come through here, so
// they cannot disagree. Ballots are streamed page by page into the pairwise counter;
// memory depends on the candidates, not on the turnout.
import type { Election } from '../../core/meta/types.js';
import { columnOrder } from '../../core/officer/ballotsCsv.js';
import { NO_OPINION_RANK, PairwiseCounter, tally, type TallyResult } from '../../core/tally/index.js';
import type { StoredBallot } from '../../storage/ballots.js';
import type { Store } from '../../storage/store.js';

export interface ElectionCount {
  result: TallyResult;
  /** Ballots that prefer no candidate to another (all unranked, or all equal). */
  abstentions: number;
  /** Candidate ID → name, from the meta repository. */
  names: Map<string, string>;
}

/**
 * Stored ballots rank candidates the meta repository no longer lists (a candidate
 * file removed or renamed after voting began). Counting without them would silently
 * drop preferences, so nothing is counted until the officers decide.
 */
export class UnknownCandidatesError extends Error {
  constructor(readonly ids: string[]) {
    super(
      `Stored ballots rank ${ids.length === 1 ? 'a candidate' : 'candidates'} this election no longer lists: ${ids.join(', ')}. ` +
        `Restore ${ids.length === 1 ? 'its' : 'their'} candidate file${ids.length === 1 ? '' : 's'} (candidate-<ID>.md) in the meta repository, then count again.`,
    );
    this.name = 'UnknownCandidatesError';
  }
}

/** The election's candidate IDs in the order of the CSV download's columns. */
export function candidateColumns(election: Election): string[] {
  return columnOrder(election.candidates.map((c) => c.id));
}

/**
 * Every stored ballot of the election (none when it has no database row yet), after
 * checking that each names only the election's candidates.
 */
export async function* storedBallots(store: Store, election: Election): AsyncGenerator<StoredBallot> {
  const row = await store.elections.findByKey(election.key);
  if (row === null) return;
  const known = new Set(election.candidates.map((c) => c.id));
  const unknown = new Set<string>();
  for await (const ballot of store.ballots.ballotsOf(row.id)) {
    for (const r of ballot.rows) if (!known.has(r.candidate)) unknown.add(r.candidate);
    if (unknown.size === 0) yield ballot;
  }
  if (unknown.size > 0) throw new UnknownCandidatesError(columnOrder(unknown));
}

export async function countElection(store: Store, election: Election, seats = election.noWinners): Promise<ElectionCount> {
  const ids = candidateColumns(election);
  const index = new Map(ids.map((id, i) => [id, i]));
  const counter = new PairwiseCounter(ids.length);
  const ranks = new Float64Array(ids.length);
  let abstentions = 0;
  for await (const ballot of storedBallots(store, election)) {
    ranks.fill(0);
    let best = Infinity;
    let worst = -Infinity;
    for (const r of ballot.rows) {
      const i = index.get(r.candidate);
      if (i === undefined || r.rank === NO_OPINION_RANK || r.rank < 1) continue;
      ranks[i] = r.rank;
      best = Math.min(best, r.rank);
      worst = Math.max(worst, r.rank);
    }
    // A preference needs two ranked candidates with different ranks.
    if (!(best < worst)) abstentions++;
    counter.addRanks(ranks);
  }
  return {
    result: tally(ids, counter, seats),
    abstentions,
    names: new Map(election.candidates.map((c) => [c.id, c.name])),
  };
}
