// Filling seats from a ranking under the election's rules: the count (Schulze or
// approval) ranks the candidates exactly as without rules; this then walks the ranking
// best first, seating candidates while seats remain and skipping those whose
// affiliation already holds as many members of the body as the cap allows.
//
// Ties. A tied group that fits (every member can be seated) is seated whole, as
// without rules. A group that does not fit is a tie:
// - with a declared tie-break, its members are taken in draw order, each seated if a
//   seat remains and the cap allows, so the next group may still get seats;
// - without one, if the group's members could together take more seats than remain,
//   nobody from it is seated and the remaining seats are reported as tied (today's
//   rule); if only the cap limits the group (say two colleagues tied for the one seat
//   their employer may still hold), the cap's seats are reported as tied between
//   those colleagues, and the count goes on: whoever wins the tie, the same
//   affiliations hold the same number of seats, so later seats do not depend on it.
import { affiliationKey } from './affiliation.js';
import { tieBreakUse, type TieBreakUse } from './draw.js';
import { capLimit, type AffiliationCap, type ContinuingMember, type TieBreakRule } from './rules.js';

export interface SeatRules {
  cap: AffiliationCap | null;
  /** Candidate ID → affiliation as written; absent or null = none (never capped). */
  affiliations: ReadonlyMap<string, string | null>;
  continuing: readonly ContinuingMember[];
  tieBreak: TieBreakRule | null;
}

export interface SeatingTie {
  /** The tied candidates, in ranking (ID) order. */
  candidates: string[];
  firstSeat: number;
  lastSeat: number;
  /** `ranking`: more tied candidates than seats left; `cap`: colleagues tied for the seats their affiliation may still hold. */
  reason: 'ranking' | 'cap';
  /** For `cap`: the affiliation, as the first of them wrote it. */
  affiliation?: string;
}

export interface SeatingTieBreak {
  /** The tied candidates the draw ordered. */
  candidates: string[];
  use: TieBreakUse;
  /** Who the draw seated, in draw order. */
  elected: string[];
  firstSeat: number;
  lastSeat: number;
}

export interface SkippedCandidate {
  candidate: string;
  /** As the candidate wrote it. */
  affiliation: string;
  /** Place in the ranking (1 = best group). */
  place: number;
  limit: number;
  /** Members of the body holding the affiliation at that point: continuing logins, then elected IDs. */
  holders: string[];
  /** Seats reserved for this affiliation by a tie nobody has broken yet. */
  undecided: number;
  /** Skipped only because a colleague came earlier in the declared draw. */
  afterDraw: boolean;
}

export interface CapSummary {
  cap: AffiliationCap;
  /** Seats + continuing members. */
  body: number;
  limit: number;
  /** Per affiliation, members of the new body (continuing + elected), most first. */
  held: { affiliation: string; members: string[] }[];
}

export interface Seating {
  seats: number;
  /** Candidates in the ranking. */
  candidates: number;
  /** Elected, in the order seats were filled. */
  winners: string[];
  /** Ties nobody broke: no winner is named for their seats. */
  ties: SeatingTie[];
  /** Ties the declared tie-break decided. */
  tieBreaks: SeatingTieBreak[];
  skipped: SkippedCandidate[];
  /** Seats no eligible candidate is left for (fewer candidates than seats, or the cap). */
  vacantSeats: number;
  cap: CapSummary | null;
}

export function noRules(): SeatRules {
  return { cap: null, affiliations: new Map(), continuing: [], tieBreak: null };
}

/** Whether seating under these rules can differ from plain seating. */
export function hasSeatRules(rules: SeatRules): boolean {
  return rules.cap !== null || rules.tieBreak !== null;
}

interface Holding {
  display: string;
  members: string[];
  reserved: number;
}

/** Fills `seats` seats down `ranking` (groups of tied candidate IDs, best first). */
export function seatCandidates(ranking: readonly (readonly string[])[], seats: number, rules: SeatRules): Seating {
  if (!Number.isInteger(seats) || seats < 1) throw new RangeError(`the number of seats must be a whole number from 1, got ${seats}`);
  const cap = rules.cap;
  const body = seats + rules.continuing.length;
  const limit = cap === null ? Number.POSITIVE_INFINITY : capLimit(cap, body);
  const holdings = new Map<string, Holding>();
  const hold = (key: string, display: string): Holding => {
    let h = holdings.get(key);
    if (h === undefined) {
      h = { display, members: [], reserved: 0 };
      holdings.set(key, h);
    }
    return h;
  };
  for (const member of rules.continuing) {
    const key = affiliationKey(member.affiliation);
    if (key !== null && cap !== null) hold(key, member.affiliation ?? key).members.push(member.login);
  }
  // Shown as written, less edge spaces (which the comparison ignores too).
  const shown = (id: string): string | undefined => rules.affiliations.get(id)?.trim() ?? undefined;
  const keyOf = (id: string): string | null => (cap === null ? null : affiliationKey(rules.affiliations.get(id)));
  const room = (key: string | null): number => {
    if (key === null) return Number.POSITIVE_INFINITY;
    const h = holdings.get(key);
    return limit - (h === undefined ? 0 : h.members.length + h.reserved);
  };

  const out: Seating = {
    seats,
    candidates: ranking.reduce((sum, g) => sum + g.length, 0),
    winners: [],
    ties: [],
    tieBreaks: [],
    skipped: [],
    vacantSeats: 0,
    cap: null,
  };
  let filled = 0;
  let stopped = false;
  let place = 1;
  const elect = (id: string): void => {
    out.winners.push(id);
    filled++;
    const key = keyOf(id);
    if (key !== null) hold(key, shown(id) ?? key).members.push(id);
  };
  const skip = (id: string, groupPlace: number, afterDraw: boolean): void => {
    const key = keyOf(id);
    const h = key === null ? undefined : holdings.get(key);
    out.skipped.push({
      candidate: id,
      affiliation: shown(id) ?? '',
      place: groupPlace,
      limit,
      holders: h === undefined ? [] : [...h.members],
      undecided: h?.reserved ?? 0,
      afterDraw,
    });
  };

  for (const group of ranking) {
    const groupPlace = place;
    place += group.length;
    if (filled >= seats) break;
    const eligible: string[] = [];
    for (const id of group) {
      if (room(keyOf(id)) <= 0) skip(id, groupPlace, false);
      else eligible.push(id);
    }
    if (eligible.length === 0) continue;

    // How many seats each affiliation of the group can take at most.
    const byKey = new Map<string, string[]>();
    let total = 0;
    for (const id of eligible) {
      const key = keyOf(id);
      if (key === null) total++;
      else byKey.set(key, [...(byKey.get(key) ?? []), id]);
    }
    let capBinds = false;
    for (const [key, ids] of byKey) {
      const r = room(key);
      total += Math.min(ids.length, r);
      if (ids.length > r) capBinds = true;
    }
    const left = seats - filled;
    if (total <= left && !capBinds) {
      for (const id of eligible) elect(id);
      continue;
    }

    if (rules.tieBreak !== null) {
      const use = tieBreakUse(rules.tieBreak, eligible);
      const firstSeat = filled + 1;
      const seated: string[] = [];
      for (const { candidate } of use.draw) {
        if (filled >= seats) break;
        if (room(keyOf(candidate)) <= 0) {
          skip(candidate, groupPlace, true);
          continue;
        }
        elect(candidate);
        seated.push(candidate);
      }
      out.tieBreaks.push({ candidates: eligible, use, elected: seated, firstSeat, lastSeat: filled });
      continue;
    }

    if (total > left) {
      out.ties.push({ candidates: eligible, firstSeat: filled + 1, lastSeat: seats, reason: 'ranking' });
      filled = seats;
      stopped = true;
      break;
    }
    // Only the cap binds: seat everyone it does not limit, then reserve each limited
    // affiliation's remaining seats for a tie between its members.
    const limited = [...byKey].filter(([key, ids]) => ids.length > room(key)).map(([key, ids]) => ({ key, ids, seats: room(key) }));
    for (const id of eligible) {
      const key = keyOf(id);
      if (!limited.some((l) => l.key === key)) elect(id);
    }
    for (const { key, ids, seats: r } of limited) {
      out.ties.push({
        candidates: ids,
        firstSeat: filled + 1,
        lastSeat: filled + r,
        reason: 'cap',
        affiliation: shown(ids[0] ?? '') ?? key,
      });
      hold(key, shown(ids[0] ?? '') ?? key).reserved += r;
      filled += r;
    }
  }

  out.vacantSeats = stopped ? 0 : seats - filled;
  if (cap !== null) {
    const held = [...holdings.values()]
      .filter((h) => h.members.length > 0)
      .map((h) => ({ affiliation: h.display, members: [...h.members] }))
      .sort((a, b) => b.members.length - a.members.length || (a.affiliation < b.affiliation ? -1 : a.affiliation > b.affiliation ? 1 : 0));
    out.cap = { cap, body, limit, held };
  }
  return out;
}
