// A cluster worker's view of the meta repository. The worker never runs git and never
// writes the election table: the primary does both, once for the instance. The worker
// reads the primary's checkout into its own snapshot — under a read lease, so never
// while git rewrites it — at start-up and each time the primary says it swapped, and
// passes the webhook's sync requests on to the primary.
import type { Config } from '../config.js';
import { folderModeAvailable } from '../app/metaService.js';
import type { MetaSnapshot } from '../core/meta/types.js';
import { Catalogue, emptySnapshot, type CatalogueLogger, type SyncSource } from '../metarepo/catalogue.js';
import { createMetaSource, describeSyncError } from '../metarepo/source.js';
import type { CatalogueStatus } from '../metarepo/catalogue.js';
import { toWorker, type PrimarySync, type ToPrimary } from './messages.js';

export interface WorkerLink {
  /** How many workers share the machine (limits and pools are divided by it). */
  workers: number;
  /** Null when no meta repository is configured (no elections, as in one process). */
  catalogue: Catalogue | null;
  /** Passes a sync request (the webhook's) on to the primary. */
  requestSync: (reason: string) => void;
  /** This worker's catalogue status, with the primary's sync state (its failures, its last success) in place of the worker's own. */
  status: () => CatalogueStatus | null;
  /** Stops listening to the primary. */
  close: () => void;
}

type Send = (message: ToPrimary) => void;

/** Reads the checkout under a lease from the primary; `load` hands back what `update` read. */
function leasedSource(config: Config, clock: () => Date, send: Send, leases: Map<number, () => void>): SyncSource {
  const folder = createMetaSource({
    repo: null,
    path: config.meta.path,
    branch: config.meta.branch,
    electionDir: config.meta.electionDir,
    now: clock,
  });
  let nextId = 1;
  let read: { revision: string | null; snapshot: MetaSnapshot } | null = null;
  const lease = (): Promise<number> => {
    const id = nextId++;
    return new Promise((resolve) => {
      leases.set(id, () => {
        resolve(id);
      });
      send({ scrutin: 'lease', id });
    });
  };
  return {
    // Read and load in one lease: the catalogue calls load() right after, with this revision.
    update: async () => {
      const id = await lease();
      try {
        const revision = await folder.update();
        read = { revision, snapshot: await folder.load(revision) };
        return revision;
      } finally {
        send({ scrutin: 'release', id });
      }
    },
    load: async (revision) => {
      const done = read;
      read = null;
      if (done !== null && done.revision === revision) return done.snapshot;
      // Not expected (the catalogue loads what update() returned); read again, leased.
      const id = await lease();
      try {
        return await folder.load(revision);
      } finally {
        send({ scrutin: 'release', id });
      }
    },
  };
}

/** In a cluster worker: the catalogue following the primary, and the way to ask it for a sync. */
export function linkToPrimary(config: Config, workers: number, clock: () => Date, log?: CatalogueLogger): WorkerLink {
  const send: Send = (message) => {
    process.send?.(message);
  };
  const leases = new Map<number, () => void>();
  const configured = config.meta.repo !== null || folderModeAvailable(config.meta);
  const catalogue = configured
    ? new Catalogue({
        source: leasedSource(config, clock, send, leases),
        initial: emptySnapshot(clock()),
        clock,
        ...(log !== undefined ? { log } : {}),
        describeError: (error) => describeSyncError(error, config.meta.token),
      })
    : null;
  let primary: PrimarySync | null = null;
  const onMessage = (raw: unknown): void => {
    const message = toWorker(raw);
    if (message === null) return;
    if (message.scrutin === 'leased') {
      leases.get(message.id)?.();
      leases.delete(message.id);
    } else if (message.scrutin === 'sync-state') {
      primary = message;
    } else {
      void catalogue?.requestSync({ reason: 'the primary synced', force: true });
    }
  };
  process.on('message', onMessage);
  send({ scrutin: 'hello' });
  return {
    workers,
    catalogue,
    requestSync: (reason) => {
      send({ scrutin: 'sync', reason });
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
    close: () => {
      process.off('message', onMessage);
    },
  };
}
