// `scrutin serve` with WORKERS > 1: the primary process of a Node cluster. It serves no
// HTTP itself. Once for the whole instance it migrates the database, settles the
// application key, syncs the meta repository (git, the election table, the recorded
// revision other replicas follow) and watches elections close; then it starts one
// worker per WORKERS, which share the listening socket and serve requests (Node hands
// connections to them in turn). After each swap it tells the workers to read the
// checkout again; a webhook that reached a worker is passed on to it. A worker that
// crashes (a non-zero exit or a signal) is started again, after a pause that grows while
// they keep crashing at once.
// SIGTERM/SIGINT stop the workers (letting their requests finish), then the primary.
import cluster, { type Worker } from 'node:cluster';
import { chmodSync, existsSync, rmSync } from 'node:fs';
import pino from 'pino';
import type { Config } from '../config.js';
import { resolveAppKey } from '../app/appKey.js';
import { watchCloses } from '../app/eraseLinks.js';
import { startMetaService, type MetaService } from '../app/metaService.js';
import { emptySnapshot } from '../metarepo/catalogue.js';
import { loggerOptions } from '../log.js';
import { Store } from '../storage/store.js';
import { CheckoutGate, type Release } from './gate.js';
import { toPrimary, type ToWorker } from './messages.js';

export interface PrimaryOptions {
  logDestination?: pino.DestinationStream;
  /** Told once every worker listens, with their count. */
  onListening?: (workers: number) => void;
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
  const gate = new CheckoutGate();
  let meta: MetaService | null = null;
  try {
    await store.ping();
    const report = await store.migrate();
    if (report.applied.length > 0) log.info({ applied: report.applied }, 'database migrated');
    // A blank APP_KEY is made once and kept in the database, where every worker reads it.
    await resolveAppKey(config.appKey, store, clock());
    meta = await startMetaService({ config, store, log, clock, exclusive: (update) => gate.write(update) });
  } catch (error) {
    await meta?.stop().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw error;
  }
  const current = meta?.catalogue ?? null;
  const closes = watchCloses({ store, log, clock, current: () => current?.current() ?? emptySnapshot(clock()) });

  const broadcast = (message: ToWorker): void => {
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker?.isConnected() === true) worker.send(message);
    }
  };
  // The sync state, told to the workers when it changes (their readiness and metrics say
  // "degraded" while the primary cannot fetch), and to each new worker.
  let told = '';
  const syncState = (): ToWorker | null => {
    if (meta === null) return null;
    const s = meta.catalogue.status();
    return {
      scrutin: 'sync-state',
      state: s.state,
      lastError: s.lastError,
      lastSuccessAt: s.lastSuccessAt?.getTime() ?? null,
      lastErrorAt: s.lastErrorAt?.getTime() ?? null,
    };
  };
  const tellSyncState = (): void => {
    const state = syncState();
    if (state === null) return;
    const text = JSON.stringify(state);
    if (text === told) return;
    told = text;
    broadcast(state);
  };
  const stateTimer = setInterval(tellSyncState, SYNC_STATE_EVERY_MS);
  stateTimer.unref();
  meta?.catalogue.onSwap((snapshot) => {
    closes.rearm();
    broadcast({ scrutin: 'meta', revision: snapshot.revision });
  });

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
    if (message.scrutin === 'hello') {
      const state = syncState();
      if (state !== null) worker.send(state);
    } else if (message.scrutin === 'lease') {
      void gate.read().then((release) => {
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
      meta?.requestSync(`${message.reason} (through worker ${worker.id})`);
    }
  };

  cluster.on('exit', (worker, code, signal) => {
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
    await meta?.stop();
    await closes.stop();
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
