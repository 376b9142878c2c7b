// What a signed-in voter's dashboard holds, computed from one snapshot's indexes so
// that it costs what this voter is part of (the elections listing them, the ones they
// voted in, the ones they run), never a walk over every election of the repository.
// Each section keeps its first `limit` lines and says how many there are in all; the
// page links to the paginated list for the rest.
import { loginIndex, listOrder, sortEntries } from '../meta/snapshotIndex.js';
import { normalizeLogin, type Election, type ElectionEntry, type MetaSnapshot } from '../meta/types.js';
import { phaseAt } from './phase.js';

export interface DashboardLine {
  entry: ElectionEntry & { ok: true };
  eligible: boolean;
  voted: boolean;
}

export interface DashboardSection<T> {
  /** The first lines, in list order. */
  shown: T[];
  /** How many there are in all. */
  total: number;
}

export interface Dashboard {
  /** Running elections this voter may vote in, or voted in. */
  open: DashboardSection<DashboardLine>;
  /** Upcoming elections listing this voter. */
  upcoming: DashboardSection<DashboardLine>;
  /** Closed elections this voter voted in. */
  past: DashboardSection<DashboardLine>;
  /** Running elections whose voter list does not hold this voter (to ask for an exception). */
  others: DashboardSection<DashboardLine>;
  /** Elections (broken ones too) this login is an officer of. */
  officer: DashboardSection<ElectionEntry>;
  /** Of `open`, the ones still to vote in (all of them, not only those shown). */
  toVote: number;
}

function section<T>(all: T[], limit: number): DashboardSection<T> {
  return { shown: all.slice(0, limit), total: all.length };
}

/** The elections listing `login` as a voter or holding a vote of theirs (`votedKeys`), in list order at `now`. */
export function voterElections(snapshot: MetaSnapshot, login: string, votedKeys: ReadonlySet<string>, now: Date): ElectionEntry[] {
  const mine = new Set<ElectionEntry>(loginIndex(snapshot).voterOf(login));
  for (const key of votedKeys) {
    const entry = snapshot.entries.get(key);
    if (entry?.ok === true) mine.add(entry);
  }
  return sortEntries(mine, now);
}

export function dashboardOf(
  snapshot: MetaSnapshot,
  login: string,
  votedKeys: ReadonlySet<string>,
  now: Date,
  limit: { mine: number; others: number },
): Dashboard {
  const who = normalizeLogin(login);
  const eligible = (e: Election) => e.voterSet.has(who);
  const open: DashboardLine[] = [];
  const upcoming: DashboardLine[] = [];
  const past: DashboardLine[] = [];
  for (const entry of voterElections(snapshot, login, votedKeys, now)) {
    if (!entry.ok) continue;
    const line = { entry, eligible: eligible(entry.election), voted: votedKeys.has(entry.key) };
    const phase = phaseAt(entry.election, now);
    if (phase === 'running') open.push(line);
    else if (phase === 'upcoming') {
      if (line.eligible) upcoming.push(line);
    } else if (line.voted) past.push(line);
  }
  // Other open elections: walk the running ones in order until enough are found; the
  // total is every running election less those in `open`.
  const running = listOrder(snapshot, now).running;
  const others: DashboardLine[] = [];
  for (const entry of running) {
    if (others.length >= limit.others) break;
    if (!entry.ok || votedKeys.has(entry.key) || eligible(entry.election)) continue;
    others.push({ entry, eligible: false, voted: false });
  }
  return {
    open: section(open, limit.mine),
    upcoming: section(upcoming, limit.mine),
    past: section(past, limit.mine),
    others: { shown: others, total: running.length - open.length },
    officer: section(sortEntries(loginIndex(snapshot).officerOf(login), now), limit.mine),
    toVote: open.filter((l) => l.eligible && !l.voted).length,
  };
}

/** A line and where it comes from (with COMMUNITIES: its community). */
export interface Tagged<T, Tag> {
  line: T;
  tag: Tag;
}

export interface MergedDashboard<Tag> {
  open: DashboardSection<Tagged<DashboardLine, Tag>>;
  upcoming: DashboardSection<Tagged<DashboardLine, Tag>>;
  past: DashboardSection<Tagged<DashboardLine, Tag>>;
  others: DashboardSection<Tagged<DashboardLine, Tag>>;
  officer: DashboardSection<Tagged<ElectionEntry, Tag>>;
  toVote: number;
}

/** Of each part's first lines (each in list order), the first `limit` of all of them in list order; the total is every part's. */
function mergeSection<T, Tag>(
  parts: ReadonlyArray<{ section: DashboardSection<T>; tag: Tag }>,
  entryOf: (line: T) => ElectionEntry,
  now: Date,
  limit: number,
): DashboardSection<Tagged<T, Tag>> {
  // Keyed by entry object: each snapshot has its own, but the same one may come twice
  // (one catalogue serving two communities in tests), so each key holds a queue.
  const byEntry = new Map<ElectionEntry, Array<Tagged<T, Tag>>>();
  const entries: ElectionEntry[] = [];
  for (const { section, tag } of parts)
    for (const line of section.shown) {
      const entry = entryOf(line);
      const queue = byEntry.get(entry) ?? [];
      queue.push({ line, tag });
      byEntry.set(entry, queue);
      entries.push(entry);
    }
  const shown: Array<Tagged<T, Tag>> = [];
  for (const entry of sortEntries(entries, now).slice(0, limit)) {
    const next = byEntry.get(entry)?.shift();
    if (next !== undefined) shown.push(next);
  }
  return { shown, total: parts.reduce((sum, p) => sum + p.section.total, 0) };
}

/**
 * Several snapshots' dashboards as one (with COMMUNITIES, one per community): each was
 * computed from its own snapshot's index, so the whole still costs what this voter is
 * part of; each section keeps the first lines of all of them, in list order.
 */
export function mergeDashboards<Tag>(
  parts: ReadonlyArray<{ dashboard: Dashboard; tag: Tag }>,
  now: Date,
  limit: { mine: number; others: number },
): MergedDashboard<Tag> {
  const lines = (pick: (d: Dashboard) => DashboardSection<DashboardLine>, max: number) =>
    mergeSection(
      parts.map((p) => ({ section: pick(p.dashboard), tag: p.tag })),
      (line) => line.entry,
      now,
      max,
    );
  return {
    open: lines((d) => d.open, limit.mine),
    upcoming: lines((d) => d.upcoming, limit.mine),
    past: lines((d) => d.past, limit.mine),
    others: lines((d) => d.others, limit.others),
    officer: mergeSection(
      parts.map((p) => ({ section: p.dashboard.officer, tag: p.tag })),
      (entry) => entry,
      now,
      limit.mine,
    ),
    toVote: parts.reduce((sum, p) => sum + p.dashboard.toVote, 0),
  };
}
