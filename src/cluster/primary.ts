// `scrutin serve` with WORKERS > 1: the primary process of a Node cluster. It serves no
// pages itself (only METRICS_PORT, when set). Once for the whole instance it migrates the database, settles the
// application key, syncs the meta repository (git, the election table, the recorded
// revision other replicas follow) and watches elections close; then it starts one
// worker per WORKERS, which share the listening socket and serve requests (Node hands
// connections to them in turn). After each swap it tells the workers to read the
// checkout again; a webhook that reached a worker is passed on to it. A worker that
// crashes (a non-zero exit or a signal) is started again, after a pause that grows while
// they keep crashing at once.
// SIGTERM/SIGINT stop the workers (letting their requests finish), then the primary.
// With COMMUNITIES the primary does all of this for each community (its clone, gate,
// close watcher and sync state), and every message about a checkout names the community.
// It also keeps what must be counted once for the instance: each voter's derivations
// (derivations.ts), and it answers scrapes with every process's metrics merged
// (instanceMetrics.ts): on METRICS_PORT, which it serves itself, and for a worker
// whose main listener was scraped.
import cluster, { type Worker } from 'node:cluster';
import { chmodSync, existsSync, rmSync } from 'node:fs';
import pino from 'pino';
import type { CommunityConfig, Config } from '../config.js';
import { resolveAppKey } from '../app/appKey.js';
import { watchCloses, type CloseWatcher } from '../app/eraseLinks.js';
import { startMetaService, type MetaService } from '../app/metaService.js';
import { adoptIntoDefault, COMMUNITY_FIRST_SYNC_WAIT_MS, STARTUP_SYNCS } from '../app/communityStartup.js';
import { emptySnapshot } from '../metarepo/catalogue.js';
import { loggerOptions } from '../log.js';
import { Store } from '../storage/store.js';
import { httpTimeouts } from '../http/timeouts.js';
import { startMetricsListener, type MetricsListener } from '../observability/listener.js';
import { createMetrics } from '../observability/metrics.js';
import { InstanceDerivations } from './derivations.js';
import { CheckoutGate, type Release } from './gate.js';
import { MetricsGatherer } from './instanceMetrics.js';
import { toPrimary, type MetricJson, type ToWorker } from './messages.js';

export interface PrimaryOptions {
  logDestination?: pino.DestinationStream;
  /** Told once every worker listens, with their count. */
  onListening?: (workers: number) => void;
  /** With COMMUNITIES: how long start-up waits for one community's first sync (tests shorten it). */
  communityFirstSyncWaitMs?: number;
}

/** One checkout the primary keeps: the single meta repository (community null) or a community's. */
interface Kept {
  community: string | null;
  meta: MetaService | null;
  gate: CheckoutGate;
  closes: CloseWatcher | null;
  /** The sync state last told to the workers (JSON), to tell only changes. */
  told: string;
}

export interface Primary {
  /**
   * Resolves with the exit code when the primary has stopped: 0 after SIGTERM/SIGINT or
   * stop(), 1 when a worker failed to start before any listened (a port in use, say).
   */
  stopped: Promise<number>;
  stop: () => Promise<number>;
}

/** How long stopping waits for a worker to finish its requests before killing it. */
const WORKER_STOP_MS = 30_000;
/** A worker that dies within this long of starting counts as a crash loop: the next start waits longer. */
const QUICK_DEATH_MS = 10_000;
const MAX_RESTART_DELAY_MS = 30_000;
/** How often the primary looks whether its sync state changed. */
const SYNC_STATE_EVERY_MS = 1_000;

export async function startPrimary(config: Config, options: PrimaryOptions = {}): Promise<Primary> {
  const log = pino(loggerOptions(config.logLevel), options.logDestination ?? pino.destination(1)).child({ role: 'primary' });
  for (const warning of config.warnings) log.warn(warning);
  const clock = () => new Date();
  const store = Store.open(config.db, { limits: config.dbLimits });
  const kept = new Map<string | null, Kept>();
  // The primary's own figures (its syncs, its database pool and faults, its process),
  // merged into every scrape with the workers'.
  const metrics = createMetrics({ serving: false, processLabels: { worker: 'primary' }, pool: () => store.pool.stats() });
  metrics.attachDb(() => store.monitor.faultCounts());
  /** Workers that listen: those a scrape asks for their figures. */
  const listeners = new Set<number>();
  const gatherer = new MetricsGatherer({
    own: async () => (await metrics.registry.getMetricsAsJSON()) as unknown as MetricJson[],
    peers: () =>
      [...listeners].flatMap((id) => {
        const worker = cluster.workers?.[id];
        if (worker?.isConnected() !== true) return [];
        return [{ id, ask: (requestId: number) => worker.send({ scrutin: 'metrics-ask', id: requestId } satisfies ToWorker) }];
      }),
  });
  const derivations = new InstanceDerivations();
  let metricsListener: MetricsListener | null = null;
  try {
    await store.ping();
    const report = await store.migrate();
    if (report.applied.length > 0) log.info({ applied: report.applied }, 'database migrated');
    // A blank APP_KEY is made once and kept in the database, where every worker reads it.
    await resolveAppKey(config.appKey, store, clock());
    if (config.communities === null) {
      const gate = new CheckoutGate();
      const meta = await startMetaService({ config, store, log, clock, metrics, exclusive: (update) => gate.write(update) });
      kept.set(null, { community: null, meta, gate, closes: null, told: '' });
    } else {
      await adoptIntoDefault(store, config.communities, log, clock());
      await keepCommunities(config, config.communities, { store, log, clock, kept, options, metrics });
    }
    if (config.metrics.port !== null) {
      // One listener for the instance, with every process's figures (the workers start none).
      metricsListener = await startMetricsListener({
        metrics: gatherer,
        host: config.host,
        port: config.metrics.port,
        token: config.metrics.token,
        log,
        timeouts: httpTimeouts(config.timeouts),
      });
      log.info({ address: metricsListener.address }, 'metrics listener started');
    }
  } catch (error) {
    await Promise.all([...kept.values()].map((k) => k.meta?.stop().catch(() => undefined) ?? Promise.resolve()));
    await store.close().catch(() => undefined);
    throw error;
  }
  for (const k of kept.values()) {
    const current = k.meta?.catalogue ?? null;
    const keptLog = k.community === null ? log : log.child({ community: k.community });
    const keptStore = k.community === null ? store : store.forCommunity(k.community);
    k.closes = watchCloses({ store: keptStore, log: keptLog, clock, current: () => current?.current() ?? emptySnapshot(clock()) });
  }

  const broadcast = (message: ToWorker): void => {
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker?.isConnected() === true) worker.send(message);
    }
  };
  // The sync state, told to the workers when it changes (their readiness and metrics say
  // "degraded" while the primary cannot fetch), and to each new worker.
  const syncState = (k: Kept): ToWorker | null => {
    if (k.meta === null) return null;
    const s = k.meta.catalogue.status();
    return {
      scrutin: 'sync-state',
      community: k.community,
      state: s.state,
      lastError: s.lastError,
      lastSuccessAt: s.lastSuccessAt?.getTime() ?? null,
      lastErrorAt: s.lastErrorAt?.getTime() ?? null,
    };
  };
  const tellSyncState = (): void => {
    for (const k of kept.values()) {
      const state = syncState(k);
      if (state === null) continue;
      const text = JSON.stringify(state);
      if (text === k.told) continue;
      k.told = text;
      broadcast(state);
    }
  };
  const stateTimer = setInterval(tellSyncState, SYNC_STATE_EVERY_MS);
  stateTimer.unref();
  for (const k of kept.values()) {
    k.meta?.catalogue.onSwap((snapshot) => {
      k.closes?.rearm();
      broadcast({ scrutin: 'meta', revision: snapshot.revision, community: k.community });
    });
  }

  if (config.connect === 'socket' && existsSync(config.socketPath)) rmSync(config.socketPath);

  let stopping = false;
  let quickDeaths = 0;
  const startedAt = new Map<number, number>();
  /** Read leases each worker holds, released if it dies holding them. */
  const leases = new Map<number, Map<number, Release>>();
  let listening = 0;
  let everListened = false;

  const fork = (): void => {
    const worker = cluster.fork();
    startedAt.set(worker.id, Date.now());
    leases.set(worker.id, new Map());
    worker.on('message', (raw: unknown) => {
      onMessage(worker, raw);
    });
    worker.once('listening', () => {
      listeners.add(worker.id);
      // The socket the workers share is made by the primary; group access as in one process.
      if (!everListened && config.connect === 'socket') chmodSync(config.socketPath, 0o660);
      everListened = true;
      listening++;
      if (listening === config.workers) options.onListening?.(config.workers);
    });
  };

  const onMessage = (worker: Worker, raw: unknown): void => {
    const message = toPrimary(raw);
    if (message === null) return;
    const held = leases.get(worker.id);
    const reply = (answer: ToWorker): void => {
      if (worker.isConnected()) worker.send(answer);
    };
    if (message.scrutin === 'derive-take') {
      const { scrutin: _take, id, ...place } = message;
      reply(derivations.take(id, place));
    } else if (message.scrutin === 'derive-give') {
      const { scrutin: _give, ...place } = message;
      derivations.giveBack(place);
    } else if (message.scrutin === 'metrics-told') {
      gatherer.told(worker.id, message.id, message.metrics);
    } else if (message.scrutin === 'metrics-want') {
      void gatherer.scrape().then(
        (scrape) => {
          reply(
            scrape.ok
              ? { scrutin: 'metrics-text', id: message.id, text: scrape.text }
              : { scrutin: 'metrics-text', id: message.id, text: null, reason: scrape.reason },
          );
        },
        (error: unknown) => {
          log.error({ err: error }, 'metrics: could not gather the instance');
          reply({ scrutin: 'metrics-text', id: message.id, text: null, reason: 'the metrics could not be merged' });
        },
      );
    } else if (message.scrutin === 'hello') {
      for (const k of kept.values()) {
        const state = syncState(k);
        if (state !== null) worker.send(state);
      }
    } else if (message.scrutin === 'lease') {
      const k = kept.get(message.community);
      if (k === undefined) {
        // A checkout this primary does not keep (a worker's configuration differs): read it unguarded.
        worker.send({ scrutin: 'leased', id: message.id } satisfies ToWorker);
        return;
      }
      void k.gate.read().then((release) => {
        if (held === undefined || !worker.isConnected()) {
          release();
          return;
        }
        held.set(message.id, release);
        worker.send({ scrutin: 'leased', id: message.id } satisfies ToWorker);
      });
    } else if (message.scrutin === 'release') {
      held?.get(message.id)?.();
      held?.delete(message.id);
    } else {
      kept.get(message.community)?.meta?.requestSync(`${message.reason} (through worker ${worker.id})`);
    }
  };

  cluster.on('exit', (worker, code, signal) => {
    listeners.delete(worker.id);
    gatherer.gone(worker.id);
    for (const release of leases.get(worker.id)?.values() ?? []) release();
    leases.delete(worker.id);
    const lived = Date.now() - (startedAt.get(worker.id) ?? 0);
    startedAt.delete(worker.id);
    if (stopping) return;
    if (!everListened && code !== 0) {
      // Not one worker got as far as listening: a setting or the address is wrong, and
      // starting workers again would only repeat it (the worker logged why).
      log.error({ worker: worker.id, code, signal }, 'a worker failed to start; stopping');
      void stop(1);
      return;
    }
    if (code === 0) {
      // A worker stops cleanly only when told to (SIGTERM from a supervisor that signals
      // every process of the service, as systemd does): the primary is told next.
      log.warn({ worker: worker.id, pid: worker.process.pid }, 'a worker stopped cleanly; not starting another');
      return;
    }
    quickDeaths = lived < QUICK_DEATH_MS ? quickDeaths + 1 : 0;
    const delay = quickDeaths === 0 ? 0 : Math.min(MAX_RESTART_DELAY_MS, 500 * 2 ** Math.min(quickDeaths, 10));
    log.error({ worker: worker.id, pid: worker.process.pid, code, signal, restartInMs: delay }, 'a worker stopped; starting another');
    setTimeout(() => {
      if (!stopping) fork();
    }, delay).unref();
  });

  for (let i = 0; i < config.workers; i++) fork();
  log.info({ workers: config.workers }, 'workers started');

  let resolveStopped: (code: number) => void = () => undefined;
  const stopped = new Promise<number>((resolve) => {
    resolveStopped = resolve;
  });
  const stop = async (code = 0): Promise<number> => {
    if (stopping) return stopped;
    stopping = true;
    clearInterval(stateTimer);
    await metricsListener?.close();
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) {
              resolve();
              return;
            }
            const timer = setTimeout(() => {
              worker.process.kill('SIGKILL');
            }, WORKER_STOP_MS);
            worker.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            worker.process.kill('SIGTERM');
          }),
      ),
    );
    await Promise.all([...kept.values()].map((k) => k.meta?.stop() ?? Promise.resolve()));
    await Promise.all([...kept.values()].map((k) => k.closes?.stop() ?? Promise.resolve()));
    await store.close();
    log.info('stopped');
    resolveStopped(code);
    return stopped;
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    log.info({ signal }, 'shutting down the workers');
    void stop();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return { stopped, stop: () => stop(0) };
}

/**
 * Starts each community's meta service (clone under META_PATH/<key>, sync, follower,
 * the election table of that community), a few at a time, each behind its own gate. A
 * community whose service cannot start is kept without one: its workers serve it
 * without elections and the others are not held back.
 */
async function keepCommunities(
  config: Config,
  communities: readonly CommunityConfig[],
  deps: {
    store: Store;
    log: pino.Logger;
    clock: () => Date;
    kept: Map<string | null, Kept>;
    options: PrimaryOptions;
    metrics: ReturnType<typeof createMetrics>;
  },
): Promise<void> {
  let next = 0;
  const startOne = async (c: CommunityConfig): Promise<void> => {
    const gate = new CheckoutGate();
    const log = deps.log.child({ community: c.key });
    let meta: MetaService | null = null;
    try {
      meta = await startMetaService({
        config: { ...config, meta: c.meta },
        store: deps.store.forCommunity(c.key),
        log,
        clock: deps.clock,
        metrics: deps.metrics.forCommunity(c.key),
        exclusive: (update) => gate.write(update),
        firstSyncWaitMs: deps.options.communityFirstSyncWaitMs ?? COMMUNITY_FIRST_SYNC_WAIT_MS,
      });
    } catch (error) {
      log.error({ err: error }, 'this community could not start its meta repository service: serving it without elections');
    }
    deps.kept.set(c.key, { community: c.key, meta, gate, closes: null, told: '' });
  };
  const worker = async () => {
    while (next < communities.length) {
      const c = communities[next++];
      if (c !== undefined) await startOne(c);
    }
  };
  await Promise.all(Array.from({ length: Math.min(STARTUP_SYNCS, communities.length) }, worker));
}
