// A Schulze result seated under the election's rules. The count is untouched (same
// pairwise matrix, strongest paths and ranking); only the winners, the ties and the
// "each winner against each candidate not elected" comparisons follow the seating.
import { explainPairs, type TallyResult } from '../tally/tally.js';
import { hasSeatRules, seatCandidates, type SeatRules, type Seating } from './seats.js';

export interface GovernedSchulze {
  /** The count with `winners`, `ties` and `explanation.winners` as seated under the rules. */
  result: TallyResult;
  seating: Seating;
}

export function governSchulze(result: TallyResult, rules: SeatRules): GovernedSchulze {
  const ids = result.candidates;
  const index = new Map(ids.map((id, i) => [id, i]));
  const at = (id: string): number => index.get(id) ?? 0;
  const seating = seatCandidates(
    result.ranking.map((group) => group.map((i) => ids[i] ?? '')),
    result.seats,
    rules,
  );
  if (!hasSeatRules(rules)) return { result, seating };

  const winners = seating.winners.map(at);
  const elected = new Set(winners);
  const others = result.ranking.flat().filter((x) => !elected.has(x));
  return {
    seating,
    result: {
      ...result,
      winners,
      ties: seating.ties.map((t) => ({ candidates: t.candidates.map(at), firstSeat: t.firstSeat, lastSeat: t.lastSeat })),
      explanation: {
        adjacent: result.explanation.adjacent,
        winners: explainPairs(
          result,
          winners.flatMap((w) => others.map((x): [number, number] => [w, x])),
        ),
      },
    },
  };
}
