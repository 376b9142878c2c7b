// A cluster worker's view of the meta repository. The worker never runs git and never
// writes the election table: the primary does both, once for the instance. The worker
// reads the primary's checkout into its own snapshot — under a read lease, so never
// while git rewrites it — at start-up and each time the primary says it swapped, and
// passes the webhook's sync requests on to the primary. It also asks the primary for
// places in the instance's derivation throttle (derivations.ts) and for the instance's
// metrics, and answers the primary's requests for its own (instanceMetrics.ts).
import cluster from 'node:cluster';
import type { DerivationLimit, DerivationLimiter } from '../app/ballots/derivationThrottle.js';
import type { Config } from '../config.js';
import { folderModeAvailable } from '../app/metaService.js';
import type { MetaSnapshot } from '../core/meta/types.js';
import { Catalogue, emptySnapshot, type CatalogueLogger, type SyncSource } from '../metarepo/catalogue.js';
import { createMetaSource, describeSyncError } from '../metarepo/source.js';
import type { CatalogueStatus } from '../metarepo/catalogue.js';
import { derivationsOverIpc } from './derivations.js';
import { metricsOverIpc, type MetricsOverIpc } from './instanceMetrics.js';
import { toWorker, type PrimarySync, type ToPrimary } from './messages.js';

/** One meta repository as a worker follows it: the single one, or one community's. */
interface FollowedMeta {
  /** Null when no meta repository is configured (no elections, as in one process). */
  catalogue: Catalogue | null;
  /** Passes a sync request (the webhook's) on to the primary. */
  requestSync: (reason: string) => void;
  /** This worker's catalogue status, with the primary's sync state (its failures, its last success) in place of the worker's own. */
  status: () => CatalogueStatus | null;
}

export interface WorkerLink extends FollowedMeta {
  /** How many workers share the machine (limits and pools are divided by it). */
  workers: number;
  /** This worker's cluster id, as its process metrics are labelled (`worker`). */
  id: string;
  /** The derivation throttle of the whole instance, counted by the primary (community: the ballot service's, or null). */
  derivationLimiter: (limit: DerivationLimit, community: string | null) => DerivationLimiter;
  /** This worker's figures for the primary, and the instance's for a scrape of this worker. */
  metrics: Pick<MetricsOverIpc, 'report' | 'scrape'>;
  /** Where the link logs its own troubles (the service's logger, once it has one). */
  useLog: (log: CatalogueLogger) => void;
  /** With COMMUNITIES: each community's repository, by key (the single one above is then null). */
  communities: ReadonlyMap<string, FollowedMeta>;
  /** Stops listening to the primary. */
  close: () => void;
}

type Send = (message: ToPrimary) => void;

/** Read leases from the primary, numbered for the whole worker (every community's share one channel). */
interface Leases {
  take: (community: string | null) => Promise<number>;
  give: (id: number) => void;
  granted: (id: number) => void;
}

function leasesOver(send: Send): Leases {
  const waiting = new Map<number, () => void>();
  let nextId = 1;
  return {
    take: (community) => {
      const id = nextId++;
      return new Promise((resolve) => {
        waiting.set(id, () => {
          resolve(id);
        });
        send({ scrutin: 'lease', id, community });
      });
    },
    give: (id) => {
      send({ scrutin: 'release', id });
    },
    granted: (id) => {
      waiting.get(id)?.();
      waiting.delete(id);
    },
  };
}

/** Reads the checkout under a lease from the primary; `load` hands back what `update` read. */
function leasedSource(meta: Config['meta'], community: string | null, clock: () => Date, leases: Leases): SyncSource {
  const folder = createMetaSource({
    repo: null,
    path: meta.path,
    branch: meta.branch,
    electionDir: meta.electionDir,
    now: clock,
  });
  let read: { revision: string | null; snapshot: MetaSnapshot } | null = null;
  return {
    // Read and load in one lease: the catalogue calls load() right after, with this revision.
    update: async () => {
      const id = await leases.take(community);
      try {
        const revision = await folder.update();
        read = { revision, snapshot: await folder.load(revision) };
        return revision;
      } finally {
        leases.give(id);
      }
    },
    load: async (revision) => {
      const done = read;
      read = null;
      if (done !== null && done.revision === revision) return done.snapshot;
      // Not expected (the catalogue loads what update() returned); read again, leased.
      const id = await leases.take(community);
      try {
        return await folder.load(revision);
      } finally {
        leases.give(id);
      }
    },
  };
}

/** A followed repository, and what to do with the primary's news about it. */
interface Follower extends FollowedMeta {
  swapped: () => void;
  primarySays: (state: PrimarySync) => void;
}

function follow(
  meta: Config['meta'],
  community: string | null,
  clock: () => Date,
  send: Send,
  leases: Leases,
  log: CatalogueLogger | undefined,
): Follower {
  const configured = meta.repo !== null || folderModeAvailable(meta);
  const catalogue = configured
    ? new Catalogue({
        source: leasedSource(meta, community, clock, leases),
        initial: emptySnapshot(clock()),
        clock,
        ...(log !== undefined ? { log } : {}),
        describeError: (error) => describeSyncError(error, meta.token),
      })
    : null;
  let primary: PrimarySync | null = null;
  return {
    catalogue,
    requestSync: (reason) => {
      send({ scrutin: 'sync', reason, community });
    },
    status: () => {
      if (catalogue === null) return null;
      const own = catalogue.status();
      if (primary === null || own.state === 'empty') return own;
      const at = (ms: number | null) => (ms === null ? null : new Date(ms));
      return {
        ...own,
        state: primary.state === 'degraded' ? 'degraded' : own.state,
        lastError: primary.lastError ?? own.lastError,
        lastErrorAt: at(primary.lastErrorAt) ?? own.lastErrorAt,
        lastSuccessAt: at(primary.lastSuccessAt) ?? own.lastSuccessAt,
      };
    },
    swapped: () => {
      void catalogue?.requestSync({ reason: 'the primary synced', force: true });
    },
    primarySays: (state) => {
      primary = state;
    },
  };
}

/**
 * In a cluster worker: the catalogue following the primary, and the way to ask it for a
 * sync; with COMMUNITIES one of each per community (a community's clone, under
 * META_PATH/<key>, is read only when the primary says that community swapped).
 */
export function linkToPrimary(config: Config, workers: number, clock: () => Date, log?: CatalogueLogger): WorkerLink {
  const send: Send = (message) => {
    // Throws when the primary is gone, so that waiting callers fall back at once.
    if (process.send === undefined || !process.connected) throw new Error('no channel to the primary');
    process.send(message);
  };
  const leases = leasesOver((message) => {
    try {
      send(message);
    } catch {
      // The primary is gone: this worker is stopping too.
    }
  });
  let logTo = log;
  let fellBack = 0;
  const derivations = derivationsOverIpc({
    send,
    workers,
    onFallback: () => {
      // Logged now and then, not per request, if the primary stays silent.
      if (fellBack++ % 100 === 0)
        logTo?.warn({ times: fellBack }, "the primary did not answer for the derivation throttle: counting this worker's share here");
    },
  });
  const metrics = metricsOverIpc(send);
  const single =
    config.communities === null
      ? follow(config.meta, null, clock, send, leases, log)
      : { catalogue: null, requestSync: () => undefined, status: () => null, swapped: () => undefined, primarySays: () => undefined };
  const communities = new Map<string, Follower>(
    (config.communities ?? []).map((c) => [c.key, follow(c.meta, c.key, clock, send, leases, log)]),
  );
  const followerOf = (community: string | null): Follower | undefined => (community === null ? single : communities.get(community));
  const onMessage = (raw: unknown): void => {
    const message = toWorker(raw);
    if (message === null) return;
    if (message.scrutin === 'leased') leases.granted(message.id);
    else if (message.scrutin === 'derive-answer') derivations.answered(message);
    else if (message.scrutin === 'metrics-ask' || message.scrutin === 'metrics-text') metrics.received(message);
    else if (message.scrutin === 'sync-state') followerOf(message.community)?.primarySays(message);
    else followerOf(message.community)?.swapped();
  };
  process.on('message', onMessage);
  try {
    send({ scrutin: 'hello' });
  } catch {
    // Not forked by a primary: nothing will answer (the limiter and metrics fall back).
  }
  return {
    workers,
    id: String(cluster.worker?.id ?? process.pid),
    derivationLimiter: derivations.limiter,
    metrics,
    useLog: (l) => {
      logTo = l;
    },
    catalogue: single.catalogue,
    requestSync: single.requestSync,
    status: single.status,
    communities,
    close: () => {
      process.off('message', onMessage);
    },
  };
}
