// Runs the officers' counts in worker threads, so that counting an election with
// hundreds of candidates (seconds of work) never stalls the voters' pages. Kept
// simple and bounded: one fresh worker per count (nothing to keep alive, restart or
// leak between counts), at most `concurrency` at once, a short queue behind them,
// and a time limit after which the worker is stopped.
import type { Worker } from 'node:worker_threads';
import { siblingModule, startModuleWorker } from '../../moduleWorker.js';
import { Refused } from '../refusals.js';
import { COUNT_JOB, type CountAnswer, type CountJob } from './countWorker.js';

export type CountRequest = Omit<CountJob, 'kind'>;
export type CountOutput = Exclude<CountAnswer, { output: 'error' }>;

/** Too many counts are already running or waiting. */
export class CountBusyError extends Refused {
  constructor() {
    super({ ok: false, code: 'count-busy' });
    this.name = 'CountBusyError';
  }
}

/** The count ran past its time limit and was stopped. */
export class CountTimeoutError extends Refused {
  constructor(seconds: number) {
    super({ ok: false, code: 'count-timeout', seconds });
    this.name = 'CountTimeoutError';
  }
}

export interface CountPoolOptions {
  /** Counts running at once (each takes one CPU core while it runs). */
  concurrency?: number;
  /** Counts waiting for a turn; more are refused with CountBusyError. */
  maxQueued?: number;
  /** A count still running after this is stopped (CountTimeoutError). */
  timeLimitMs?: number;
}

const WORKER_MODULE = siblingModule(import.meta.url, 'countWorker');

export class CountPool {
  readonly concurrency: number;
  readonly maxQueued: number;
  readonly timeLimitMs: number;
  #running = 0;
  #waiting: { resolve: () => void; reject: (error: Error) => void }[] = [];
  readonly #workers = new Set<Worker>();
  #closed = false;

  constructor(options: CountPoolOptions = {}) {
    this.concurrency = options.concurrency ?? 1;
    this.maxQueued = options.maxQueued ?? 16;
    this.timeLimitMs = options.timeLimitMs ?? 120_000;
  }

  /** Counts running now. */
  get running(): number {
    return this.#running;
  }

  /** Counts waiting for a turn. */
  get queued(): number {
    return this.#waiting.length;
  }

  /** Counts in a worker. The matrix `d` is transferred to it: the caller must not use it afterwards. */
  async run(request: CountRequest): Promise<CountOutput> {
    await this.#acquire();
    try {
      return await this.#inWorker(request);
    } finally {
      this.#release();
    }
  }

  /** Stops the counts in progress and refuses the waiting ones (server shutdown). */
  async close(): Promise<void> {
    this.#closed = true;
    for (const waiter of this.#waiting.splice(0)) waiter.reject(new Error('the server is stopping'));
    await Promise.all([...this.#workers].map((w) => w.terminate()));
  }

  #acquire(): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('the server is stopping'));
    if (this.#running < this.concurrency) {
      this.#running++;
      return Promise.resolve();
    }
    if (this.#waiting.length >= this.maxQueued) return Promise.reject(new CountBusyError());
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  #release(): void {
    const next = this.#waiting.shift();
    // The slot passes straight to the next count; otherwise it is freed.
    if (next === undefined) this.#running--;
    else next.resolve();
  }

  #inWorker(request: CountRequest): Promise<CountOutput> {
    return new Promise((resolve, reject) => {
      if (this.#closed) {
        reject(new Error('the server is stopping'));
        return;
      }
      const worker = startModuleWorker(WORKER_MODULE, {
        workerData: { ...request, kind: COUNT_JOB },
        transferList: [request.d.buffer as ArrayBuffer],
      });
      this.#workers.add(worker);
      let done = false;
      const finish = (outcome: Error | CountAnswer): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.#workers.delete(worker);
        if (outcome instanceof Error) reject(outcome);
        else if (outcome.output === 'error') reject(new Error(outcome.message));
        else resolve(outcome);
      };
      const timer = setTimeout(() => {
        finish(new CountTimeoutError(Math.round(this.timeLimitMs / 1000)));
        void worker.terminate();
      }, this.timeLimitMs);
      worker.once('message', (answer: CountAnswer) => {
        finish(answer);
      });
      worker.once('error', (error) => {
        finish(error);
      });
      worker.once('exit', (code) => {
        finish(new Error(`the count stopped before answering (worker exit code ${code})`));
      });
    });
  }
}
