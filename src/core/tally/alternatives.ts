// What other common rules would have given on the ballots of a Schulze election:
// ranked pairs (from the same pairwise counts) and instant-runoff (from the same
// ballots read in order). Information for officers and voters curious about the
// method, never the result: the election's method is the one its rules declare.
import type { TieBreakRule } from '../governance/rules.js';
import { type CandidateNames, listing, nameLookup, plural } from './formatCommon.js';
import { countIrv, type IrvResult } from './irv.js';
import type { RankedBallots } from './rankedBallots.js';
import { rankedPairs, type RankedPairsResult } from './rankedPairs.js';
import type { TallyResult } from './tally.js';

export interface Alternatives {
  informational: true;
  rankedPairs: RankedPairsResult;
  instantRunoff: IrvResult;
}

export function alternatives(result: TallyResult, ballots: RankedBallots, tieBreak: TieBreakRule | null = null): Alternatives {
  if (result.candidates.length !== ballots.candidates.length || result.candidates.some((id, i) => ballots.candidates[i] !== id)) {
    throw new RangeError('the count and the ballots list different candidates');
  }
  return {
    informational: true,
    rankedPairs: rankedPairs(result.candidates, result.d, tieBreak),
    instantRunoff: countIrv(ballots, tieBreak),
  };
}

/** The alternatives in sentences (not escaped: callers escape for their medium). */
export function describeAlternatives(alt: Alternatives, names?: CandidateNames): string[] {
  const rp = alt.rankedPairs;
  const label = nameLookup(rp, names);
  const lines: string[] = [];
  const order = rp.ranking.map((g) => (g.length > 1 ? `(${g.map(label).join(' = ')})` : label(g[0] ?? 0))).join(' > ');
  const skipped = rp.pairs.filter((p) => !p.locked).length;
  lines.push(
    `Ranked pairs (Tideman): ${order}. ${plural(rp.pairs.length, 'head-to-head victory', 'head-to-head victories')} taken strongest first; ${skipped === 0 ? 'none' : plural(skipped, 'victory', 'victories')} skipped for closing a cycle${rp.tieOrderMattered ? `; equally strong victories were ordered by ${rp.tieOrder === 'draw' ? 'the declared draw' : 'candidate ID'}, and that order mattered` : ''}.`,
  );
  const irv = alt.instantRunoff;
  const ilabel = nameLookup(irv, names);
  const last = irv.rounds[irv.rounds.length - 1];
  const winner =
    irv.winner === null
      ? irv.tied.length > 0
        ? `no single winner: ${listing(irv.tied.map(ilabel))} tie (it depends on a lot nobody drew)`
        : 'no winner (no usable ballot)'
      : `${ilabel(irv.winner)} wins in round ${irv.rounds.length} with ${last?.votes[irv.winner] ?? 0} of ${last?.votes.reduce((a, b) => a + b, 0) ?? 0} ballots still counting`;
  // With an undrawn lot the rounds after it show one way it could fall; list only what is certain.
  const firstLot = irv.winner === null && irv.lots.length > 0 ? (irv.lots[0]?.round ?? 0) : Number.POSITIVE_INFINITY;
  const excluded = irv.rounds
    .filter((r) => r.round < firstLot)
    .flatMap((r) => r.excluded)
    .map(ilabel);
  lines.push(
    `Instant-runoff: ${winner}${excluded.length > 0 ? ` (excluded in turn: ${excluded.join(', ')})` : ''}; ${irv.valid} of ${plural(irv.ballots, 'ballot')} usable.`,
  );
  lines.push('These are for information only: the election is decided by its own method.');
  return lines;
}

export function alternativesJson(alt: Alternatives) {
  const rp = alt.rankedPairs;
  const id = (i: number): string => rp.candidates[i] ?? '';
  const irv = alt.instantRunoff;
  return {
    informational: true as const,
    rankedPairs: {
      ranking: rp.ranking.map((g) => g.map(id)),
      pairs: rp.pairs.map((p) => ({ winner: id(p.winner), loser: id(p.loser), for: p.for, against: p.against, locked: p.locked })),
      tieOrder: rp.tieOrder,
      tieOrderMattered: rp.tieOrderMattered,
    },
    instantRunoff: {
      winner: irv.winner === null ? null : id(irv.winner),
      tied: irv.tied.map(id),
      valid: irv.valid,
      rounds: irv.rounds.map((r) => ({
        round: r.round,
        votes: Object.fromEntries(rp.candidates.map((cid, c) => [cid, r.votes[c] ?? 0])),
        exhausted: r.exhausted,
        excluded: r.excluded.map(id),
        tie:
          r.tie === null
            ? null
            : r.tie.by === 'lot'
              ? { candidates: r.tie.candidates.map(id), by: r.tie.by }
              : { candidates: r.tie.candidates.map(id), by: r.tie.by, round: r.tie.round },
      })),
    },
  };
}
