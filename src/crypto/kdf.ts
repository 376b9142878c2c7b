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

export interface KdfPoolOptions {
  /** Maximum derivations at once; null or undefined = defaultKdfConcurrency(). */
  concurrency?: number | null;
  /** The derivation to bound; argon2DeriveKey unless a test substitutes one. */
  derive?: DeriveKey;
}

/**
 * At most `concurrency` derivations run at once; the others wait in arrival order. Waiting
 * is not an error: every caller eventually gets its key (or the derivation's own error).
 */
export class KdfPool {
  readonly concurrency: number;
  readonly #derive: DeriveKey;
  #running = 0;
  /** FIFO of callers waiting for a slot; `#head` avoids O(n) shifts under a long queue. */
  #waiting: (() => void)[] = [];
  #head = 0;

  constructor(opts: KdfPoolOptions = {}) {
    const n = opts.concurrency ?? defaultKdfConcurrency();
    if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`KDF concurrency must be a positive integer, got ${n}`);
    this.concurrency = n;
    this.#derive = opts.derive ?? argon2DeriveKey;
  }

  /** Derivations in progress now (gauge). */
  get running(): number {
    return this.#running;
  }

  /** Callers waiting for a slot now (gauge). */
  get queued(): number {
    return this.#waiting.length - this.#head;
  }

  /** The bounded derivation, to inject into sealVoterId / openVoterId. */
  readonly deriveKey: DeriveKey = async (passphrase, salt, params: KdfParams) => {
    await this.#acquire();
    try {
      return await this.#derive(passphrase, salt, params);
    } finally {
      this.#release();
    }
  };

  #acquire(): Promise<void> {
    if (this.#running < this.concurrency) {
      this.#running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting[this.#head];
    if (next === undefined) {
      this.#running--;
      return;
    }
    // Hand the slot straight to the oldest waiter, so newcomers cannot overtake it.
    this.#waiting[this.#head] = noop;
    this.#head++;
    if (this.#head > 1024 && this.#head * 2 > this.#waiting.length) {
      this.#waiting = this.#waiting.slice(this.#head);
      this.#head = 0;
    }
    next();
  }
}

function noop(): void {
  // placeholder for a slot already handed over
}
