// Ranked pairs (Tideman, 1987), shown to officers beside a Schulze result as
// information only, from the same pairwise counts. Each pair whose head to head is
// not tied is a victory; victories are taken strongest first (most ballots for the
// winner, then fewest against) and locked unless they would close a cycle with those
// already locked. The ranking peels the locked graph: candidates nobody locked above
// them first. Victories of exactly equal strength are taken in a fixed tie order —
// the declared draw when there is one, otherwise candidate IDs — earlier winner first,
// then later loser first; `tieOrderMattered` says whether that order changed anything.
import { drawOrder } from '../governance/draw.js';
import type { TieBreakRule } from '../governance/rules.js';

export interface RankedPair {
  winner: number;
  loser: number;
  /** Ballots ranking the winner above the loser, and the reverse. */
  for: number;
  against: number;
  locked: boolean;
}

export interface RankedPairsResult {
  method: 'ranked-pairs';
  candidates: readonly string[];
  /** Victories in the order they were considered. */
  pairs: RankedPair[];
  /** Groups best first; members of a group have no locked victory between them. */
  ranking: number[][];
  tieOrder: 'draw' | 'candidate-id';
  tieOrderMattered: boolean;
}

function reaches(locked: readonly (readonly number[])[], from: number, to: number): boolean {
  const seen = new Set<number>([from]);
  const stack = [from];
  while (stack.length > 0) {
    const u = stack.pop() ?? 0;
    if (u === to) return true;
    for (const v of locked[u] ?? []) {
      if (!seen.has(v)) {
        seen.add(v);
        stack.push(v);
      }
    }
  }
  return false;
}

function lockAll(n: number, pairs: readonly RankedPair[]): boolean[] {
  const locked: number[][] = Array.from({ length: n }, () => []);
  return pairs.map((p) => {
    if (reaches(locked, p.loser, p.winner)) return false;
    locked[p.winner]?.push(p.loser);
    return true;
  });
}

/** Ranked pairs over a pairwise matrix `d` (n×n flat, `d[x*n+y]` = ballots ranking x above y). */
export function rankedPairs(candidates: readonly string[], d: ArrayLike<number>, tieBreak: TieBreakRule | null = null): RankedPairsResult {
  const n = candidates.length;
  const order =
    tieBreak === null
      ? [...candidates.keys()].sort((a, b) =>
          (candidates[a] ?? '') < (candidates[b] ?? '') ? -1 : (candidates[a] ?? '') > (candidates[b] ?? '') ? 1 : 0,
        )
      : drawOrder(tieBreak, candidates).map((e) => candidates.indexOf(e.candidate));
  const position = new Array<number>(n).fill(0);
  order.forEach((c, i) => (position[c] = i));

  const pairs: RankedPair[] = [];
  for (let x = 0; x < n; x++) {
    for (let y = x + 1; y < n; y++) {
      const xy = d[x * n + y] ?? 0;
      const yx = d[y * n + x] ?? 0;
      if (xy > yx) pairs.push({ winner: x, loser: y, for: xy, against: yx, locked: false });
      else if (yx > xy) pairs.push({ winner: y, loser: x, for: yx, against: xy, locked: false });
    }
  }
  const strength = (a: RankedPair, b: RankedPair): number => b.for - a.for || a.against - b.against;
  pairs.sort(
    (a, b) =>
      strength(a, b) || (position[a.winner] ?? 0) - (position[b.winner] ?? 0) || (position[b.loser] ?? 0) - (position[a.loser] ?? 0),
  );
  const locks = lockAll(n, pairs);
  pairs.forEach((p, i) => (p.locked = locks[i] ?? false));

  // Did the tie order matter? Lock again with every block of equal strength reversed.
  const reversed: RankedPair[] = [];
  for (let i = 0; i < pairs.length;) {
    let j = i;
    while (j < pairs.length && strength(pairs[i] as RankedPair, pairs[j] as RankedPair) === 0) j++;
    reversed.push(...pairs.slice(i, j).reverse());
    i = j;
  }
  const relocked = lockAll(n, reversed);
  const lockedSet = new Set(pairs.filter((p) => p.locked).map((p) => p.winner * n + p.loser));
  const tieOrderMattered = reversed.some((p, i) => (relocked[i] ?? false) !== lockedSet.has(p.winner * n + p.loser));

  const remaining = new Set(candidates.keys());
  const ranking: number[][] = [];
  const lockedPairs = pairs.filter((p) => p.locked);
  while (remaining.size > 0) {
    const group = [...remaining].filter((c) => !lockedPairs.some((p) => p.loser === c && remaining.has(p.winner)));
    group.sort((a, b) => ((candidates[a] ?? '') < (candidates[b] ?? '') ? -1 : 1));
    ranking.push(group);
    for (const c of group) remaining.delete(c);
  }
  return { method: 'ranked-pairs', candidates, pairs, ranking, tieOrder: tieBreak === null ? 'candidate-id' : 'draw', tieOrderMattered };
}
