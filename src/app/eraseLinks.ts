// `delete_after: true`: once an election is completed, the sealed links between voters
// and ballots are erased for good (salt, sealed identifier and KDF parameters), after the
// ballot rows are written again in a random order, so nothing the database engine kept
// about when each row was written (PostgreSQL's xmin, heap order) can stand in for the
// erased links. `election.links_erased_at` records that it was done. Called lazily by the
// ballot service on the first request for such an election, after every meta sync
// (eraseDueLinks), by the close timer (watchCloses) and before any count or download
// (closeElection). Only counts are logged.
import { phaseAt } from '../core/election/phase.js';
import type { Election, MetaSnapshot } from '../core/meta/types.js';
import type { Log, Store } from './ports.js';

export interface EraseDeps {
  store: Store;
  log: Pick<Log, 'info' | 'error'>;
  now: Date;
}

export type EraseOutcome =
  { status: 'not-due' } | { status: 'already-erased'; at: Date } | { status: 'erased'; links: number; ballotRows: number };

type ErasableElection = Pick<Election, 'key' | 'name' | 'deleteAfter' | 'startDatetime' | 'endDatetime'>;

/** Whether `delete_after` asks for erasure now. */
export function erasureDue(election: ErasableElection, now: Date): boolean {
  return election.deleteAfter && phaseAt(election, now) === 'completed';
}

/** Erases one election's links if `delete_after` is set and it is completed; idempotent. */
export async function eraseLinks(deps: EraseDeps, election: ErasableElection): Promise<EraseOutcome> {
  if (!erasureDue(election, deps.now)) return { status: 'not-due' };
  const existing = await deps.store.elections.findByKey(election.key);
  if (existing !== null && existing.linksErasedAt !== null) return { status: 'already-erased', at: existing.linksErasedAt };
  const electionId = existing?.id ?? (await deps.store.elections.ensure(election.key, election.name, deps.now));
  // The rewrite has a transaction of its own: written together with the voter rows'
  // update, the ballot rows would share that transaction's id with them again.
  const ballotRows = (await rewriteBallotsOnce(deps, election, electionId)) ?? 0;
  const outcome = await deps.store.transaction(async (tx) => {
    // Another replica may have done it meanwhile; doing it twice is harmless, but say so once.
    const row = await tx.elections.findByKey(election.key);
    if (row !== null && row.linksErasedAt !== null) return { status: 'already-erased' as const, at: row.linksErasedAt };
    const links = await tx.ballots.eraseLinks(electionId);
    await tx.elections.markLinksErased(electionId, deps.now);
    await tx.audit.append({
      at: deps.now,
      electionKey: election.key,
      actor: null,
      action: 'links-erased',
      detail: `delete_after: ${links} voter–ballot links erased`,
    });
    return { status: 'erased' as const, links, ballotRows };
  });
  if (outcome.status === 'erased') {
    deps.log.info({ election: election.key, links: outcome.links }, 'delete_after: erased the voter–ballot links of a completed election');
  }
  return outcome;
}

const rewrittenSetting = (electionId: number) => `ballots_rewritten:${electionId}`;

/**
 * Writes a completed election's ballot rows again, once, for every election (not only
 * `delete_after` ones): on PostgreSQL a voter row and the ballot rows cast with it
 * share a transaction id (xmin) until the ballot rows are rewritten, and heap order
 * follows casting order everywhere. Only after the close: a rewrite racing a cast
 * could lose it. Several replicas may try at once: the first statement locks the
 * election row (an UPDATE locks on every engine, and takes SQLite's write lock), and
 * the marker is checked under that lock, so the rows are rewritten exactly once.
 * Returns the number of rows rewritten, or null when it was already done.
 */
export async function rewriteBallotsOnce(deps: EraseDeps, election: Pick<Election, 'key'>, electionId: number): Promise<number | null> {
  // Cheap check first: after each sync this runs for every completed election.
  if ((await deps.store.settings.get(rewrittenSetting(electionId))) !== null) return null;
  const rows = await deps.store.transaction(async (tx) => {
    await tx.elections.lock(electionId);
    if ((await tx.settings.get(rewrittenSetting(electionId))) !== null) return null;
    const count = await tx.ballots.rewriteRows(electionId);
    await tx.settings.set(rewrittenSetting(electionId), deps.now.toISOString(), deps.now);
    await tx.audit.append({
      at: deps.now,
      electionKey: election.key,
      actor: null,
      action: 'ballots-rewritten',
      detail: `${count} ballot rows written again in a random order after the close`,
    });
    return count;
  });
  if (rows !== null)
    deps.log.info(
      { election: election.key, rows },
      'rewrote the ballot rows of a completed election, so storage order and transaction ids say nothing about who cast them',
    );
  return rows;
}

/**
 * What the close of one election asks of the database, once it is completed: its ballot
 * rows rewritten (every election), and its links erased (`delete_after`). Idempotent and
 * cheap when already done (one settings or election lookup). Does nothing before the
 * close, when a rewrite could race a cast. Called by the close timer, after every sync,
 * and before any count or download of the election.
 */
export async function closeElection(deps: EraseDeps, election: ErasableElection): Promise<void> {
  if (phaseAt(election, deps.now) !== 'completed') return;
  if (election.deleteAfter) {
    await eraseLinks(deps, election);
    return;
  }
  const row = await deps.store.elections.findByKey(election.key);
  if (row !== null) await rewriteBallotsOnce(deps, election, row.id);
}

/**
 * After the close of every election: rewrites its ballot rows once, and erases the
 * links of `delete_after` elections. For the meta sync (after each sync) and
 * `scrutin sync`. One election failing does not stop
 * the others; failures are logged and counted.
 */
export async function eraseDueLinks(deps: EraseDeps, snapshot: MetaSnapshot): Promise<{ erased: string[]; failed: string[] }> {
  const erased: string[] = [];
  const failed: string[] = [];
  for (const entry of snapshot.entries.values()) {
    if (!entry.ok || phaseAt(entry.election, deps.now) !== 'completed') continue;
    try {
      if (!entry.election.deleteAfter) {
        await closeElection(deps, entry.election);
        continue;
      }
      const outcome = await eraseLinks(deps, entry.election);
      if (outcome.status === 'erased') erased.push(entry.key);
    } catch (error) {
      failed.push(entry.key);
      deps.log.error({ election: entry.key, err: error }, 'delete_after: erasing the voter–ballot links failed; will try again');
    }
  }
  return { erased, failed };
}

// --- The close timer -----------------------------------------------------------------

/** Timers, injectable so tests can fire them without waiting. */
export interface CloseTimers {
  set: (fire: () => void, ms: number) => unknown;
  clear: (handle: unknown) => void;
}

const realTimers: CloseTimers = {
  set: (fire, ms) => {
    const t = setTimeout(fire, ms);
    t.unref();
    return t;
  },
  clear: (handle) => {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

/**
 * After an election's end, a cast whose last window check passed just before it may
 * still be committing; the timer waits this long so the rewrite sees that ballot too.
 */
export const CLOSE_GRACE_MS = 5_000;
/** The timer never sleeps longer (Node caps delays at ~24.8 days; snapshots also change). */
export const CLOSE_MAX_DELAY_MS = 60 * 60 * 1000;
/** After a failed rewrite, try again this soon. */
export const CLOSE_RETRY_MS = 60_000;

export interface CloseWatcherDeps {
  store: Store;
  log: EraseDeps['log'];
  clock: () => Date;
  /** The snapshot currently served. */
  current: () => MetaSnapshot;
  timers?: CloseTimers;
}

export interface CloseWatcher {
  /** Re-reads the snapshot and schedules the next close (call on every snapshot swap). */
  rearm: () => unknown;
  /** The run in progress, if any (tests wait for it). */
  idle: () => Promise<void>;
  stop: () => Promise<void>;
}

/**
 * Rewrites each election's ballot rows (and erases `delete_after` links) when it ends,
 * not only at the next meta sync: a timer set for the earliest end still ahead in the
 * snapshot, re-armed on every snapshot and after each run. Every replica runs one; the
 * election row lock in rewriteBallotsOnce makes them rewrite once between them.
 */
export function watchCloses(deps: CloseWatcherDeps): CloseWatcher {
  const timers = deps.timers ?? realTimers;
  let handle: unknown = null;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  /** Elections this process has handled after their close, with the end they had then. */
  const done = new Map<string, number>();
  const handled = (election: { key: string; endDatetime: Date }) => done.get(election.key) === election.endDatetime.getTime();

  const schedule = (ms: number) => {
    if (handle !== null) timers.clear(handle);
    handle = stopped ? null : timers.set(fire, Math.max(0, Math.min(ms, CLOSE_MAX_DELAY_MS)));
  };

  /** Schedules the earliest close still ahead; returns its delay, or null when there is none. */
  const rearm = (): number | null => {
    if (stopped) return null;
    const now = deps.clock().getTime();
    let next: number | null = null;
    for (const entry of deps.current().entries.values()) {
      if (!entry.ok || handled(entry.election)) continue;
      const end = entry.election.endDatetime.getTime();
      if (end + CLOSE_GRACE_MS > now && (next === null || end < next)) next = end;
    }
    if (next === null) {
      if (handle !== null) timers.clear(handle);
      handle = null;
      return null;
    }
    schedule(next + CLOSE_GRACE_MS - now);
    return next + CLOSE_GRACE_MS - now;
  };

  const run = async (): Promise<boolean> => {
    const now = deps.clock();
    let failed = false;
    for (const entry of deps.current().entries.values()) {
      if (stopped) break;
      if (!entry.ok || handled(entry.election) || phaseAt(entry.election, now) !== 'completed') continue;
      try {
        await closeElection({ store: deps.store, log: deps.log, now }, entry.election);
        done.set(entry.key, entry.election.endDatetime.getTime());
      } catch (error) {
        failed = true;
        deps.log.error({ election: entry.key, err: error }, 'rewriting the ballot rows after the close failed; will try again');
      }
    }
    return failed;
  };

  function fire(): void {
    handle = null;
    running = running.then(run).then(
      (failed) => {
        const delay = rearm();
        if (failed && !stopped) schedule(Math.min(CLOSE_RETRY_MS, delay ?? CLOSE_RETRY_MS));
      },
      () => {
        rearm();
      },
    );
  }

  rearm();
  return {
    rearm,
    idle: () => running,
    stop: async () => {
      stopped = true;
      if (handle !== null) timers.clear(handle);
      handle = null;
      await running;
    },
  };
}
