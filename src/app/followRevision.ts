// Several replicas share one database. A webhook reaches one of them; that replica
// syncs and records the new revision (syncMeta). Every replica looks at the recorded
// revision every few seconds (META_FOLLOW_INTERVAL) and, when it differs from the
// snapshot it serves, fetches and swaps too.
import type { MetaSnapshot } from '../core/meta/types.js';
import type { SyncOutcome, SyncRequest } from '../metarepo/catalogue.js';
import { META_REVISION_SETTING } from './syncMeta.js';

export interface FollowDeps {
  settings: { get: (name: string) => Promise<string | null> };
  catalogue: { current: () => MetaSnapshot; requestSync: (request: SyncRequest) => Promise<SyncOutcome> };
  log: { info: (obj: object, msg: string) => void; warn: (obj: object, msg: string) => void };
  /** The setting holding the revision to follow (one per community); META_REVISION_SETTING by default. */
  setting?: string;
  /** Seconds between checks. */
  intervalSeconds: number;
  /** True when this replica's last snapshot has not reached the database yet: sync even if the revisions agree. */
  behind?: () => boolean;
}

export type FollowCheck =
  | { status: 'in-step' | 'nothing-recorded' | 'stuck'; recorded: string | null }
  | { status: 'followed'; recorded: string; outcome: SyncOutcome }
  | { status: 'retried'; outcome: SyncOutcome }
  | { status: 'error'; error: string };

export interface Follower {
  /** One check now (also what the timer runs). Checks never overlap. */
  check: () => Promise<FollowCheck>;
  /** Stops the timer and waits for a check in progress. */
  stop: () => Promise<void>;
}

/** Longest wait between checks while the fetch keeps failing. */
const MAX_BACKOFF_SECONDS = 300;

/**
 * Follows the database-recorded revision. The first check runs at once (startup), then
 * every `intervalSeconds`; after failed fetches the wait doubles (up to 5 minutes) so
 * an unreachable repository does not fill the logs. The timer is unref'd: it never
 * keeps the process alive.
 */
export function followRevision(deps: FollowDeps): Follower {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let running: Promise<FollowCheck> | null = null;
  let failures = 0;
  // A recorded revision that a sync did not reach (replicas configured with different
  // branches, say): following it again would reload forever, so wait for a new one.
  let stuckOn: string | null = null;

  const checkOnce = async (): Promise<FollowCheck> => {
    if (deps.behind?.() === true) {
      const outcome = await deps.catalogue.requestSync({ reason: 'the last snapshot did not reach the database', force: true });
      // Still behind (the database still away): wait longer before reloading again.
      if (outcome.status === 'failed' || deps.behind()) failures++;
      else failures = 0;
      return { status: 'retried', outcome };
    }
    let recorded: string | null;
    try {
      recorded = await deps.settings.get(deps.setting ?? META_REVISION_SETTING);
    } catch (error) {
      return { status: 'error', error: error instanceof Error ? error.message : String(error) };
    }
    if (recorded === null) return { status: 'nothing-recorded', recorded };
    if (recorded === deps.catalogue.current().revision) {
      stuckOn = null;
      failures = 0;
      return { status: 'in-step', recorded };
    }
    if (recorded === stuckOn) return { status: 'stuck', recorded };
    const outcome = await deps.catalogue.requestSync({ reason: 'another replica synced', force: true });
    if (outcome.status === 'failed') {
      failures++;
    } else {
      failures = 0;
      const now = outcome.revision;
      if (now !== recorded) {
        stuckOn = recorded;
        deps.log.warn(
          { recorded, revision: now },
          'the revision another replica recorded is not the one this replica fetched; check that every replica has the same META_REPO and META_BRANCH',
        );
      }
    }
    return { status: 'followed', recorded, outcome };
  };

  const check = (): Promise<FollowCheck> => {
    running ??= checkOnce().finally(() => {
      running = null;
    });
    return running;
  };

  const schedule = (seconds: number): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      void check().then((result) => {
        if (result.status === 'error') deps.log.warn({ error: result.error }, 'could not read the recorded meta revision');
        const wait =
          failures === 0 ? deps.intervalSeconds : Math.min(MAX_BACKOFF_SECONDS, deps.intervalSeconds * 2 ** Math.min(failures, 16));
        schedule(Math.max(deps.intervalSeconds, wait));
      });
    }, seconds * 1000);
    timer.unref();
  };

  schedule(0);
  return {
    check,
    stop: async () => {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      if (running !== null) await running.catch(() => undefined);
    },
  };
}
