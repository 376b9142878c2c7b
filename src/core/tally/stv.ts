// Single transferable vote, Scottish rules (The Scottish Local Government Elections
// Order 2007, SSI 2007/42, schedule 1, rules 45–52): the variant written in law for
// counting by hand, so every stage can be checked with a calculator.
//
// - Quota (rule 46): floor(usable ballots / (seats + 1)) + 1.
// - A candidate reaching the quota is elected (47). The largest surplus is transferred
//   first (48, 49): every paper the candidate holds moves to its next continuing
//   preference at  surplus × its value / the candidate's votes,  to five decimal places
//   with the rest ignored. Votes are kept as whole numbers of 0.00001.
// - When no surplus is left, the candidate with fewest votes is excluded and their
//   papers move on at the value they arrived with (50).
// - Ties (49(2), 51): the candidate lower (for exclusion) or higher (for surplus order)
//   at the most recent earlier stage where the tied candidates differed; if they were
//   equal at every stage, by lot: the declared tie-break, or every outcome explored
//   (./lots.ts). Candidates with no votes at all are excluded together when that still
//   leaves at least as many continuing candidates as vacancies: any order of excluding
//   them would end the same way, so no lot is needed.
// - When the continuing candidates are as many as the vacancies left, they are elected (52).
//
// Affiliation caps: a candidate whose affiliation already holds its limit is withdrawn
// (excluded, papers transferred at their value) as soon as that happens, before the
// first stage for limits reached by continuing members. Candidates reaching the quota
// together are elected in order of votes, so a colleague past the limit is withdrawn
// instead. Rule 52 applies only when electing every continuing candidate respects the cap.
import { affiliationKey } from '../governance/affiliation.js';
import { tieBreakUse, type TieBreakUse } from '../governance/draw.js';
import { capLimit } from '../governance/rules.js';
import { noRules, type SeatRules } from '../governance/seats.js';
import { drawChooser, everyLot, type LotChooser } from './lots.js';
import type { RankedBallots } from './rankedBallots.js';

/** Votes are whole numbers of this unit: five decimal places, as rule 48(3) computes. */
export const STV_SCALE = 100_000;

const HOPEFUL = 0;
const ELECTED = 1;
const EXCLUDED = 2;

export interface StvTransfer {
  to: number;
  papers: number;
  /** Votes added, in units of 1/STV_SCALE. */
  votes: number;
}

/** How a tie among candidates was settled. */
export type StvTieSettlement =
  | { candidates: number[]; by: 'earlier-stage'; stage: number }
  /** Equal at every stage: the declared draw or an undrawn lot settled it (see StvResult.lots). */
  | { candidates: number[]; by: 'lot' };

export interface StvStage {
  stage: number;
  /**
   * `first`: first preferences; `surplus`: a surplus transferred; `exclusion`: the
   * lowest candidate(s) excluded; `withdrawal`: candidates withdrawn because their
   * affiliation reached the cap; `last-vacancies`: rule 52, no transfer.
   */
  kind: 'first' | 'surplus' | 'exclusion' | 'withdrawal' | 'last-vacancies';
  /** Whose papers moved (for `last-vacancies`: nobody). */
  from: number[];
  /** `surplus`: the surplus transferred. */
  surplus: number | null;
  transfers: StvTransfer[];
  /** Papers with no next continuing preference, and their votes. */
  exhausted: { papers: number; votes: number };
  /** `surplus`: what the five-decimal truncation lost. */
  lostToRounding: number;
  /** Every candidate's votes at the end of the stage. */
  votes: number[];
  /** Elected at the end of this stage, in order. */
  elected: number[];
  /** Candidates withdrawn before the first stage (`first` only) or in this stage. */
  withdrawn: number[];
  /** Ties settled in this stage (the candidate to exclude or to go first). */
  ties: StvTieSettlement[];
}

export interface StvRun {
  elected: number[];
  stages: StvStage[];
  /** Lots drawn (settled by `choose`) in this run, with the stage they belong to. */
  lots: { stage: number; candidates: number[]; purpose: 'exclude' | 'first'; chosen: number }[];
}

export interface StvResult {
  method: 'stv';
  candidates: readonly string[];
  seats: number;
  ballots: number;
  /** Usable ballots: the papers counted. */
  valid: number;
  empty: number;
  ambiguousFirst: number;
  truncated: number;
  /** In votes (whole ballots); the count works in units of 1/STV_SCALE. */
  quota: number;
  /** Elected in order of election; with unbroken lots, only those elected however the lots fall. */
  winners: number[];
  /** Seats that depend on lots nobody drew (no declared tie-break): the contenders for them. */
  ties: { candidates: number[]; seats: number }[];
  vacantSeats: number;
  /** The stages of the count (with unbroken lots: where each lot fell on the first candidate by ID). */
  stages: StvStage[];
  /** Lots in the stages shown, and whether the winners depend on them. */
  lots: { stage: number; candidates: number[]; purpose: 'exclude' | 'first'; chosen: number; by: 'draw' | 'unbroken' }[];
  tieBreak: TieBreakUse | null;
  /** Candidates withdrawn by the cap. */
  capLimit: number | null;
}

interface Paper {
  prefs: Int32Array;
  count: number;
  pos: number;
  value: number;
}

/** One run of the count; `choose` settles lots. */
export function runStv(ballots: RankedBallots, seats: number, rules: SeatRules, choose: LotChooser): StvRun {
  const n = ballots.candidates.length;
  const state = new Int8Array(n);
  const votes = new Array<number>(n).fill(0);
  const piles: Paper[][] = Array.from({ length: n }, () => []);
  const history: number[][] = [];
  const stages: StvStage[] = [];
  const lots: StvRun['lots'] = [];
  const elected: number[] = [];
  const pendingSurplus = new Set<number>();
  const valid = ballots.lists.reduce((sum, l) => sum + l.count, 0);
  const quota = (Math.floor(valid / (seats + 1)) + 1) * STV_SCALE;

  // The cap: limit per affiliation over the whole body, continuing members counted.
  const cap = rules.cap;
  const limit = cap === null ? Number.POSITIVE_INFINITY : capLimit(cap, seats + rules.continuing.length);
  const held = new Map<string, number>();
  if (cap !== null) {
    for (const m of rules.continuing) {
      const key = affiliationKey(m.affiliation);
      if (key !== null) held.set(key, (held.get(key) ?? 0) + 1);
    }
  }
  const keyOf = (c: number): string | null => (cap === null ? null : affiliationKey(rules.affiliations.get(ballots.candidates[c] ?? '')));
  const room = (c: number): number => {
    const key = keyOf(c);
    return key === null ? Number.POSITIVE_INFINITY : limit - (held.get(key) ?? 0);
  };

  const hopefuls = (): number[] => {
    const out: number[] = [];
    for (let c = 0; c < n; c++) if (state[c] === HOPEFUL) out.push(c);
    return out;
  };

  const newStage = (kind: StvStage['kind'], from: number[]): StvStage => ({
    stage: stages.length + 1,
    kind,
    from,
    surplus: null,
    transfers: [],
    exhausted: { papers: 0, votes: 0 },
    lostToRounding: 0,
    votes: [],
    elected: [],
    withdrawn: [],
    ties: [],
  });

  /** Moves a paper to its next continuing preference; false when it has none. */
  const place = (paper: Paper, into: Map<number, StvTransfer>, stage: StvStage): void => {
    while (paper.pos < paper.prefs.length && state[paper.prefs[paper.pos] ?? 0] !== HOPEFUL) paper.pos++;
    const to = paper.prefs[paper.pos];
    const add = paper.count * paper.value;
    if (to === undefined) {
      stage.exhausted.papers += paper.count;
      stage.exhausted.votes += add;
      return;
    }
    piles[to]?.push(paper);
    votes[to] = (votes[to] ?? 0) + add;
    const t = into.get(to) ?? { to, papers: 0, votes: 0 };
    t.papers += paper.count;
    t.votes += add;
    into.set(to, t);
  };

  const finish = (stage: StvStage, moved: Map<number, StvTransfer>): void => {
    stage.transfers = [...moved.values()].sort((a, b) => a.to - b.to);
    stage.votes = [...votes];
    history.push([...votes]);
    stages.push(stage);
  };

  /**
   * Narrows tied candidates by the most recent earlier stage where they differed:
   * keeps those lowest (`low`) or highest there, repeatedly. Returns the survivors and
   * the stage that decided, if any.
   */
  const byHistory = (tied: number[], low: boolean): { rest: number[]; stage: number | null } => {
    let rest = tied;
    let decided: number | null = null;
    for (let s = history.length - 2; s >= 0 && rest.length > 1; s--) {
      const at = history[s] ?? [];
      const values = rest.map((c) => at[c] ?? 0);
      const best = low ? Math.min(...values) : Math.max(...values);
      const keep = rest.filter((c) => (at[c] ?? 0) === best);
      if (keep.length < rest.length) {
        rest = keep;
        decided = s + 1;
      }
    }
    return { rest, stage: decided };
  };

  /** Settles a tie: earlier stages first, then a lot. Returns the chosen candidate and how. */
  const settle = (tied: number[], purpose: 'exclude' | 'first', stageNo: number): { chosen: number; tie: StvTieSettlement | null } => {
    if (tied.length === 1) return { chosen: tied[0] ?? 0, tie: null };
    const { rest, stage } = byHistory(tied, purpose === 'exclude');
    if (rest.length === 1) return { chosen: rest[0] ?? 0, tie: { candidates: tied, by: 'earlier-stage', stage: stage ?? 0 } };
    const options = [...rest].sort((a, b) => ((ballots.candidates[a] ?? '') < (ballots.candidates[b] ?? '') ? -1 : 1));
    const chosen = choose(purpose, options);
    lots.push({ stage: stageNo, candidates: options, purpose, chosen });
    return { chosen, tie: { candidates: tied, by: 'lot' } };
  };

  /** Excludes `out` in one stage: their papers move on at the value they arrived with (rule 50). */
  const exclude = (kind: 'exclusion' | 'withdrawal', out: number[], tie: StvTieSettlement | null): void => {
    for (const c of out) state[c] = EXCLUDED;
    const stage = newStage(kind, out);
    if (kind === 'withdrawal') stage.withdrawn = out;
    if (tie !== null) stage.ties.push(tie);
    const moved = new Map<number, StvTransfer>();
    for (const c of out) {
      const pile = piles[c] ?? [];
      piles[c] = [];
      votes[c] = 0;
      for (const paper of pile) place(paper, moved, stage);
    }
    finish(stage, moved);
    electReached(stage);
  };

  /** Withdraws hopefuls whose affiliation is full, in one stage that moves their papers. */
  const withdrawCapped = (): void => {
    if (cap === null) return;
    const out = hopefuls().filter((c) => room(c) <= 0);
    if (out.length > 0) exclude('withdrawal', out, null);
  };

  /** Rule 47: elects the hopefuls at or above the quota, in order of votes, minding the cap. */
  const electReached = (stage: StvStage): void => {
    const reached = hopefuls().filter((c) => (votes[c] ?? 0) >= quota);
    if (reached.length === 0) return;
    let order = [...reached].sort((a, b) => (votes[b] ?? 0) - (votes[a] ?? 0) || a - b);
    // Only under a cap can the order of candidates with equal votes matter: when more
    // colleagues reach the quota together than their affiliation has room for, who
    // goes first is a tie (earlier stages, then a lot); the others are withdrawn.
    if (cap !== null) {
      const sorted: number[] = [];
      const taken = new Map<string, number>();
      for (let i = 0; i < order.length;) {
        const top = votes[order[i] ?? 0] ?? 0;
        let j = i;
        while (j < order.length && votes[order[j] ?? 0] === top) j++;
        let same = order.slice(i, j);
        i = j;
        const byKey = new Map<string, number[]>();
        for (const c of same) {
          const key = keyOf(c);
          if (key !== null) byKey.set(key, [...(byKey.get(key) ?? []), c]);
        }
        for (const [key, members] of byKey) {
          const free = room(members[0] ?? 0) - (taken.get(key) ?? 0);
          if (members.length <= free || free <= 0) continue;
          let rest = members;
          const picked: number[] = [];
          for (let k = 0; k < free; k++) {
            const { chosen, tie } = settle(rest, 'first', stage.stage);
            if (tie !== null) stage.ties.push(tie);
            picked.push(chosen);
            rest = rest.filter((c) => c !== chosen);
          }
          same = [...same.filter((c) => !members.includes(c)), ...picked, ...rest];
        }
        for (const c of same) {
          sorted.push(c);
          const key = keyOf(c);
          if (key !== null && room(c) - (taken.get(key) ?? 0) > 0) taken.set(key, (taken.get(key) ?? 0) + 1);
        }
      }
      order = sorted;
    }
    for (const c of order) {
      if (elected.length >= seats) break;
      if (room(c) <= 0) continue; // withdrawn just below
      state[c] = ELECTED;
      elected.push(c);
      stage.elected.push(c);
      const key = keyOf(c);
      if (key !== null) held.set(key, (held.get(key) ?? 0) + 1);
      if ((votes[c] ?? 0) > quota) pendingSurplus.add(c);
    }
    if (elected.length < seats) withdrawCapped();
  };

  // Stage 1: first preferences, after withdrawing candidates the continuing members already cap.
  const first = newStage('first', []);
  if (cap !== null) {
    first.withdrawn = hopefuls().filter((c) => room(c) <= 0);
    for (const c of first.withdrawn) state[c] = EXCLUDED;
  }
  const moved = new Map<number, StvTransfer>();
  for (const list of ballots.lists) place({ prefs: list.prefs, count: list.count, pos: 0, value: STV_SCALE }, moved, first);
  finish(first, moved);
  electReached(first);

  while (elected.length < seats) {
    const continuing = hopefuls();
    const vacancies = seats - elected.length;
    if (continuing.length <= vacancies && capAllows(continuing)) {
      // Rule 52: the continuing candidates fill the last vacancies; no further transfer.
      if (continuing.length > 0) {
        const stage = newStage('last-vacancies', []);
        for (const c of [...continuing].sort((a, b) => (votes[b] ?? 0) - (votes[a] ?? 0) || a - b)) {
          state[c] = ELECTED;
          elected.push(c);
          stage.elected.push(c);
        }
        finish(stage, new Map());
      }
      break;
    }
    if (continuing.length === 0) break;

    if (pendingSurplus.size > 0) {
      const surpluses = [...pendingSurplus];
      const largest = Math.max(...surpluses.map((c) => votes[c] ?? 0));
      const stageNo = stages.length + 1;
      const { chosen, tie } = settle(
        surpluses.filter((c) => votes[c] === largest),
        'first',
        stageNo,
      );
      pendingSurplus.delete(chosen);
      const stage = newStage('surplus', [chosen]);
      if (tie !== null) stage.ties.push(tie);
      const total = votes[chosen] ?? 0;
      const surplus = total - quota;
      stage.surplus = surplus;
      const pile = piles[chosen] ?? [];
      piles[chosen] = [];
      votes[chosen] = quota;
      const into = new Map<number, StvTransfer>();
      let transferred = 0;
      for (const paper of pile) {
        // Rule 48(3): surplus × value when received / total, to five places, remainder ignored.
        paper.value = Number((BigInt(surplus) * BigInt(paper.value)) / BigInt(total));
        transferred += paper.count * paper.value;
        place(paper, into, stage);
      }
      stage.lostToRounding = surplus - transferred;
      finish(stage, into);
      electReached(stage);
      continue;
    }

    // Exclusion (rule 50): the lowest; candidates with no votes together when safe.
    const lowest = Math.min(...continuing.map((c) => votes[c] ?? 0));
    const tied = continuing.filter((c) => votes[c] === lowest);
    let out: number[];
    let tie: StvTieSettlement | null = null;
    if (lowest === 0 && tied.length > 1) {
      // Candidates with no votes hold no papers: excluding them changes no total, so
      // they go together. Only when fewer others are left than vacancies does a lot
      // decide which of them stay for the last vacancies (rule 52).
      const keep = vacancies - (continuing.length - tied.length);
      let rest = tied;
      for (let k = 0; k < keep; k++) {
        const settled = settle(rest, 'first', stages.length + 1);
        if (settled.tie !== null) tie = settled.tie;
        rest = rest.filter((c) => c !== settled.chosen);
      }
      out = rest;
    } else {
      const settled = settle(tied, 'exclude', stages.length + 1);
      out = [settled.chosen];
      tie = settled.tie;
    }
    exclude('exclusion', out, tie);
  }
  return { elected, stages, lots };

  /** Whether electing all of `group` keeps every affiliation within the cap. */
  function capAllows(group: readonly number[]): boolean {
    if (cap === null) return true;
    const extra = new Map<string, number>();
    for (const c of group) {
      const key = keyOf(c);
      if (key === null) continue;
      const k = (extra.get(key) ?? 0) + 1;
      if (k > limit - (held.get(key) ?? 0)) return false;
      extra.set(key, k);
    }
    return true;
  }
}

export interface StvOptions {
  seats: number;
  rules?: SeatRules;
  /** Most runs when lots are explored without a declared tie-break. */
  maxRuns?: number;
}

/** The STV count: one run with a declared tie-break, otherwise one per way lots can fall. */
export function countStv(ballots: RankedBallots, options: StvOptions): StvResult {
  const { seats } = options;
  if (!Number.isInteger(seats) || seats < 1) throw new RangeError(`the number of seats must be a whole number from 1, got ${seats}`);
  const rules = options.rules ?? noRules();
  const valid = ballots.lists.reduce((sum, l) => sum + l.count, 0);
  const base = {
    method: 'stv' as const,
    candidates: ballots.candidates,
    seats,
    ballots: ballots.ballots,
    valid,
    empty: ballots.empty,
    ambiguousFirst: ballots.ambiguousFirst,
    truncated: ballots.truncated,
    quota: Math.floor(valid / (seats + 1)) + 1,
    capLimit: rules.cap === null ? null : capLimit(rules.cap, seats + rules.continuing.length),
  };
  if (rules.tieBreak !== null) {
    const run = runStv(ballots, seats, rules, drawChooser(rules.tieBreak, ballots.candidates));
    const drawn = [...new Set(run.lots.flatMap((l) => l.candidates))].map((c) => ballots.candidates[c] ?? '');
    return {
      ...base,
      winners: run.elected,
      ties: [],
      vacantSeats: seats - run.elected.length,
      stages: run.stages,
      lots: run.lots.map((l) => ({ ...l, by: 'draw' as const })),
      tieBreak: run.lots.length > 0 ? tieBreakUse(rules.tieBreak, drawn) : null,
    };
  }
  if (valid === 0) {
    // No usable ballot: every candidate is equally (un)supported; nothing to explore.
    const all = [...ballots.candidates.keys()];
    const contested = Math.min(seats, all.length);
    return {
      ...base,
      winners: [],
      ties: contested > 0 ? [{ candidates: all, seats: contested }] : [],
      vacantSeats: seats - contested,
      stages: [],
      lots: [],
      tieBreak: null,
    };
  }
  const runs = everyLot((choose) => runStv(ballots, seats, rules, choose), options.maxRuns);
  const principal = runs[0] ?? { elected: [], stages: [], lots: [] };
  const everywhere = principal.elected.filter((c) => runs.every((r) => r.elected.includes(c)));
  const contenders = [...new Set(runs.flatMap((r) => r.elected))].filter((c) => !everywhere.includes(c)).sort((a, b) => a - b);
  const filled = Math.min(...runs.map((r) => r.elected.length));
  const tiedSeats = filled - everywhere.length;
  return {
    ...base,
    winners: everywhere,
    ties: tiedSeats > 0 ? [{ candidates: contenders, seats: tiedSeats }] : [],
    vacantSeats: seats - filled,
    stages: principal.stages,
    lots: principal.lots.map((l) => ({ ...l, by: 'unbroken' as const })),
    tieBreak: null,
  };
}
