// Indexes of one meta snapshot, built once per snapshot (so once per revision) and
// kept beside it, so that a request costs what its answer holds, not the size of the
// repository:
// - who is where: lower-cased login → the elections listing it as a voter, and as an
//   officer (the dashboard reads the elections of one voter, not all of them);
// - the elections in list order at a moment (running first, closing soonest; then
//   upcoming; then closed, latest first). That order changes only when an election
//   opens or closes, so it is computed once per interval between two such instants.
// Both live in a WeakMap keyed by the snapshot object: a snapshot is immutable and is
// replaced whole after a sync, so the old indexes go with it. A server holding one
// snapshot per community holds one set of indexes per community and merges the
// answers (the index is a property of one snapshot, never of the server).
import { phaseAt, type Phase } from '../election/phase.js';
import { normalizeLogin, type ElectionEntry, type MetaSnapshot } from './types.js';

/** One entry, or several: most logins are on one or two voter lists, so no array for those. */
type OneOrMore = ElectionEntry | ElectionEntry[];

export interface LoginIndex {
  /** Elections (that parsed) whose voter list holds this login, in key order. */
  voterOf(login: string): readonly ElectionEntry[];
  /** Elections (broken ones too) whose officers include this login, in key order. */
  officerOf(login: string): readonly ElectionEntry[];
}

export interface ListOrder {
  /** Every entry in list order; broken ones last. */
  all: readonly ElectionEntry[];
  running: readonly ElectionEntry[];
  upcoming: readonly ElectionEntry[];
  completed: readonly ElectionEntry[];
}

interface Cached {
  logins?: LoginIndex;
  /** Every start and end instant (ms), sorted, without repeats. */
  instants?: number[];
  order?: { from: number; until: number; value: ListOrder };
}

const cache = new WeakMap<MetaSnapshot, Cached>();

function cached(snapshot: MetaSnapshot): Cached {
  let c = cache.get(snapshot);
  if (c === undefined) {
    c = {};
    cache.set(snapshot, c);
  }
  return c;
}

function add(map: Map<string, OneOrMore>, login: string, entry: ElectionEntry): void {
  const had = map.get(login);
  if (had === undefined) map.set(login, entry);
  else if (Array.isArray(had)) {
    if (had[had.length - 1] !== entry) had.push(entry);
  } else if (had !== entry) map.set(login, [had, entry]);
}

function read(map: Map<string, OneOrMore>, login: string): readonly ElectionEntry[] {
  const found = map.get(normalizeLogin(login));
  return found === undefined ? [] : Array.isArray(found) ? found : [found];
}

/** The login index of `snapshot`, built on first use and kept while the snapshot lives. */
export function loginIndex(snapshot: MetaSnapshot): LoginIndex {
  const c = cached(snapshot);
  if (c.logins !== undefined) return c.logins;
  const voters = new Map<string, OneOrMore>();
  const officers = new Map<string, OneOrMore>();
  const inKeyOrder = [...snapshot.entries.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const entry of inKeyOrder) {
    // The sets are lower-cased already (normalizeLogin), duplicates removed.
    const officerSet = entry.ok ? entry.election.officerSet : entry.officerSet;
    for (const login of officerSet) add(officers, login, entry);
    if (entry.ok) for (const login of entry.election.voterSet) add(voters, login, entry);
  }
  c.logins = { voterOf: (login) => read(voters, login), officerOf: (login) => read(officers, login) };
  return c.logins;
}

function instantsOf(snapshot: MetaSnapshot): number[] {
  const c = cached(snapshot);
  if (c.instants !== undefined) return c.instants;
  const all: number[] = [];
  for (const entry of snapshot.entries.values()) {
    if (!entry.ok) continue;
    all.push(entry.election.startDatetime.getTime(), entry.election.endDatetime.getTime());
  }
  all.sort((a, b) => a - b);
  c.instants = all.filter((t, i) => i === 0 || t !== all[i - 1]);
  return c.instants;
}

/** The interval [from, until) holding `t` between two consecutive instants of `instants`. */
function intervalAround(instants: number[], t: number): { from: number; until: number } {
  // The first instant after t.
  let lo = 0;
  let hi = instants.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((instants[mid] ?? Infinity) <= t) lo = mid + 1;
    else hi = mid;
  }
  return { from: instants[lo - 1] ?? -Infinity, until: instants[lo] ?? Infinity };
}

const RANK: Record<Phase, number> = { running: 0, upcoming: 1, completed: 2 };

/** Entries in list order at `now` (see the file's comment). Exported for the cases an index cannot serve. */
export function sortEntries(entries: Iterable<ElectionEntry>, now: Date): ElectionEntry[] {
  const keyed = [...entries].map((e) => {
    if (!e.ok) return { e, rank: 3, when: 0 };
    const phase = phaseAt(e.election, now);
    const when =
      phase === 'running'
        ? e.election.endDatetime.getTime()
        : phase === 'upcoming'
          ? e.election.startDatetime.getTime()
          : -e.election.endDatetime.getTime();
    return { e, rank: RANK[phase], when };
  });
  keyed.sort((a, b) => a.rank - b.rank || a.when - b.when || a.e.key.localeCompare(b.e.key));
  return keyed.map((k) => k.e);
}

/** Every election of `snapshot` in list order at `now`, split by phase; reused until an election opens or closes. */
export function listOrder(snapshot: MetaSnapshot, now: Date): ListOrder {
  const c = cached(snapshot);
  const t = now.getTime();
  if (c.order !== undefined && c.order.from <= t && t < c.order.until) return c.order.value;
  const all = sortEntries(snapshot.entries.values(), now);
  const value: ListOrder = {
    all,
    running: all.filter((e) => e.ok && phaseAt(e.election, now) === 'running'),
    upcoming: all.filter((e) => e.ok && phaseAt(e.election, now) === 'upcoming'),
    completed: all.filter((e) => e.ok && phaseAt(e.election, now) === 'completed'),
  };
  c.order = { ...intervalAround(instantsOf(snapshot), t), value };
  return value;
}
