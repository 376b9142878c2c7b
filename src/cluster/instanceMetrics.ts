// /metrics for a whole cluster instance. Each process keeps its own prom-client registry;
// a scrape gathers every listening worker's figures (as getMetricsAsJSON gives them)
// and the primary's own, and merges them with prom-client's AggregatorRegistry.aggregate:
// counters and histograms summed, each gauge by the aggregator its definition names
// (src/observability/metrics.ts), process_* and nodejs_* kept apart by their `worker`
// label. prom-client's own clusterMetrics() is not used: it can be called only in the
// primary (a scrape of the main listener reaches a worker), waits a fixed 5 s and then
// rejects, and cannot add the primary's registry (docs/decisions.md).
//
// A worker that does not answer within WORKER_ANSWER_MS makes the scrape fail (503 with
// the number missing) rather than answer with part of the sums: a counter total that
// drops and comes back reads to Prometheus as two resets, a false burst in every rate().
import { AggregatorRegistry, Registry } from 'prom-client';
import type { Scrape } from '../observability/metrics.js';
import type { MetricJson, ToPrimary, ToWorker } from './messages.js';

/** How long the primary waits for each worker's figures. */
export const WORKER_ANSWER_MS = 2_000;
/** How long a worker waits for the primary's whole answer (the primary's wait, and some). */
export const PRIMARY_METRICS_MS = WORKER_ANSWER_MS + 1_000;

export const CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** A worker the primary can ask. */
export interface MetricsPeer {
  id: number;
  ask: (requestId: number) => void;
}

interface Gathering {
  answers: MetricJson[][];
  pending: Set<number>;
  finish: () => void;
}

/**
 * Per-process series (those carrying a `worker` label) are never merged across
 * processes, so the aggregator prom-client gave them for merging (process start time:
 * omitted) no longer applies: each is kept as it is.
 */
function keepPerProcess(metric: MetricJson): MetricJson {
  if (metric.values.length > 0 && metric.values.every((v) => 'worker' in v.labels)) return { ...metric, aggregator: 'first' };
  return metric;
}

/** Merges the figures of several processes into one exposition text. */
export async function aggregate(processes: MetricJson[][]): Promise<string> {
  return AggregatorRegistry.aggregate(processes.map((metrics) => metrics.map(keepPerProcess))).metrics();
}

/** In the primary: gathers the instance's figures for one scrape at a time or several. */
export class MetricsGatherer {
  readonly #gatherings = new Map<number, Gathering>();
  #nextId = 1;

  constructor(
    private readonly options: {
      /** The primary's own figures. */
      own: () => Promise<MetricJson[]>;
      /** The workers to ask (those listening). */
      peers: () => MetricsPeer[];
      waitMs?: number;
    },
  ) {}

  readonly contentType = CONTENT_TYPE;

  async scrape(): Promise<Scrape> {
    const id = this.#nextId++;
    const answers: MetricJson[][] = [];
    const pending = new Set<number>();
    const all = new Promise<void>((resolve) => {
      this.#gatherings.set(id, { answers, pending, finish: resolve });
    });
    for (const peer of this.options.peers()) {
      pending.add(peer.id);
      try {
        peer.ask(id);
      } catch {
        pending.delete(peer.id);
      }
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.options.waitMs ?? WORKER_ANSWER_MS);
    });
    try {
      const own = await this.options.own();
      if (pending.size > 0) await Promise.race([all, timeout]);
      if (pending.size > 0) return { ok: false, reason: `${String(pending.size)} worker(s) did not answer in time` };
      return { ok: true, text: await aggregate([own, ...answers]) };
    } finally {
      clearTimeout(timer);
      this.#gatherings.delete(id);
    }
  }

  /** A worker's figures for scrape `requestId` (ignored once that scrape is over, or from a worker not asked). */
  told(workerId: number, requestId: number, metrics: MetricJson[]): void {
    const g = this.#gatherings.get(requestId);
    if (g?.pending.delete(workerId) !== true) return;
    g.answers.push(metrics);
    if (g.pending.size === 0) g.finish();
  }

  /** A worker exited: its figures went with it; no scrape waits for it any longer. */
  gone(workerId: number): void {
    for (const g of this.#gatherings.values()) {
      if (g.pending.delete(workerId) && g.pending.size === 0) g.finish();
    }
  }
}

/** In a worker: answers the primary's requests for its figures, and asks it for the instance's. */
export interface MetricsOverIpc {
  /** The figures this worker reports (its registry), set once the service has one. */
  report: (read: () => Promise<MetricJson[]>) => void;
  /** The instance's metrics, through the primary. */
  scrape: () => Promise<Scrape>;
  /** A message from the primary about metrics. */
  received: (message: Extract<ToWorker, { scrutin: 'metrics-ask' | 'metrics-text' }>) => void;
}

export function metricsOverIpc(send: (message: ToPrimary) => void, waitMs = PRIMARY_METRICS_MS): MetricsOverIpc {
  let read: () => Promise<MetricJson[]> = () => Promise.resolve([]);
  const waiting = new Map<number, (scrape: Scrape) => void>();
  let nextId = 1;
  return {
    report: (r) => {
      read = r;
    },
    scrape: () => {
      const id = nextId++;
      return new Promise<Scrape>((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          resolve({ ok: false, reason: 'the primary process did not answer in time' });
        }, waitMs);
        waiting.set(id, (scrape) => {
          clearTimeout(timer);
          resolve(scrape);
        });
        try {
          send({ scrutin: 'metrics-want', id });
        } catch {
          clearTimeout(timer);
          waiting.delete(id);
          resolve({ ok: false, reason: 'the primary process is gone' });
        }
      });
    },
    received: (message) => {
      if (message.scrutin === 'metrics-ask') {
        void read().then(
          (metrics) => {
            try {
              send({ scrutin: 'metrics-told', id: message.id, metrics });
            } catch {
              // The primary is gone: nobody is waiting.
            }
          },
          () => undefined,
        );
        return;
      }
      const resolve = waiting.get(message.id);
      waiting.delete(message.id);
      resolve?.(message.text !== null ? { ok: true, text: message.text } : { ok: false, reason: message.reason });
    },
  };
}
