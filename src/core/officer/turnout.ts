// Turnout as officers see it, pure: who of the voter list has voted (by login,
// case-insensitively), and votes per day over the voting window with the quiet days
// filled in, so the chart's gaps are real.
import { normalizeLogin } from '../meta/types.js';

export interface VoterStatusLine {
  /** As written in voters.yaml. */
  login: string;
  voted: boolean;
}

export interface Turnout {
  eligible: number;
  /** Eligible voters who have voted. */
  voted: number;
  /** Voters not (or no longer) on the list, or without a login, who voted all the same. */
  votedOffList: number;
  /** Every eligible voter, not voted first, each group by login. */
  lines: VoterStatusLine[];
}

export function turnoutOf(eligible: readonly string[], votedLogins: readonly string[], withoutLogin = 0): Turnout {
  const voted = new Set(votedLogins.map(normalizeLogin));
  const listed = new Set<string>();
  const lines: VoterStatusLine[] = [];
  for (const login of eligible) {
    const key = normalizeLogin(login);
    if (listed.has(key)) continue;
    listed.add(key);
    lines.push({ login, voted: voted.has(key) });
  }
  lines.sort(
    (a, b) =>
      Number(a.voted) - Number(b.voted) || normalizeLogin(a.login).localeCompare(normalizeLogin(b.login)) || a.login.localeCompare(b.login),
  );
  const votedListed = lines.filter((l) => l.voted).length;
  let offList = withoutLogin;
  for (const key of voted) if (!listed.has(key)) offList++;
  return { eligible: lines.length, voted: votedListed, votedOffList: offList, lines };
}

export interface DayCount {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  votes: number;
}

const DAY_MS = 86_400_000;
/** Beyond this many days the chart shows only the days with votes. */
export const MAX_FILLED_DAYS = 400;

function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * Every day from the opening (or the first vote, if earlier) to the last day that
 * has begun by `now` within the window (or the last vote, if later), with 0 for days
 * without a vote. Nothing before the election opens.
 */
export function fillDays(counts: readonly DayCount[], start: Date, end: Date, now: Date): DayCount[] {
  const valid = counts.filter((c) => /^\d{4}-\d{2}-\d{2}$/.test(c.day));
  const byDay = new Map<string, number>();
  for (const c of valid) byDay.set(c.day, (byDay.get(c.day) ?? 0) + c.votes);
  const last = new Date(Math.min(end.getTime() - 1, now.getTime()));
  const days = [...byDay.keys()].sort();
  let from = dayOf(start);
  let to = last.getTime() < start.getTime() ? null : dayOf(last);
  const firstVote = days[0];
  const lastVote = days[days.length - 1];
  if (firstVote !== undefined && firstVote < from) from = firstVote;
  if (lastVote !== undefined && (to === null || lastVote > to)) to = lastVote;
  if (to === null) return [];
  const fromMs = Date.parse(`${from}T00:00:00Z`);
  const toMs = Date.parse(`${to}T00:00:00Z`);
  const span = Math.round((toMs - fromMs) / DAY_MS) + 1;
  if (span > MAX_FILLED_DAYS) return days.map((day) => ({ day, votes: byDay.get(day) ?? 0 }));
  const out: DayCount[] = [];
  for (let t = fromMs; t <= toMs; t += DAY_MS) {
    const day = dayOf(new Date(t));
    out.push({ day, votes: byDay.get(day) ?? 0 });
  }
  return out;
}

/**
 * The colour bucket of a pairwise cell: how clearly the row's candidate is preferred
 * to the column's head to head, as a share of the ballots. `win-3` strongest, `even`
 * for a draw.
 */
export function pairwiseBucket(rowOverColumn: number, columnOverRow: number, ballots: number): string {
  const margin = rowOverColumn - columnOverRow;
  if (margin === 0) return 'even';
  const share = Math.abs(margin) / Math.max(1, ballots);
  const level = share > 0.25 ? 3 : share > 0.1 ? 2 : 1;
  return `${margin > 0 ? 'win' : 'loss'}-${level}`;
}
