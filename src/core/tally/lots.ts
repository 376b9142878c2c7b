// Ties a count can only settle "by lot" (an STV or instant-runoff exclusion between
// candidates equal at every stage). With a declared tie-break the draw decides. Without
// one Scrutin draws nothing: it runs the count once for every way the lots could fall
// and names only the winners common to all of them, as the Schulze count names no
// winner for a tie straddling the last seat. The other seats are reported as tied.
import { drawOrder } from '../governance/draw.js';
import type { TieBreakRule } from '../governance/rules.js';

/**
 * What a count asks when a lot is needed: `exclude` (pick the one to exclude) or
 * `first` (pick the one to go first: a surplus transfer, an election under a cap).
 * `options` are candidate indices in ID order; the answer is one of them.
 */
export type LotChooser = (purpose: 'exclude' | 'first', options: readonly number[]) => number;

/** The declared draw as a chooser: earlier in the draw is favoured. */
export function drawChooser(rule: TieBreakRule, candidates: readonly string[]): LotChooser {
  const order = new Map(drawOrder(rule, candidates).map((e, i) => [e.candidate, i]));
  const position = (x: number): number => order.get(candidates[x] ?? '') ?? 0;
  return (purpose, options) => {
    const sorted = [...options].sort((a, b) => position(a) - position(b));
    return (purpose === 'exclude' ? sorted[sorted.length - 1] : sorted[0]) ?? 0;
  };
}

export class TooManyLotsError extends Error {
  constructor(readonly runs: number) {
    super(
      `the result depends on more than ${runs} ways the ties could be settled by lot; declare a tie-break (tie_break: {method: seeded-hash, seed: "…"}, or --tie-break-seed) to count it`,
    );
    this.name = 'TooManyLotsError';
  }
}

/**
 * Runs `count` once for every combination of lot outcomes (depth first, the first
 * option first, so the first result is the one where every lot fell on the first
 * candidate by ID). Throws TooManyLotsError past `maxRuns` runs.
 */
export function everyLot<R>(count: (choose: LotChooser) => R, maxRuns = 1024): R[] {
  const results: R[] = [];
  const pending: number[][] = [[]];
  while (pending.length > 0) {
    const prefix = pending.pop() ?? [];
    if (results.length >= maxRuns) throw new TooManyLotsError(maxRuns);
    const taken: number[] = [];
    const arity: number[] = [];
    results.push(
      count((_purpose, options) => {
        const i = taken.length;
        const pick = i < prefix.length ? (prefix[i] ?? 0) : 0;
        taken.push(pick);
        arity.push(options.length);
        return options[pick] ?? options[0] ?? 0;
      }),
    );
    // Siblings of every decision made past the prefix, latest first so the stack stays depth first.
    const more: number[][] = [];
    for (let i = prefix.length; i < taken.length; i++) {
      for (let alt = 1; alt < (arity[i] ?? 1); alt++) more.push([...taken.slice(0, i), alt]);
    }
    for (let k = more.length - 1; k >= 0; k--) pending.push(more[k] ?? []);
  }
  return results;
}
