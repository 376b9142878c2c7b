// Prometheus metrics (prom-client), one registry per running service rather than
// prom-client's global one, so several apps can live in one process (tests) without
// mixing their counts.
//
// Under the cluster (WORKERS > 1) every process keeps its own registry and a scrape
// merges them (src/cluster/instanceMetrics.ts): counters and histograms are summed;
// each gauge names its `aggregator` here (a worker's readiness is the minimum, the
// served revision and the snapshot's age the maximum, not N times the figure); the
// process_* and nodejs_* series carry a `worker` label instead of being merged.
//
// Privacy rule: nothing here may identify a voter or order ballots. Labels are route
// patterns (never raw URLs, which could hold a login or a query string), status
// codes, methods and election keys; the vote counter is a bare count per election.
import { createHash, timingSafeEqual } from 'node:crypto';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface KdfLoad {
  /** Key derivations waiting for a slot. */
  queued: number;
  /** Key derivations in progress. */
  running: number;
}

export interface SyncState {
  /** Commit of the meta repository being served, when known. */
  revision: string | null;
  /** ok | degraded | empty (see CatalogueStatus). */
  state: string;
  /** Last successful sync, for the snapshot's age. */
  lastSuccessAt?: Date | null;
}

/** What /health/ready decided, read at scrape time (details stay here and in the logs). */
export interface ReadinessState {
  ready: boolean;
  checks: Record<string, { ok: boolean }>;
}

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

export interface MetricsOptions {
  /** Database pool figures, read at each scrape. */
  pool?: () => PoolStats;
  /** Process metrics (memory, event loop lag, GC); off in tests that count series. */
  processMetrics?: boolean;
  /** Labels on the process metrics: `{ worker: '1' }` in a cluster, `primary` for the primary. */
  processLabels?: Record<string, string>;
  /**
   * False for a cluster's primary, which serves no requests: the request, vote, key
   * derivation and readiness metrics are left out of its registry, so that its zeros do
   * not enter the instance's figures (its readiness, a minimum, would read 0).
   */
  serving?: boolean;
}

/** One scrape's answer: the exposition text, or why the figures could not all be gathered. */
export type Scrape = { ok: true; text: string } | { ok: false; reason: string };

/** What a /metrics endpoint serves: this process's figures, or a cluster instance's. */
export interface MetricsSource {
  readonly contentType: string;
  scrape: () => Promise<Scrape>;
}

/** The label given to requests that matched no route: never the raw URL. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Latency buckets (seconds): pages take milliseconds, a vote's key derivation seconds. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class Metrics implements MetricsSource {
  readonly registry = new Registry();
  /** In a cluster worker: the instance's figures, through the primary. */
  private instance: (() => Promise<Scrape>) | null = null;
  private kdf: (() => KdfLoad) | null = null;
  private sync: (() => SyncState) | null = null;
  private readiness: (() => Promise<ReadinessState>) | null = null;
  private dbFaults: (() => ReadonlyMap<string, number>) | null = null;
  private elections: { ok: number; broken: number } | null = null;
  /** Each community's served revision and sync state (COMMUNITIES), read at scrape time. */
  private readonly communitySync = new Map<string, () => SyncState>();
  private readonly communityElections = new Map<string, { ok: number; broken: number }>();
  private readonly communitySyncRuns: Counter<'community' | 'outcome'>;

  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly httpDuration: Histogram<'method' | 'route'>;
  private readonly votes: Counter<'election'>;
  private readonly syncRuns: Counter;
  private readonly syncFailures: Counter;
  private readonly kdfRefusals: Counter<'reason'>;

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    // Unregistered in a cluster's primary (still counted into, never shown).
    const serving = options.serving === false ? [] : registers;
    if (options.processMetrics !== false)
      collectDefaultMetrics({ register: this.registry, ...(options.processLabels !== undefined ? { labels: options.processLabels } : {}) });

    this.httpRequests = new Counter({
      name: 'scrutin_http_requests_total',
      help: 'HTTP requests answered, by route pattern and status code',
      labelNames: ['method', 'route', 'status'],
      registers: serving,
    });
    this.httpDuration = new Histogram({
      name: 'scrutin_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by route pattern',
      labelNames: ['method', 'route'],
      buckets: LATENCY_BUCKETS,
      registers: serving,
    });
    this.votes = new Counter({
      name: 'scrutin_votes_cast_total',
      help: 'Ballots cast (or re-cast) since this process started, by election; a count only',
      labelNames: ['election'],
      registers: serving,
    });
    this.syncRuns = new Counter({
      name: 'scrutin_meta_sync_runs_total',
      help: 'Meta repository syncs attempted by this process',
      registers,
    });
    this.syncFailures = new Counter({
      name: 'scrutin_meta_sync_failures_total',
      help: 'Meta repository syncs that failed in this process',
      registers,
    });

    // Read at scrape time from whoever owns the figure, so nothing has to push.
    const kdfValue = (pick: (load: KdfLoad) => number) => (this.kdf === null ? 0 : pick(this.kdf()));
    const kdfQueued = new Gauge({
      name: 'scrutin_kdf_queued',
      help: 'Passphrase key derivations waiting for a slot',
      registers: serving,
      collect: () => {
        kdfQueued.set(kdfValue((l) => l.queued));
      },
    });
    const kdfRunning = new Gauge({
      name: 'scrutin_kdf_running',
      help: 'Passphrase key derivations in progress',
      registers: serving,
      collect: () => {
        kdfRunning.set(kdfValue((l) => l.running));
      },
    });

    this.kdfRefusals = new Counter({
      name: 'scrutin_kdf_refused_total',
      help: 'Passphrase requests refused before any derivation: queue-full, waited-too-long, abandoned (the client left)',
      labelNames: ['reason'],
      registers: serving,
    });

    const ready = new Gauge({
      name: 'scrutin_ready',
      help: 'Whether this process should receive voters (1) or not (0), as /health/ready answers',
      registers: serving,
      aggregator: 'min',
      collect: async () => {
        if (this.readiness !== null) ready.set((await this.readiness()).ready ? 1 : 0);
      },
    });
    const readyChecks = new Gauge({
      name: 'scrutin_ready_check',
      help: 'Each readiness check: 1 passing, 0 failing (the logs say why)',
      labelNames: ['check'],
      registers: serving,
      aggregator: 'min',
      collect: async () => {
        if (this.readiness === null) return;
        for (const [check, result] of Object.entries((await this.readiness()).checks)) readyChecks.set({ check }, result.ok ? 1 : 0);
      },
    });
    const faults = new Counter({
      name: 'scrutin_db_faults_total',
      help: 'Database faults seen by this process, by kind: unreachable, timeout, busy, disk-full, read-only',
      labelNames: ['fault'],
      registers,
      collect: () => {
        if (this.dbFaults === null) return;
        faults.reset();
        for (const [fault, n] of this.dbFaults()) faults.inc({ fault }, n);
      },
    });
    const age = new Gauge({
      name: 'scrutin_meta_snapshot_age_seconds',
      help: 'Seconds since the meta repository was last synced successfully by this process',
      registers,
      aggregator: 'max',
      collect: () => {
        const at = this.sync?.().lastSuccessAt ?? null;
        if (at === null) age.reset();
        else age.set(Math.max(0, (Date.now() - at.getTime()) / 1000));
      },
    });
    const elections = new Gauge({
      name: 'scrutin_meta_elections',
      help: 'Elections in the served meta snapshot: ok, or broken (their files have errors; voters see them as unavailable)',
      labelNames: ['state'],
      registers,
      aggregator: 'max',
      collect: () => {
        if (this.elections === null) return;
        elections.set({ state: 'ok' }, this.elections.ok);
        elections.set({ state: 'broken' }, this.elections.broken);
      },
    });

    const revision = new Gauge({
      name: 'scrutin_meta_revision_info',
      help: 'The meta repository revision this process serves (value is always 1)',
      labelNames: ['revision', 'state'],
      registers,
      aggregator: 'max',
      collect: () => {
        revision.reset();
        if (this.sync === null) return;
        const s = this.sync();
        revision.set({ revision: s.revision ?? 'none', state: s.state }, 1);
      },
    });

    // With COMMUNITIES, each community's sync has its own series (community=<key>), so
    // one community's failing repository shows as its own, not as the service's.
    this.communitySyncRuns = new Counter({
      name: 'scrutin_community_meta_sync_runs_total',
      help: 'Meta repository syncs attempted by this process, per community and outcome (ok, failed)',
      labelNames: ['community', 'outcome'],
      registers,
    });
    const communityElections = new Gauge({
      name: 'scrutin_community_meta_elections',
      help: "Elections in each community's served meta snapshot: ok, or broken",
      labelNames: ['community', 'state'],
      registers,
      aggregator: 'max',
      collect: () => {
        for (const [community, e] of this.communityElections) {
          communityElections.set({ community, state: 'ok' }, e.ok);
          communityElections.set({ community, state: 'broken' }, e.broken);
        }
      },
    });
    const communityAge = new Gauge({
      name: 'scrutin_community_meta_snapshot_age_seconds',
      help: "Seconds since each community's meta repository was last synced successfully by this process",
      labelNames: ['community'],
      registers,
      aggregator: 'max',
      collect: () => {
        communityAge.reset();
        for (const [community, read] of this.communitySync) {
          const at = read().lastSuccessAt ?? null;
          if (at !== null) communityAge.set({ community }, Math.max(0, (Date.now() - at.getTime()) / 1000));
        }
      },
    });
    const communityRevision = new Gauge({
      name: 'scrutin_community_meta_revision_info',
      help: 'The meta repository revision this process serves for each community (value is always 1)',
      labelNames: ['community', 'revision', 'state'],
      registers,
      aggregator: 'max',
      collect: () => {
        communityRevision.reset();
        for (const [community, read] of this.communitySync) {
          const s = read();
          communityRevision.set({ community, revision: s.revision ?? 'none', state: s.state }, 1);
        }
      },
    });

    const pool = options.pool;
    if (pool !== undefined) {
      const connections = new Gauge({
        name: 'scrutin_db_pool_connections',
        help: 'Database connections held by this process, by state',
        labelNames: ['state'],
        registers,
        collect: () => {
          const s = pool();
          connections.set({ state: 'in_use' }, Math.max(0, s.total - s.idle));
          connections.set({ state: 'idle' }, s.idle);
        },
      });
      const waiting = new Gauge({
        name: 'scrutin_db_pool_waiting',
        help: 'Queries waiting for a free database connection',
        registers,
        collect: () => {
          waiting.set(pool().waiting);
        },
      });
    }
  }

  /** Records one answered request; `route` must be the route pattern, not the URL. */
  observeRequest(method: string, route: string | undefined, status: number, seconds: number): void {
    // Every community has the same routes under /c/<key>: one series per route, not per community.
    const r = route === undefined ? UNMATCHED_ROUTE : route.replace(/^\/c\/[^/]+(?=\/|$)/, '/c/:community');
    this.httpRequests.inc({ method, route: r, status: String(status) });
    this.httpDuration.observe({ method, route: r }, seconds);
  }

  /** Called by the ballot use-case once a ballot is stored. */
  voteCast(electionKey: string): void {
    this.votes.inc({ election: electionKey });
  }

  /** Called by the meta repository sync when a run ends. */
  syncFinished(outcome: 'ok' | 'failed'): void {
    this.syncRuns.inc();
    if (outcome === 'failed') this.syncFailures.inc();
  }

  /** What one community's meta service reports, labelled with its key. */
  forCommunity(community: string): {
    syncFinished: (outcome: 'ok' | 'failed') => void;
    electionsServed: (ok: number, broken: number) => void;
    attachSync: (read: () => SyncState) => void;
  } {
    return {
      syncFinished: (outcome) => {
        this.syncFinished(outcome);
        this.communitySyncRuns.inc({ community, outcome });
      },
      electionsServed: (ok, broken) => {
        this.communityElections.set(community, { ok, broken });
      },
      attachSync: (read) => {
        this.communitySync.set(community, read);
      },
    };
  }

  /** A passphrase request was refused before its derivation (the queue's bound, or the client left). */
  kdfRefused(reason: string): void {
    this.kdfRefusals.inc({ reason });
  }

  /** The meta service tells how many elections the snapshot it serves holds, and how many are broken. */
  electionsServed(ok: number, broken: number): void {
    this.elections = { ok, broken };
  }

  /** The readiness checks, read at scrape time. */
  attachReadiness(read: () => Promise<ReadinessState>): void {
    this.readiness = read;
  }

  /** The database fault counts, read at scrape time. */
  attachDb(read: () => ReadonlyMap<string, number>): void {
    this.dbFaults = read;
  }

  /** The KDF pool hands over a reader of its queue; read at each scrape. */
  attachKdf(read: () => KdfLoad): void {
    this.kdf = read;
  }

  /** The catalogue (or sync) hands over a reader of the revision it serves. */
  attachSync(read: () => SyncState): void {
    this.sync = read;
  }

  /** In a cluster worker: scrapes answer with the instance's figures, gathered by the primary. */
  attachInstance(scrape: () => Promise<Scrape>): void {
    this.instance = scrape;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** This process's figures. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** What a scrape answers: this process's figures, or in a cluster worker the instance's. */
  async scrape(): Promise<Scrape> {
    if (this.instance !== null) return this.instance();
    return { ok: true, text: await this.render() };
  }
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  return new Metrics(options);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Whether a scrape may read the metrics: only with the bearer token (metrics are never
 * served without one; src/config.ts refuses METRICS_PORT alone, and without a token
 * or port nothing serves them). Digests are compared so the time taken reveals
 * neither the token nor its length.
 */
export function scrapeAllowed(authorization: string | undefined, token: string | null): boolean {
  if (token === null || token === '') return false;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  const given = match?.[1] ?? '';
  return timingSafeEqual(digest(given), digest(token)) && given !== '';
}
