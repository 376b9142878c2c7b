// The passphrase key derivation used by sealed ballot links: argon2 from @node-rs/argon2,
// whose async `hashRaw` runs on the libuv threadpool so the event loop keeps serving pages
// while a derivation spends its 256–512 MiB. A bounded pool in front of it turns a
// deadline rush into a queue instead of an out-of-memory kill: with at most N derivations
// at once, memory stays near N × m whatever the number of voters waiting.
import { availableParallelism } from 'node:os';
import { hashRaw, type Algorithm, type Version } from '@node-rs/argon2';
import type { KdfAlgorithm, KdfParams } from '../core/ballot/kdfParams.js';
import { KEY_BYTES, type DeriveKey } from '../core/ballot/secrecy.js';

// The package declares Algorithm and Version as `const enum`s, which isolatedModules
// cannot inline, so their numeric values (index.d.ts) are written out here.
/* eslint-disable @typescript-eslint/no-unsafe-enum-assignment */
const ALGORITHM: Record<KdfAlgorithm, Algorithm> = { argon2i: 1, argon2id: 2 };
const VERSION_0X13: Version = 1;
/* eslint-enable @typescript-eslint/no-unsafe-enum-assignment */

/** argon2 (v1.3, raw 32-byte output, raw salt) with the record's parameters; unbounded. */
export const argon2DeriveKey: DeriveKey = async (passphrase, salt, params) =>
  hashRaw(passphrase, {
    algorithm: ALGORITHM[params.algorithm],
    version: VERSION_0X13,
    memoryCost: params.memoryKiB,
    timeCost: params.passes,
    parallelism: params.parallelism,
    outputLen: KEY_BYTES,
    salt,
  });

/** libuv's threadpool size: it runs the derivations, and also fs, dns.lookup and zlib work. */
export function uvThreadpoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.UV_THREADPOOL_SIZE);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, 1024) : 4;
}

/**
 * One derivation per CPU core, but never every libuv thread: a derivation holds its thread
 * for seconds, and with all of them busy, file reads and the DNS lookups that open database
 * connections would wait behind the queue. So the default leaves one thread free. On a
 * 2-core machine with the default threadpool of 4 this is 2. KDF_CONCURRENCY overrides it
 * (going at or above UV_THREADPOOL_SIZE only queues inside libuv instead of here).
 */
export function defaultKdfConcurrency(cores = availableParallelism(), threadpool = uvThreadpoolSize()): number {
  return Math.max(1, Math.min(cores, threadpool - 1));
}

/** Why a derivation was not started: nothing was derived, so nothing was cast or opened. */
export type KdfRefusal = 'queue-full' | 'waited-too-long' | 'abandoned';

/** The derivation queue is beyond its bound (or the client left): answer "try again in a minute". */
export class KdfBusy extends Error {
  constructor(
    readonly reason: KdfRefusal,
    /** When trying again makes sense. */
    readonly retryAfterSeconds = 60,
  ) {
    super(
      reason === 'abandoned' ? 'the client went away before its key derivation started' : `the key derivation queue is full (${reason})`,
    );
    this.name = 'KdfBusy';
  }
}

export interface KdfPoolOptions {
  /** Maximum derivations at once; null or undefined = defaultKdfConcurrency(). */
  concurrency?: number | null;
  /** The derivation to bound; argon2DeriveKey unless a test substitutes one. */
  derive?: DeriveKey;
  /**
   * Longest wait for a slot (ms); a caller still waiting then is refused with KdfBusy.
   * Undefined: no limit (tools and tests).
   */
  maxWaitMs?: number;
  /**
   * Most callers waiting at once; beyond it a caller is refused at once. Null or
   * undefined with maxWaitMs: as many as the pool can serve within maxWaitMs, judged
   * from how long recent derivations took.
   */
  maxQueue?: number | null;
  /** Told of each refusal (metrics). */
  onRefuse?: (reason: KdfRefusal) => void;
}

interface Waiter {
  start: () => void;
  settled: boolean;
}

/**
 * Milliseconds per MiB·pass before any derivation has been measured: about what this
 * project's test machine takes (argon2id, 256 MiB × 16 passes ≈ 2 s on one core).
 */
const PRIOR_MS_PER_MIB_PASS = 0.5;

/** Work of one derivation, in MiB·passes (argon2's cost is about linear in both). */
function workOf(params: KdfParams): number {
  return Math.max(1 / 1024, (params.memoryKiB / 1024) * params.passes);
}

/**
 * At most `concurrency` derivations run at once; the others wait in arrival order. With a
 * maximum wait, the queue is bounded too: a caller who would wait longer than that, by
 * the pool's estimate, is refused at once, and one who has waited that long is refused
 * then — both before any derivation starts, so nothing is cast or opened. A caller whose
 * client has gone (its AbortSignal fired) leaves the queue.
 */
export class KdfPool {
  readonly concurrency: number;
  readonly maxWaitMs: number | undefined;
  readonly #maxQueue: number | null;
  readonly #derive: DeriveKey;
  readonly #onRefuse: (reason: KdfRefusal) => void;
  #running = 0;
  /** FIFO of callers waiting for a slot; `#head` avoids O(n) shifts under a long queue. */
  #waiting: Waiter[] = [];
  #head = 0;
  #queued = 0;
  /** Moving average of measured ms per MiB·pass. */
  #msPerWork = PRIOR_MS_PER_MIB_PASS;

  constructor(opts: KdfPoolOptions = {}) {
    const n = opts.concurrency ?? defaultKdfConcurrency();
    if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`KDF concurrency must be a positive integer, got ${n}`);
    if (opts.maxWaitMs !== undefined && !(opts.maxWaitMs > 0)) throw new RangeError('the KDF queue wait must be positive');
    this.concurrency = n;
    this.maxWaitMs = opts.maxWaitMs;
    this.#maxQueue = opts.maxQueue ?? null;
    this.#derive = opts.derive ?? argon2DeriveKey;
    this.#onRefuse = opts.onRefuse ?? noop;
  }

  /** Derivations in progress now (gauge). */
  get running(): number {
    return this.#running;
  }

  /** Callers waiting for a slot now (gauge). */
  get queued(): number {
    return this.#queued;
  }

  /** The bounded derivation, to inject into sealVoterId / openVoterId. */
  readonly deriveKey: DeriveKey = (passphrase, salt, params) => this.#run(passphrase, salt, params, undefined);

  /**
   * The same, for a request: leaves the queue (refused as 'abandoned') when `signal` fires.
   * A `patient` caller (a pending cast that no request waits for, pendingCasts.ts) is not
   * bound by the maximum wait nor by the estimate of it: only by an explicit maxQueue.
   */
  derivingFor(signal: AbortSignal | undefined, options: { patient?: boolean } = {}): DeriveKey {
    const patient = options.patient === true;
    return (passphrase, salt, params) => this.#run(passphrase, salt, params, signal, patient);
  }

  /** How long a newcomer would wait for a slot, by the current estimate (ms). */
  estimatedWaitMs(params: KdfParams): number {
    const ahead = this.#queued + Math.max(0, this.#running - this.concurrency + 1);
    return Math.ceil(ahead / this.concurrency) * workOf(params) * this.#msPerWork;
  }

  async #run(
    passphrase: Uint8Array,
    salt: Uint8Array,
    params: KdfParams,
    signal: AbortSignal | undefined,
    patient = false,
  ): Promise<Uint8Array> {
    await this.#acquire(params, signal, patient);
    const began = performance.now();
    try {
      const key = await this.#derive(passphrase, salt, params);
      const measured = (performance.now() - began) / workOf(params);
      this.#msPerWork = this.#msPerWork * 0.7 + measured * 0.3;
      return key;
    } finally {
      this.#release();
    }
  }

  #refuse(reason: KdfRefusal): KdfBusy {
    this.#onRefuse(reason);
    return new KdfBusy(reason);
  }

  #acquire(params: KdfParams, signal: AbortSignal | undefined, patient: boolean): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(this.#refuse('abandoned'));
    if (this.#running < this.concurrency) {
      this.#running++;
      return Promise.resolve();
    }
    if (this.maxWaitMs !== undefined) {
      const full = this.#maxQueue !== null ? this.#queued >= this.#maxQueue : !patient && this.estimatedWaitMs(params) > this.maxWaitMs;
      if (full) return Promise.reject(this.#refuse('queue-full'));
    }
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const leave = (reason: KdfRefusal): void => {
        if (waiter.settled) return;
        waiter.settled = true;
        this.#queued--;
        cleanup();
        reject(this.#refuse(reason));
      };
      const onAbort = (): void => {
        leave('abandoned');
      };
      const cleanup = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        settled: false,
        start: () => {
          waiter.settled = true;
          this.#queued--;
          cleanup();
          resolve();
        },
      };
      if (this.maxWaitMs !== undefined && !patient)
        timer = setTimeout(() => {
          leave('waited-too-long');
        }, this.maxWaitMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(waiter);
      this.#queued++;
    });
  }

  #release(): void {
    // Hand the slot straight to the oldest waiter still waiting, so newcomers cannot overtake it.
    for (;;) {
      const next = this.#waiting[this.#head];
      if (next === undefined) {
        this.#running--;
        return;
      }
      this.#waiting[this.#head] = SPENT;
      this.#head++;
      if (this.#head > 1024 && this.#head * 2 > this.#waiting.length) {
        this.#waiting = this.#waiting.slice(this.#head);
        this.#head = 0;
      }
      if (!next.settled) {
        next.start();
        return;
      }
    }
  }
}

function noop(): void {
  // nothing to tell
}

/** A place in the queue already handed over or given up. */
const SPENT: Waiter = { settled: true, start: noop };
