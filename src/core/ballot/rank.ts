// What a rank means, in one place for the ballot form, the storage and the count: the
// form reads "no opinion" from what the voter posts, the storage writes and reads it in
// Elekto's `ballot` table, and the count skips it. A rule that two of them disagreed on
// would count a ballot differently from how it was shown to the voter.

/**
 * Elekto stores "No opinion" as this rank in the `ballot` table (and its forms post
 * it). Wherever it appears it means no opinion, never "ranked very low".
 */
export const NO_OPINION_RANK = 100_000_000;

/** A stored rank that ranks nobody: Elekto's sentinel, or anything below 1. */
export function isNoOpinion(rank: number): boolean {
  return rank === NO_OPINION_RANK || rank < 1;
}

/**
 * True when the ranks prefer at least one candidate to another: two of them differ.
 * The count (SPEC §7) only compares candidates that are both ranked, on different
 * ranks; no opinion (null, NO_OPINION_RANK, or 0 as the counter writes it) ranks
 * nobody. A ballot for which this is false counts as an abstention.
 */
export function expressesPreference(ranks: Iterable<number | null>): boolean {
  let first: number | null = null;
  for (const rank of ranks) {
    if (rank === null || isNoOpinion(rank)) continue;
    if (first === null) first = rank;
    else if (rank !== first) return true;
  }
  return false;
}
