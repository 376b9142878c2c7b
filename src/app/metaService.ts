// The meta repository inside the running service: which catalogue to build from the
// configuration, the first sync before the server listens, the database sync after
// every swap, the webhook's sync requests, and following the other replicas.
//
// Modes (docs/meta-repository.md, "Where the elections come from"):
// - META_REPO set: clone or update it into META_PATH (git), follow other replicas.
// - META_REPO unset, META_PATH/ELECTION_DIR an existing folder: read that folder as it
//   is (a checkout kept up to date by something else, or a plain folder). Syncs re-read
//   it; there is no replica following, since each replica has its own folder.
// - Otherwise: no elections (an empty catalogue), and the election table is left alone.
import { listOrder, loginIndex } from '../core/meta/snapshotIndex.js';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { Catalogue, emptySnapshot, type CatalogueLogger, type SyncOutcome, type SyncRequest } from '../metarepo/catalogue.js';
import { createCatalogue, createMetaSource, describeSyncError } from '../metarepo/source.js';
import { outsideRequest } from '../storage/budget.js';
import type { Store } from '../storage/store.js';
import { followRevision, type Follower } from './followRevision.js';
import { metaRevisionSetting, syncMeta } from './syncMeta.js';

export type MetaMode = 'git' | 'folder';

export interface ConfiguredCatalogue {
  catalogue: Catalogue;
  mode: MetaMode;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Whether META_PATH can be served as a folder when META_REPO is unset. */
export function folderModeAvailable(meta: Config['meta']): boolean {
  return isDirectory(join(meta.path, meta.electionDir));
}

/**
 * The catalogue the configuration asks for, or null when there is no meta repository
 * at all (META_REPO unset and no usable META_PATH folder).
 */
export function catalogueFor(config: Config, clock: () => Date, log?: CatalogueLogger, exclusive?: Exclusive): ConfiguredCatalogue | null {
  const meta = config.meta;
  const initial = emptySnapshot(clock());
  if (meta.repo !== null) {
    const catalogue = createCatalogue({
      repo: meta.repo,
      path: meta.path,
      branch: meta.branch,
      electionDir: meta.electionDir,
      token: meta.token,
      initial,
      clock,
      now: clock,
      ...(log !== undefined ? { log } : {}),
      ...(exclusive !== undefined ? { exclusive } : {}),
    });
    return { catalogue, mode: 'git' };
  }
  if (!folderModeAvailable(meta)) return null;
  const folder = createMetaSource({ repo: null, path: meta.path, branch: meta.branch, electionDir: meta.electionDir, now: clock });
  const catalogue = new Catalogue({
    source: {
      // A folder that vanished is a failed sync (keep serving what was read), not an
      // empty repository: an empty snapshot would orphan every election.
      update: () =>
        existsSync(join(meta.path, meta.electionDir))
          ? folder.update()
          : Promise.reject(new Error(`the folder ${join(meta.path, meta.electionDir)} (META_PATH/ELECTION_DIR) no longer exists`)),
      load: folder.load,
    },
    initial,
    clock,
    ...(log !== undefined ? { log } : {}),
    describeError: (error) => describeSyncError(error),
  });
  return { catalogue, mode: 'folder' };
}

/** Runs a checkout update alone, with no cluster worker reading the checkout meanwhile (src/cluster/gate.ts). */
export type Exclusive = <T>(update: () => Promise<T>) => Promise<T>;

export interface MetaServiceDeps {
  config: Config;
  store: Store;
  log: CatalogueLogger & { info: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void };
  clock: () => Date;
  /** Told once per sync run (the `scrutin_meta_sync_*` counters), and of each snapshot's broken elections. */
  metrics?: { syncFinished: (outcome: 'ok' | 'failed') => void; electionsServed?: (ok: number, broken: number) => void };
  /** In a cluster's primary: git updates wait for the workers reading the checkout. */
  exclusive?: Exclusive;
  /**
   * Wait at most this long (ms) for the first sync before returning; it goes on in the
   * background and swaps when done. For COMMUNITIES: a slow git host must not hold the
   * service's start-up (and every other community) hostage. Unset: wait for it.
   */
  firstSyncWaitMs?: number;
}

export interface MetaService {
  catalogue: Catalogue;
  mode: MetaMode;
  /** The outcome of the sync run before the server started listening. */
  first: SyncOutcome;
  /** For the webhook: starts (or joins) a sync in the background. */
  requestSync: (reason: string) => void;
  /** A sync whose outcome the caller waits for (tests, the follower). */
  sync: (request: SyncRequest | string) => Promise<SyncOutcome>;
  stop: () => Promise<void>;
}

/** The first sync's outcome, or a failure saying it is still running after `waitMs`. */
async function firstSync(run: Promise<SyncOutcome>, waitMs: number | undefined): Promise<SyncOutcome> {
  if (waitMs === undefined) return run;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<SyncOutcome>((resolve) => {
    timer = setTimeout(() => {
      resolve({
        status: 'failed',
        error: `the first sync is still running after ${Math.round(waitMs / 1000)} s; its elections are served once it finishes`,
      });
    }, waitMs);
    timer.unref();
  });
  try {
    return await Promise.race([run, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** How long stopping waits for a sync in progress before letting the store close. */
const STOP_WAIT_MS = 10_000;

/**
 * Builds the catalogue, syncs once (a failure is logged and leaves the service
 * degraded, not down), applies every swap to the database and, with git, starts
 * following the revision the other replicas record. Null when no meta repository is
 * configured.
 */
export async function startMetaService(deps: MetaServiceDeps): Promise<MetaService | null> {
  const { config, store, log, clock } = deps;
  const configured = catalogueFor(config, clock, log, deps.exclusive);
  if (configured === null) {
    log.info(
      { path: config.meta.path, electionDir: config.meta.electionDir },
      'no meta repository: META_REPO is unset and META_PATH holds no ELECTION_DIR folder; serving no elections',
    );
    return null;
  }
  const { catalogue, mode } = configured;
  // When applying a snapshot to the database fails (the database briefly away), the
  // snapshot is served anyway; the next sync must apply it again even if git has
  // nothing new, so it is forced, and the follower asks for one.
  let databaseBehind = false;
  catalogue.onSwap(async (snapshot) => {
    // Build the snapshot's indexes now, once, rather than in the first voter's request.
    loginIndex(snapshot);
    listOrder(snapshot, clock());
    const broken = [...snapshot.entries.values()].filter((entry) => !entry.ok).map((entry) => entry.key);
    deps.metrics?.electionsServed?.(snapshot.entries.size - broken.length, broken.length);
    if (broken.length > 0) {
      log.warn(
        { elections: broken, revision: snapshot.revision },
        `${broken.length} election${broken.length === 1 ? ' has' : 's have'} errors in ${broken.length === 1 ? 'its' : 'their'} files: voters see ${broken.length === 1 ? 'it' : 'them'} as unavailable until fixed (the officers' pages say what is wrong)`,
      );
    }
    try {
      await syncMeta({ store, log, now: clock() }, snapshot);
      databaseBehind = false;
    } catch (error) {
      databaseBehind = true;
      throw error;
    }
  });

  const pending = new Set<Promise<SyncOutcome>>();
  // Requests coalesced into one run get the same promise: count each run once.
  const seen = new WeakSet<Promise<SyncOutcome>>();
  const sync = (request: SyncRequest | string): Promise<SyncOutcome> => {
    const asked = typeof request === 'string' ? { reason: request } : request;
    const run = catalogue.requestSync(databaseBehind ? { ...asked, force: true } : asked);
    if (!seen.has(run)) {
      seen.add(run);
      pending.add(run);
      void run.then((outcome) => {
        pending.delete(run);
        deps.metrics?.syncFinished(outcome.status === 'failed' ? 'failed' : 'ok');
      });
    }
    return run;
  };

  const first = await firstSync(sync('startup'), deps.firstSyncWaitMs);
  if (first.status === 'failed') {
    log.error(
      { error: first.error, mode },
      'the first meta repository sync failed: serving without elections until a sync succeeds (not ready until then)',
    );
  }
  const follower: Follower | null =
    mode === 'git'
      ? followRevision({
          settings: store.settings,
          setting: metaRevisionSetting(store.community),
          catalogue: { current: () => catalogue.current(), requestSync: sync },
          log,
          intervalSeconds: config.meta.followInterval,
          behind: () => databaseBehind,
        })
      : null;

  let stopped = false;
  return {
    catalogue,
    mode,
    first,
    requestSync: (reason) => {
      // Started by a request (the webhook) but not part of it: no request budget applies.
      if (!stopped) outsideRequest(() => void sync(reason));
    },
    sync,
    stop: async () => {
      stopped = true;
      const done = Promise.all([follower?.stop(), ...pending]);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, STOP_WAIT_MS);
        timer.unref();
      });
      await Promise.race([done, timeout]);
      clearTimeout(timer);
    },
  };
}
