import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeKdfParams, type KdfParams } from '../../src/core/ballot/kdfParams.js';
import type { DeriveKey } from '../../src/core/ballot/secrecy.js';
import { KdfBusy, KdfPool, argon2DeriveKey, defaultKdfConcurrency, uvThreadpoolSize, type KdfRefusal } from '../../src/crypto/kdf.js';

interface CheapKdf {
  alg: string;
  kdf: string;
  passphrase: string;
  salt: string;
  key: string;
}
const golden = JSON.parse(readFileSync(new URL('../fixtures/golden/elekto-sealed.json', import.meta.url), 'utf8')) as {
  cheapKdf: CheapKdf[];
};

const CHEAP: KdfParams = { algorithm: 'argon2id', version: 19, memoryKiB: 64, passes: 1, parallelism: 1 };
const utf8 = (s: string) => new TextEncoder().encode(s);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function paramsOf(text: string): KdfParams {
  const d = decodeKdfParams(text);
  if (!d.ok) assert.fail(d.error);
  return d.params;
}

/** A derivation the test finishes by hand, to observe the pool between steps. */
function controlledDerive() {
  const started: number[] = [];
  const pending = new Map<number, { resolve: (k: Uint8Array) => void; reject: (e: Error) => void }>();
  let live = 0;
  let maxLive = 0;
  const derive: DeriveKey = (passphrase) => {
    const id = passphrase[0]!;
    started.push(id);
    live++;
    maxLive = Math.max(maxLive, live);
    return new Promise<Uint8Array>((resolve, reject) => {
      pending.set(id, {
        resolve: (k) => {
          live--;
          resolve(k);
        },
        reject: (e) => {
          live--;
          reject(e);
        },
      });
    });
  };
  return {
    derive,
    started,
    pending,
    get live() {
      return live;
    },
    get maxLive() {
      return maxLive;
    },
  };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

test("argon2 keys equal libsodium's for argon2id and argon2i (vectors from PyNaCl)", async () => {
  assert.ok(golden.cheapKdf.some((v) => v.alg === 'argon2i') && golden.cheapKdf.some((v) => v.alg === 'argon2id'));
  for (const v of golden.cheapKdf) {
    const key = await argon2DeriveKey(utf8(v.passphrase), Buffer.from(v.salt, 'hex'), paramsOf(v.kdf));
    assert.equal(hex(key), v.key, v.kdf);
  }
});

test('a derivation runs off the event loop: callbacks keep running while it works', async () => {
  let turns = 0;
  let done = false;
  const derivation = argon2DeriveKey(utf8('busy'), new Uint8Array(16), { ...CHEAP, memoryKiB: 32 * 1024, passes: 3 }).then(() => {
    done = true;
  });
  // Were the work done on this thread, the promise would be settled before the first turn.
  const spin = async () => {
    while (!done) {
      turns++;
      await flush();
    }
  };
  await Promise.all([derivation, spin()]);
  assert.ok(turns > 1, `only ${turns} event-loop turns happened during the derivation`);
});

test('the pool never runs more than N at once, starts callers in arrival order, and finishes them all', async () => {
  const c = controlledDerive();
  const pool = new KdfPool({ concurrency: 3, derive: c.derive });
  const results = Array.from({ length: 10 }, (_, i) => pool.deriveKey(Uint8Array.of(i), new Uint8Array(16), CHEAP));
  await flush();
  assert.deepEqual(c.started, [0, 1, 2]);
  assert.equal(pool.running, 3);
  assert.equal(pool.queued, 7);

  // Finish out of order; each freed slot goes to the oldest waiter, even past a newcomer.
  c.pending.get(1)!.resolve(Uint8Array.of(101));
  c.pending.delete(1);
  const late = pool.deriveKey(Uint8Array.of(10), new Uint8Array(16), CHEAP);
  await flush();
  assert.deepEqual(c.started, [0, 1, 2, 3]);
  assert.equal(pool.queued, 7);

  let next = 0;
  while (c.started.length < 11 || c.live > 0) {
    const running = [...c.pending.keys()].filter((id) => c.started.includes(id));
    const id = running[next++ % running.length]!;
    c.pending.get(id)!.resolve(Uint8Array.of(100 + id));
    c.pending.delete(id);
    await flush();
    const inPool: number = pool.running;
    assert.ok(inPool <= 3 && c.live <= 3);
  }
  assert.deepEqual(c.started, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.equal(c.maxLive, 3);
  const keys = await Promise.all([...results, late]);
  assert.deepEqual(
    keys.map((k) => k[0]),
    [100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110],
  );
  assert.equal(pool.running, 0);
  assert.equal(pool.queued, 0);
});

test('a failed derivation rejects only its caller and frees its slot', async () => {
  const c = controlledDerive();
  const pool = new KdfPool({ concurrency: 1, derive: c.derive });
  const first = pool.deriveKey(Uint8Array.of(0), new Uint8Array(16), CHEAP);
  const second = pool.deriveKey(Uint8Array.of(1), new Uint8Array(16), CHEAP);
  await flush();
  c.pending.get(0)!.reject(new Error('out of memory'));
  c.pending.delete(0);
  await assert.rejects(first, /out of memory/);
  await flush();
  assert.deepEqual(c.started, [0, 1]);
  c.pending.get(1)!.resolve(Uint8Array.of(7));
  assert.deepEqual(await second, Uint8Array.of(7));
  assert.equal(pool.running, 0);
});

test('a bounded queue refuses newcomers beyond its length at once, before deriving, and keeps the order of those it admitted', async () => {
  const c = controlledDerive();
  const refusals: KdfRefusal[] = [];
  const pool = new KdfPool({ concurrency: 1, derive: c.derive, maxWaitMs: 60_000, maxQueue: 2, onRefuse: (r) => refusals.push(r) });
  const admitted = [0, 1, 2].map((i) => pool.deriveKey(Uint8Array.of(i), new Uint8Array(16), CHEAP));
  const beyond = pool.deriveKey(Uint8Array.of(3), new Uint8Array(16), CHEAP);
  await assert.rejects(beyond, (e: unknown) => e instanceof KdfBusy && e.reason === 'queue-full' && e.retryAfterSeconds === 60);
  assert.deepEqual(refusals, ['queue-full']);
  for (const id of [0, 1, 2]) {
    await flush();
    c.pending.get(id)!.resolve(Uint8Array.of(100 + id));
  }
  assert.deepEqual(
    (await Promise.all(admitted)).map((k) => k[0]),
    [100, 101, 102],
  );
  assert.deepEqual(c.started, [0, 1, 2], 'the refused caller never derived');
});

test('without a fixed length, the queue admits as many as it can serve within its wait, by its estimate of a derivation', async () => {
  const c = controlledDerive();
  const pool = new KdfPool({ concurrency: 1, derive: c.derive, maxWaitMs: 5_000 });
  // Before any derivation is measured, the estimate comes from the parameters: 1 GiB × 4
  // passes is about 2 s, so a newcomer behind the running one and two waiters would wait ~6 s.
  const heavy: KdfParams = { ...CHEAP, memoryKiB: 1024 * 1024, passes: 4 };
  assert.equal(pool.estimatedWaitMs(heavy), 0, 'nothing running: no wait');
  const calls = [0, 1, 2].map((i) => pool.deriveKey(Uint8Array.of(i), new Uint8Array(16), heavy));
  await flush();
  assert.equal(pool.queued, 2);
  assert.ok(pool.estimatedWaitMs(heavy) > 5_000, String(pool.estimatedWaitMs(heavy)));
  await assert.rejects(
    pool.deriveKey(Uint8Array.of(3), new Uint8Array(16), heavy),
    (e: unknown) => e instanceof KdfBusy && e.reason === 'queue-full',
  );
  // Cheaper work fits where heavy work did not.
  assert.ok(pool.estimatedWaitMs(CHEAP) < 5_000);
  for (const id of [0, 1, 2]) {
    await flush();
    c.pending.get(id)!.resolve(Uint8Array.of(id));
  }
  await Promise.all(calls);
  assert.deepEqual(c.started, [0, 1, 2]);
});

test('a waiter whose signal fires leaves the queue; one still waiting at maxWait is refused; neither derives', async () => {
  const c = controlledDerive();
  const refusals: KdfRefusal[] = [];
  const pool = new KdfPool({ concurrency: 1, derive: c.derive, maxWaitMs: 200, onRefuse: (r) => refusals.push(r) });
  const running = pool.deriveKey(Uint8Array.of(0), new Uint8Array(16), CHEAP);
  const leaving = new AbortController();
  const left = pool.derivingFor(leaving.signal)(Uint8Array.of(1), new Uint8Array(16), CHEAP);
  const patient = pool.deriveKey(Uint8Array.of(2), new Uint8Array(16), CHEAP);
  await flush();
  assert.equal(pool.queued, 2);
  leaving.abort();
  await assert.rejects(left, (e: unknown) => e instanceof KdfBusy && e.reason === 'abandoned');
  assert.equal(pool.queued, 1);
  await assert.rejects(patient, (e: unknown) => e instanceof KdfBusy && e.reason === 'waited-too-long');
  assert.equal(pool.queued, 0);
  c.pending.get(0)!.resolve(Uint8Array.of(9));
  assert.deepEqual(await running, Uint8Array.of(9));
  assert.deepEqual(c.started, [0]);
  assert.deepEqual(refusals, ['abandoned', 'waited-too-long']);
  // An already-aborted signal is refused without queueing, and the freed slot serves the next caller at once.
  const gone = new AbortController();
  gone.abort();
  await assert.rejects(
    pool.derivingFor(gone.signal)(Uint8Array.of(3), new Uint8Array(16), CHEAP),
    (e: unknown) => e instanceof KdfBusy && e.reason === 'abandoned',
  );
  const next = pool.deriveKey(Uint8Array.of(4), new Uint8Array(16), CHEAP);
  await flush();
  assert.deepEqual(c.started, [0, 4]);
  c.pending.get(4)!.resolve(Uint8Array.of(4));
  await next;
});

test('with real argon2, a burst through a pool of 2 yields the same keys as direct derivation', async () => {
  let live = 0;
  let maxLive = 0;
  const observed: DeriveKey = async (p, s, params) => {
    live++;
    maxLive = Math.max(maxLive, live);
    try {
      return await argon2DeriveKey(p, s, params);
    } finally {
      live--;
    }
  };
  const pool = new KdfPool({ concurrency: 2, derive: observed });
  const salts = Array.from({ length: 12 }, (_, i) => new Uint8Array(16).fill(i));
  const pooled = await Promise.all(salts.map((salt) => pool.deriveKey(utf8('burst'), salt, CHEAP)));
  const direct = await Promise.all(salts.map((salt) => argon2DeriveKey(utf8('burst'), salt, CHEAP)));
  assert.deepEqual(pooled.map(hex), direct.map(hex));
  assert.equal(new Set(pooled.map(hex)).size, 12);
  assert.equal(maxLive, 2);
});

test('default concurrency: one per core, leaving one libuv thread for files and DNS', () => {
  assert.equal(defaultKdfConcurrency(2, 4), 2);
  assert.equal(defaultKdfConcurrency(8, 4), 3);
  assert.equal(defaultKdfConcurrency(1, 4), 1);
  assert.equal(defaultKdfConcurrency(8, 1), 1);
  assert.equal(defaultKdfConcurrency(16, 32), 16);
  assert.equal(uvThreadpoolSize({}), 4);
  assert.equal(uvThreadpoolSize({ UV_THREADPOOL_SIZE: '8' }), 8);
  assert.equal(uvThreadpoolSize({ UV_THREADPOOL_SIZE: 'lots' }), 4);
  assert.ok(new KdfPool().concurrency >= 1);
  assert.equal(new KdfPool({ concurrency: null }).concurrency, defaultKdfConcurrency());
  assert.equal(new KdfPool({ concurrency: 5 }).concurrency, 5);
  assert.throws(() => new KdfPool({ concurrency: 0 }), RangeError);
  assert.throws(() => new KdfPool({ concurrency: 1.5 }), RangeError);
});
