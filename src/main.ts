// Assembles the running service: database (migrated), app key, meta catalogue,
// HTTP server; and takes it down gracefully. `scrutin serve` and `scrutin demo`
// both come through here.
import { chmodSync, existsSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type { CommunityConfig, Config } from './config.js';
import { resolveAppKey, sessionKeyFrom } from './app/appKey.js';
import type { DerivationLimit } from './app/ballots/derivationThrottle.js';
import { createBallotService, type BallotServiceOptions } from './app/ballots/service.js';
import { watchCloses, type CloseWatcher } from './app/eraseLinks.js';
import { adoptIntoDefault, COMMUNITY_FIRST_SYNC_WAIT_MS, STARTUP_SYNCS } from './app/communityStartup.js';
import { CountPool } from './app/officer/countPool.js';
import { startMetaService, type MetaService } from './app/metaService.js';
import type { CatalogueReader } from './app/ports.js';
import { Readiness } from './app/readiness.js';
import type { DeriveKey } from './core/ballot/secrecy.js';
import type { MetricJson } from './cluster/messages.js';
import type { WorkerLink } from './cluster/worker.js';
import { defaultKdfConcurrency, KdfPool } from './crypto/kdf.js';
import type { AppContext, CommunityEntry, CommunityInfo } from './http/context.js';
import { emptySnapshot, FixedCatalogue } from './metarepo/catalogue.js';
import { buildServer } from './http/server.js';
import { httpTimeouts } from './http/timeouts.js';
import { loggerOptions } from './log.js';
import { startMetricsListener, type MetricsListener } from './observability/listener.js';
import { createMetrics } from './observability/metrics.js';
import { dbErrorCode, dbFault } from './storage/errors.js';
import { Store } from './storage/store.js';

/** How long the database has to answer a readiness check (probes give up after 3 s). */
const READY_DB_WITHIN_MS = 2_000;

export interface Service {
  app: FastifyInstance;
  ctx: AppContext;
  /** Where it listens: a URL or a socket path. */
  address: string;
  stop: () => Promise<void>;
}

export interface StartOptions {
  /** Listen (default) or only build (tests use inject). */
  listen?: boolean;
  clock?: () => Date;
  /** Replace the catalogue (tests). */
  catalogue?: CatalogueReader;
  logDestination?: pino.DestinationStream;
  /** Options of the ballot service (tests use cheap KDF parameters for new links). */
  ballots?: BallotServiceOptions;
  /** The derivation the KDF pool bounds (tests hold it to fill the pool); argon2 by default. */
  derive?: DeriveKey;
  /** Install the process-level guard (guardProcess): `serve` and `demo`, never tests in one process. */
  guardProcess?: boolean;
  /**
   * Set in a cluster worker (WORKERS > 1, src/cluster/): the primary has migrated the
   * database and runs the meta sync and the close watcher; this process serves HTTP with
   * the catalogue that follows the primary, and its share of the machine's limits.
   */
  cluster?: WorkerLink;
  /** With COMMUNITIES: how long start-up waits for one community's first sync (tests shorten it). */
  communityFirstSyncWaitMs?: number;
}

export async function startService(given: Config, options: StartOptions = {}): Promise<Service> {
  const workers = options.cluster?.workers ?? 1;
  // Limits kept in each process's memory are the machine's, shared out among the workers
  // (requests reach them in turn): the per-client request limit and the derivation pool.
  const config: Config =
    workers > 1
      ? { ...given, rateLimitPerMinute: given.rateLimitPerMinute === 0 ? 0 : Math.ceil(given.rateLimitPerMinute / workers) }
      : given;
  const log = pino(loggerOptions(config.logLevel), options.logDestination ?? pino.destination(1));
  for (const warning of config.warnings) log.warn(warning);
  if (options.guardProcess === true) guardProcess(log);
  const clock = options.clock ?? (() => new Date());

  const store = Store.open(config.db, {
    limits: config.dbLimits,
    onConnectionLost: (error) => {
      log.warn(
        { err: error, code: dbErrorCode(error) },
        'a database connection broke; it is discarded and a new one is opened when needed',
      );
    },
  });
  let meta: MetaService | null = null;
  let closes: CloseWatcher | null = null;
  // With COMMUNITIES: one meta service and one close watcher per community.
  const communityMetas: MetaService[] = [];
  const communityCloses: CloseWatcher[] = [];
  try {
    await store.ping();
    if (options.cluster === undefined) {
      const report = await store.migrate();
      if (report.applied.length > 0) log.info({ applied: report.applied }, 'database migrated');
    }
    const appKey = await resolveAppKey(config.appKey, store, clock());
    if (appKey.source === 'database') log.info('APP_KEY is blank: using the key kept in the database');

    const cluster = options.cluster;
    // In a cluster worker the process metrics carry its id; a scrape answers with the
    // instance's figures, gathered by the primary, which asks this worker for its own.
    const metrics = createMetrics({
      pool: () => store.pool.stats(),
      ...(cluster !== undefined ? { processLabels: { worker: cluster.id } } : {}),
    });
    if (cluster !== undefined) {
      cluster.useLog(log);
      // prom-client's JSON is what MetricJson describes (its typings give `type` as an enum; it is the name).
      cluster.metrics.report(async () => (await metrics.registry.getMetricsAsJSON()) as unknown as MetricJson[]);
      metrics.attachInstance(cluster.metrics.scrape);
    }
    const communities = config.communities;
    // The first meta sync runs here, before the server listens (a failure leaves it degraded).
    meta =
      options.catalogue === undefined && options.cluster === undefined && communities === null
        ? await startMetaService({ config, store, log, clock, metrics })
        : null;
    const following = communities === null ? (options.cluster?.catalogue ?? null) : null;
    if (following !== null) {
      // A worker reads the checkout the primary keeps, before it listens.
      const first = await following.requestSync('startup');
      if (first.status === 'failed')
        log.error({ error: first.error }, 'could not read the meta checkout the primary keeps; serving no elections until it can');
    }
    const catalogue = options.catalogue ?? meta?.catalogue ?? following ?? new FixedCatalogue(emptySnapshot(clock()));
    const kdfPool = new KdfPool({
      concurrency:
        workers > 1 ? Math.max(1, Math.floor((config.kdfConcurrency ?? defaultKdfConcurrency()) / workers)) : config.kdfConcurrency,
      maxWaitMs: config.kdfQueue.maxWaitMs,
      maxQueue: config.kdfQueue.maxLength,
      onRefuse: (reason) => {
        metrics.kdfRefused(reason);
      },
      ...(options.derive !== undefined ? { derive: options.derive } : {}),
    });
    // The officers' counts run in worker threads, one at a time (countPool.ts).
    const countPool = new CountPool();
    metrics.attachKdf(() => ({ queued: kdfPool.queued, running: kdfPool.running }));
    const readiness = new Readiness({
      store,
      // With COMMUNITIES, one community's broken repository must not take every
      // replica out of service: readiness is the database's; each community's sync
      // state is in the metrics and `scrutin communities list`.
      meta:
        communities === null && (options.catalogue !== undefined || meta !== null || following !== null)
          ? () => options.cluster?.status() ?? catalogue.status()
          : null,
      clock,
      databaseWithinMs: READY_DB_WITHIN_MS,
      metaMaxAgeMs: config.metaMaxAgeMs,
      writableFolders: () => writableFolders(config, meta?.mode ?? null),
      log,
    });
    metrics.attachReadiness(() => readiness.recent(5_000));
    metrics.attachDb(() => store.monitor.faultCounts());
    const ballots = createBallotService(
      {
        store,
        catalogue,
        clock,
        log,
        settings: { minPasscodeLength: config.minPasscodeLength },
        metrics,
        // In a cluster the primary counts each voter's derivations for the whole instance.
        ...(cluster !== undefined ? { derivationLimiter: (limit: DerivationLimit) => cluster.derivationLimiter(limit, null) } : {}),
      },
      kdfPool,
      options.ballots,
    );
    const ctx: AppContext = {
      config,
      store,
      catalogue,
      clock,
      log,
      meta,
      ballots,
      kdfPool,
      countPool,
      readiness,
      metrics,
      sessionKey: sessionKeyFrom(appKey.key),
      ...(meta !== null ? { requestSync: meta.requestSync } : {}),
      ...(following !== null && options.cluster !== undefined ? { requestSync: options.cluster.requestSync } : {}),
      community: null,
      communities: () => entries,
    };
    const entries: CommunityEntry[] = [];
    let front = ctx;
    if (communities === null) {
      metrics.attachSync(() => options.cluster?.status() ?? ctx.catalogue.status());
      // Ballot rows are rewritten when each election ends, not only at the next sync (in a
      // cluster, by the primary alone).
      if (options.cluster === undefined) {
        closes = watchCloses({ store, log, clock, current: () => ctx.catalogue.current() });
        const watcher = closes;
        meta?.catalogue.onSwap(() => {
          watcher.rearm();
        });
      }
    } else {
      // In a cluster the primary has handed the old elections over already.
      if (options.cluster === undefined) await adoptIntoDefault(store, communities, log, clock());
      const started = await startCommunities(communities, { ctx, options, metas: communityMetas, closes: communityCloses });
      entries.push(...started);
      front = entries.find((e) => e.info.isDefault)?.ctx ?? ctx;
    }
    const app = await buildServer(front);

    let address = 'inject';
    let metricsListener: MetricsListener | null = null;
    if (options.listen !== false) {
      if (config.connect === 'socket') {
        // In a cluster the primary removes a stale socket and sets its mode; the workers share it.
        if (options.cluster === undefined && existsSync(config.socketPath)) rmSync(config.socketPath);
        await app.listen({ path: config.socketPath });
        if (options.cluster === undefined) chmodSync(config.socketPath, 0o660);
        address = config.socketPath;
      } else {
        await app.listen({ host: config.host, port: config.port });
        address = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
      }
      // In a cluster the primary serves METRICS_PORT, with the instance's figures.
      if (config.metrics.port !== null && cluster === undefined) {
        metricsListener = await startMetricsListener({
          metrics,
          host: config.host,
          port: config.metrics.port,
          token: config.metrics.token,
          log,
          timeouts: httpTimeouts(config.timeouts),
        }).catch(async (error: unknown) => {
          await app.close();
          throw error;
        });
        log.info({ address: metricsListener.address }, 'metrics listener started');
      }
    }
    let stopped = false;
    return {
      app,
      ctx,
      address,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await metricsListener?.close();
        await app.close();
        await countPool.close();
        options.cluster?.close();
        await meta?.stop();
        await Promise.all(communityMetas.map((m) => m.stop()));
        await closes?.stop();
        await Promise.all(communityCloses.map((c) => c.stop()));
        await store.close();
      },
    };
  } catch (error) {
    await meta?.stop().catch(() => undefined);
    await Promise.all(communityMetas.map((m) => m.stop().catch(() => undefined)));
    await closes?.stop().catch(() => undefined);
    await Promise.all(communityCloses.map((c) => c.stop().catch(() => undefined)));
    await store.close().catch(() => undefined);
    throw error;
  }
}

function infoOf(c: CommunityConfig): CommunityInfo {
  return { key: c.key, name: c.name, hosts: c.hosts, isDefault: c.isDefault, logo: c.logo, colour: c.colour, contact: c.contact };
}

/**
 * One context per community: its own store view, meta service (clone, worker, sync,
 * follower, webhook secret), catalogue, ballot service and close watcher; the key
 * derivation pool, the count pool, the metrics and the session key are shared. A
 * community whose first sync fails, or whose service cannot even start, is served
 * without elections and never stops the others.
 */
async function startCommunities(
  communities: readonly CommunityConfig[],
  deps: { ctx: AppContext; options: StartOptions; metas: MetaService[]; closes: CloseWatcher[] },
): Promise<CommunityEntry[]> {
  const { ctx: base, options } = deps;
  const entries: CommunityEntry[] = new Array<CommunityEntry>(communities.length);
  let next = 0;
  const startOne = async (c: CommunityConfig): Promise<CommunityEntry> => {
    const store = base.store.forCommunity(c.key);
    const config: Config = { ...base.config, meta: c.meta };
    const log = base.log.child({ community: c.key });
    const metrics = base.metrics.forCommunity(c.key);
    let meta: MetaService | null = null;
    // In a cluster worker: the primary syncs this community; the worker reads its checkout.
    const followed = options.cluster?.communities.get(c.key) ?? null;
    if (options.catalogue === undefined && options.cluster === undefined) {
      try {
        meta = await startMetaService({
          config,
          store,
          log,
          clock: base.clock,
          metrics,
          firstSyncWaitMs: options.communityFirstSyncWaitMs ?? COMMUNITY_FIRST_SYNC_WAIT_MS,
        });
      } catch (error) {
        log.error({ err: error }, 'this community could not start its meta repository service: serving it without elections');
      }
    }
    if (meta !== null) deps.metas.push(meta);
    if (followed?.catalogue != null) {
      const first = await followed.catalogue.requestSync('startup');
      if (first.status === 'failed')
        log.error({ error: first.error }, "could not read this community's checkout the primary keeps; serving no elections until it can");
    }
    const catalogue = meta?.catalogue ?? options.catalogue ?? followed?.catalogue ?? new FixedCatalogue(emptySnapshot(base.clock()));
    metrics.attachSync(() => followed?.status() ?? catalogue.status());
    const cluster = options.cluster;
    const ballots = createBallotService(
      {
        store,
        catalogue,
        clock: base.clock,
        log,
        settings: { minPasscodeLength: config.minPasscodeLength },
        metrics: base.metrics,
        ...(cluster !== undefined ? { derivationLimiter: (limit: DerivationLimit) => cluster.derivationLimiter(limit, c.key) } : {}),
      },
      base.kdfPool,
      options.ballots,
    );
    const { requestSync: _shared, ...rest } = base;
    const ctx: AppContext = {
      ...rest,
      config,
      store,
      catalogue,
      log,
      meta,
      ballots,
      community: infoOf(c),
      ...(meta !== null ? { requestSync: meta.requestSync } : {}),
      ...(followed?.catalogue != null ? { requestSync: followed.requestSync } : {}),
    };
    // Ballot rows are rewritten when each election ends (in a cluster, by the primary alone).
    if (options.cluster === undefined) {
      const watcher = watchCloses({ store, log, clock: base.clock, current: () => catalogue.current() });
      deps.closes.push(watcher);
      meta?.catalogue.onSwap(() => {
        watcher.rearm();
      });
    }
    return { info: infoOf(c), ctx };
  };
  const worker = async () => {
    while (next < communities.length) {
      const index = next++;
      const c = communities[index];
      if (c !== undefined) entries[index] = await startOne(c);
    }
  };
  await Promise.all(Array.from({ length: Math.min(STARTUP_SYNCS, communities.length) }, worker));
  return entries;
}

/** Where Scrutin itself writes: the SQLite file's folder, and the meta clone it keeps. */
function writableFolders(config: Config, metaMode: MetaService['mode'] | null): string[] {
  const folders: string[] = [];
  if (config.db.kind === 'sqlite' && config.db.path !== ':memory:') folders.push(dirname(config.db.path));
  // With COMMUNITIES, META_PATH holds every community's clone.
  if ((metaMode === 'git' || config.communities !== null) && existsSync(config.meta.path)) folders.push(config.meta.path);
  return folders;
}

const DRIVER_STACK = /node_modules[\\/](pg|pg-pool|pg-protocol|mysql2|better-sqlite3|kysely)[\\/]/;

let guarded = false;

/**
 * The last line of defence, for `scrutin serve` and `scrutin demo`: an error a database
 * driver throws outside any request (an event nobody listened to, a socket callback) is
 * logged and the server keeps serving — its connection is gone and the pool opens a new
 * one. Any other uncaught exception still ends the process after it is logged, since the
 * state it leaves is unknown (the supervisor restarts it). A promise rejection nobody
 * handled is logged and does not end the process.
 */
export function guardProcess(log: Pick<pino.BaseLogger, 'error' | 'fatal'>): void {
  if (guarded) return;
  guarded = true;
  process.on('uncaughtException', (error, origin) => {
    if (dbFault(error) !== null || DRIVER_STACK.test(error.stack ?? '')) {
      log.error({ err: error, code: dbErrorCode(error), origin }, 'a database driver error reached the top level; Scrutin keeps serving');
      return;
    }
    log.fatal({ err: error, origin }, 'uncaught exception: stopping');
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    log.error({ err: reason, code: dbErrorCode(reason) }, 'a promise failed with nobody to handle it; Scrutin keeps serving');
  });
}

/** Stops the service on SIGTERM/SIGINT, letting requests in flight finish. */
export function stopOnSignals(service: Service, onStopped: () => void = () => undefined): void {
  const handler = (signal: NodeJS.Signals) => {
    service.ctx.log.info({ signal }, 'shutting down');
    service.stop().then(onStopped, (error: unknown) => {
      service.ctx.log.error({ err: error }, 'error while shutting down');
      process.exitCode = 1;
      onStopped();
    });
  };
  process.once('SIGTERM', handler);
  process.once('SIGINT', handler);
}
