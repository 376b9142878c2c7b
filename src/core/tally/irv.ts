// Instant-runoff (single-winner, Hare), shown to officers beside a Schulze result as
// information only: what the same ballots would have given under another common rule.
// Each round counts every usable ballot for its highest-ranked continuing candidate; a
// candidate with more than half of the ballots still counting wins; otherwise the one
// with fewest is excluded. Ties for exclusion follow the STV rule (./stv.ts): the
// lower at the most recent earlier round where they differed, then a lot (the declared
// draw, or every outcome explored: only a winner common to all is named). Ballots are
// read as ./rankedBallots.ts describes (a shared rank ends a ballot).
import type { TieBreakRule } from '../governance/rules.js';
import { drawChooser, everyLot, type LotChooser } from './lots.js';
import type { RankedBallots } from './rankedBallots.js';

export interface IrvRound {
  round: number;
  /** Ballots for each candidate this round (0 once excluded). */
  votes: number[];
  /** Ballots with no continuing candidate left. */
  exhausted: number;
  /** Excluded at the end of this round (several only when all had no vote). */
  excluded: number[];
  /** How the exclusion tie was settled, if there was one. */
  tie: { candidates: number[]; by: 'earlier-round'; round: number } | { candidates: number[]; by: 'lot' } | null;
}

export interface IrvRun {
  winner: number | null;
  rounds: IrvRound[];
  lots: { round: number; candidates: number[]; chosen: number }[];
}

export interface IrvResult {
  method: 'irv';
  candidates: readonly string[];
  ballots: number;
  valid: number;
  /** The winner, or null when it depends on a lot nobody drew (see `tied`) or nobody is ranked. */
  winner: number | null;
  /** Candidates who win under some outcome of the undrawn lots. */
  tied: number[];
  /** Rounds where every lot fell on the first candidate by ID (or the declared draw). */
  rounds: IrvRound[];
  lots: IrvRun['lots'];
}

export function runIrv(ballots: RankedBallots, choose: LotChooser): IrvRun {
  const n = ballots.candidates.length;
  const continuing = new Array<boolean>(n).fill(true);
  const rounds: IrvRound[] = [];
  const lots: IrvRun['lots'] = [];
  let left = n;
  for (;;) {
    const votes = new Array<number>(n).fill(0);
    let exhausted = 0;
    for (const list of ballots.lists) {
      let top = -1;
      for (const c of list.prefs) {
        if (continuing[c] === true) {
          top = c;
          break;
        }
      }
      if (top < 0) exhausted += list.count;
      else votes[top] = (votes[top] ?? 0) + list.count;
    }
    const round: IrvRound = { round: rounds.length + 1, votes, exhausted, excluded: [], tie: null };
    rounds.push(round);
    const counting = votes.reduce((a, b) => a + b, 0);
    const alive = [...continuing.keys()].filter((c) => continuing[c] === true);
    if (left === 0) return { winner: null, rounds, lots };
    const leader = alive.find((c) => 2 * (votes[c] ?? 0) > counting);
    if (leader !== undefined) return { winner: leader, rounds, lots };
    if (left === 1) return { winner: alive[0] ?? null, rounds, lots };

    const lowest = Math.min(...alive.map((c) => votes[c] ?? 0));
    const tied = alive.filter((c) => votes[c] === lowest);
    let out: number[];
    if (lowest === 0 && tied.length > 1 && alive.length > tied.length) {
      // No votes, no ballots to pass on: excluding them together changes nothing else.
      out = tied;
    } else if (tied.length === 1) {
      out = tied;
    } else {
      let rest = tied;
      let decided = 0;
      for (let r = rounds.length - 2; r >= 0 && rest.length > 1; r--) {
        const at = rounds[r]?.votes ?? [];
        const min = Math.min(...rest.map((c) => at[c] ?? 0));
        const keep = rest.filter((c) => (at[c] ?? 0) === min);
        if (keep.length < rest.length) {
          rest = keep;
          decided = r + 1;
        }
      }
      if (rest.length === 1) {
        out = rest;
        round.tie = { candidates: tied, by: 'earlier-round', round: decided };
      } else {
        const options = [...rest].sort((a, b) => ((ballots.candidates[a] ?? '') < (ballots.candidates[b] ?? '') ? -1 : 1));
        const chosen = choose('exclude', options);
        lots.push({ round: round.round, candidates: options, chosen });
        out = [chosen];
        round.tie = { candidates: tied, by: 'lot' };
      }
    }
    for (const c of out) continuing[c] = false;
    round.excluded = out;
    left -= out.length;
  }
}

/** Instant-runoff on ranked ballots; with `tieBreak`, lots follow the declared draw. */
export function countIrv(ballots: RankedBallots, tieBreak: TieBreakRule | null = null, maxRuns?: number): IrvResult {
  const valid = ballots.lists.reduce((sum, l) => sum + l.count, 0);
  const base = { method: 'irv' as const, candidates: ballots.candidates, ballots: ballots.ballots, valid };
  if (tieBreak !== null) {
    const run = runIrv(ballots, drawChooser(tieBreak, ballots.candidates));
    return { ...base, winner: run.winner, tied: [], rounds: run.rounds, lots: run.lots };
  }
  if (valid === 0) return { ...base, winner: null, tied: [...ballots.candidates.keys()], rounds: [], lots: [] };
  const runs = everyLot((choose) => runIrv(ballots, choose), maxRuns);
  const principal = runs[0] ?? { winner: null, rounds: [], lots: [] };
  const winners = [...new Set(runs.map((r) => r.winner).filter((w): w is number => w !== null))].sort((a, b) => a - b);
  const agreed = winners.length === 1 && runs.every((r) => r.winner === winners[0]);
  return {
    ...base,
    winner: agreed ? (winners[0] ?? null) : null,
    tied: agreed ? [] : winners,
    rounds: principal.rounds,
    lots: principal.lots,
  };
}
