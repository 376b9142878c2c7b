// The catalogue: the current MetaSnapshot, replaced as a whole after each successful
// sync (readers never see a half-loaded repository), and the sync runner.
//
// One sync runs at a time. Requests that arrive while one runs are coalesced into
// exactly one more run (a webhook burst of ten pushes costs two syncs, and the second
// sees every push). A failed sync keeps the last good snapshot and marks the
// catalogue degraded, with the error and its time, for /health and the logs.
import type { MetaSnapshot } from '../core/meta/types.js';

export interface CatalogueStatus {
  /** ok: last sync succeeded; degraded: the last attempt failed (serving the last good snapshot); empty: nothing loaded yet. */
  state: 'ok' | 'degraded' | 'empty';
  /** Revision of the snapshot being served. */
  revision: string | null;
  lastSuccessAt: Date | null;
  /** Message of the last failure (redacted), cleared by the next success. */
  lastError: string | null;
  lastErrorAt: Date | null;
  /** A sync is running now. */
  syncing: boolean;
  /** Elections in the served snapshot whose files have errors (unavailable to voters), for /health and metrics. */
  unavailableElections: number;
}

/** Where a sync gets its data: the git update and the disk read are separate so either can be faked. */
export interface SyncSource {
  /** Brings the checkout up to date; returns its revision (null for a plain folder). */
  update: () => Promise<string | null>;
  /** Reads the checkout into a snapshot stamped with `revision`. */
  load: (revision: string | null) => Promise<MetaSnapshot>;
}

export type SyncOutcome =
  | { status: 'swapped'; revision: string | null; previousRevision: string | null; snapshot: MetaSnapshot }
  | { status: 'unchanged'; revision: string | null }
  | { status: 'failed'; error: string };

export type SwapListener = (snapshot: MetaSnapshot, previous: MetaSnapshot) => void | Promise<void>;

/** The subset of a pino logger the catalogue uses. */
export interface CatalogueLogger {
  info: (obj: object, msg: string) => void;
  warn: (obj: object, msg: string) => void;
  error: (obj: object, msg: string) => void;
}

export interface CatalogueOptions {
  source: SyncSource;
  /** The snapshot served before the first sync (usually empty). */
  initial: MetaSnapshot;
  clock?: () => Date;
  log?: CatalogueLogger;
  /** Turns an error into the message stored and logged (redact secrets here). */
  describeError?: (error: unknown) => string;
}

export interface SyncRequest {
  /** Why (webhook, startup, replica follow...) — for the logs. */
  reason: string;
  /** Reload even when the revision did not change. */
  force?: boolean;
}

const silent: CatalogueLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

function defaultDescribe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class Catalogue {
  private snapshot: MetaSnapshot;
  private readonly source: SyncSource;
  private readonly clock: () => Date;
  private readonly log: CatalogueLogger;
  private readonly describeError: (error: unknown) => string;
  private readonly listeners = new Set<SwapListener>();
  private loadedOnce = false;
  private lastSuccessAt: Date | null = null;
  private lastError: string | null = null;
  private lastErrorAt: Date | null = null;
  /** The run in progress, if any. */
  private running: Promise<SyncOutcome> | null = null;
  /** The one run queued behind it, shared by every request that arrived meanwhile. */
  private queued: { promise: Promise<SyncOutcome>; reasons: string[]; force: boolean } | null = null;

  constructor(options: CatalogueOptions) {
    this.snapshot = options.initial;
    this.source = options.source;
    this.clock = options.clock ?? (() => new Date());
    this.log = options.log ?? silent;
    this.describeError = options.describeError ?? defaultDescribe;
  }

  /** The snapshot to serve now. Cheap; call it once per request and keep the value. */
  current(): MetaSnapshot {
    return this.snapshot;
  }

  status(): CatalogueStatus {
    const state = this.lastError !== null ? 'degraded' : this.loadedOnce ? 'ok' : 'empty';
    return {
      state,
      revision: this.snapshot.revision,
      lastSuccessAt: this.lastSuccessAt,
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt,
      syncing: this.running !== null,
      unavailableElections: [...this.snapshot.entries.values()].filter((e) => !e.ok).length,
    };
  }

  /** Calls `listener` after each swap (awaited, one at a time, before the next sync). Returns an unsubscribe function. */
  onSwap(listener: SwapListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Asks for a sync. Starts one when idle; while one runs, joins the single queued
   * run. Resolves with the outcome of the run that covers this request; never rejects.
   */
  requestSync(request: SyncRequest | string): Promise<SyncOutcome> {
    const { reason, force = false } = typeof request === 'string' ? { reason: request } : request;
    if (this.running === null) return this.start([reason], force);
    if (this.queued !== null) {
      this.queued.reasons.push(reason);
      this.queued.force ||= force;
      return this.queued.promise;
    }
    const current = this.running;
    const startQueued = (): Promise<SyncOutcome> => {
      this.queued = null;
      return this.start(queued.reasons, queued.force);
    };
    const queued = { promise: current.then(startQueued, startQueued), reasons: [reason], force };
    this.queued = queued;
    return queued.promise;
  }

  private start(reasons: string[], force: boolean): Promise<SyncOutcome> {
    const run = this.runOnce(reasons, force).finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
    return run;
  }

  private async runOnce(reasons: string[], force: boolean): Promise<SyncOutcome> {
    const reason = [...new Set(reasons)].join(', ');
    const previous = this.snapshot;
    let revision: string | null;
    let next: MetaSnapshot;
    try {
      revision = await this.source.update();
      if (!force && this.loadedOnce && revision !== null && revision === previous.revision) {
        this.recordSuccess();
        this.log.info({ reason, revision }, 'meta repository unchanged');
        return { status: 'unchanged', revision };
      }
      next = await this.source.load(revision);
    } catch (error) {
      const message = this.describeError(error);
      this.lastError = message;
      this.lastErrorAt = this.clock();
      this.log.warn(
        { reason, error: message, revision: previous.revision },
        'meta repository sync failed; still serving the last good snapshot (degraded)',
      );
      return { status: 'failed', error: message };
    }
    this.snapshot = next;
    this.loadedOnce = true;
    this.recordSuccess();
    this.log.info({ reason, revision, previousRevision: previous.revision, elections: next.entries.size }, 'meta repository synced');
    for (const listener of this.listeners) {
      try {
        await listener(next, previous);
      } catch (error) {
        // A listener's failure (the database sync, say) does not undo the swap.
        this.log.error({ error: this.describeError(error), revision }, 'a meta snapshot listener failed');
      }
    }
    return { status: 'swapped', revision, previousRevision: previous.revision, snapshot: next };
  }

  private recordSuccess(): void {
    this.lastSuccessAt = this.clock();
    this.lastError = null;
    this.lastErrorAt = null;
  }
}

export function emptySnapshot(now: Date): MetaSnapshot {
  return { revision: null, loadedAt: now, entries: new Map(), problems: [] };
}

/** A catalogue that always serves the same snapshot (no meta repository configured, tests). */
export class FixedCatalogue {
  constructor(private snapshot: MetaSnapshot) {}
  current(): MetaSnapshot {
    return this.snapshot;
  }
  replace(snapshot: MetaSnapshot): void {
    this.snapshot = snapshot;
  }
  status(): Pick<CatalogueStatus, 'state' | 'revision' | 'lastSuccessAt' | 'lastError' | 'unavailableElections'> {
    const unavailableElections = [...this.snapshot.entries.values()].filter((e) => !e.ok).length;
    return { state: 'ok', revision: this.snapshot.revision, lastSuccessAt: this.snapshot.loadedAt, lastError: null, unavailableElections };
  }
}
