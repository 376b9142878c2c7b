// What the HTTP layer is given to work with. Routes read the meta repository only
// through a CatalogueReader (an in-memory snapshot), never from disk.
import type { FastifyBaseLogger } from 'fastify';
import type { BallotService } from '../app/ballotService.js';
import type { Config } from '../config.js';
import type { MetaSnapshot } from '../core/meta/types.js';
import type { Metrics } from '../observability/metrics.js';
import type { Store } from '../storage/store.js';

export interface CatalogueStatus {
  /** ok: last sync succeeded; degraded: serving an older snapshot after a failure; empty: nothing loaded yet. */
  state: 'ok' | 'degraded' | 'empty';
  revision: string | null;
  lastSuccessAt: Date | null;
  lastError: string | null;
  /** Elections whose files have errors (unavailable to voters) in the served snapshot. */
  unavailableElections?: number;
}

export interface CatalogueReader {
  current: () => MetaSnapshot;
  status: () => CatalogueStatus;
}

/** Asks for a meta repository sync (webhook); resolves when queued, not when done. */
export type SyncRequester = (reason: string) => void;

export interface AppContext {
  config: Config;
  store: Store;
  catalogue: CatalogueReader;
  clock: () => Date;
  log: FastifyBaseLogger;
  /** Present when a meta repository is configured. */
  requestSync?: SyncRequester;
  /** Casting, viewing and revoking ballots. */
  ballots: BallotService;
  /** Key for signed session cookies (derived from APP_KEY). */
  sessionKey: Buffer;
  /** Services other areas attach (KDF pool, metrics...). Typed by their owners. */
  services: Record<string, unknown>;
  /** Prometheus metrics of this service (absent in contexts built without one). */
  metrics?: Metrics;
}

export function emptySnapshot(now: Date): MetaSnapshot {
  return { revision: null, loadedAt: now, entries: new Map(), problems: [] };
}

/** A catalogue that always returns the same snapshot (tests, and before the first sync). */
export class FixedCatalogue implements CatalogueReader {
  constructor(private snapshot: MetaSnapshot) {}
  current(): MetaSnapshot {
    return this.snapshot;
  }
  replace(snapshot: MetaSnapshot): void {
    this.snapshot = snapshot;
  }
  status(): CatalogueStatus {
    const unavailableElections = [...this.snapshot.entries.values()].filter((e) => !e.ok).length;
    return { state: 'ok', revision: this.snapshot.revision, lastSuccessAt: this.snapshot.loadedAt, lastError: null, unavailableElections };
  }
}
