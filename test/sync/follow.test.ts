// followRevision with a fake database setting and a fake catalogue: it syncs (forced)
// exactly when the recorded revision differs from the one served, never overlaps
// checks, gives up on a revision a sync cannot reach, and retries after failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { followRevision } from '../../src/app/followRevision.js';
import type { MetaSnapshot } from '../../src/core/meta/types.js';
import type { SyncOutcome, SyncRequest } from '../../src/metarepo/catalogue.js';

function snapshot(revision: string | null): MetaSnapshot {
  return { revision, loadedAt: new Date(0), entries: new Map(), problems: [] };
}

function fakes(intervalSeconds = 3600) {
  const state = {
    behind: false,
    recorded: null as string | null,
    served: 'r1' as string | null,
    /** What the next fetch reaches (null: it fails). */
    remote: 'r1' as string | null,
    requests: [] as SyncRequest[],
    warnings: [] as string[],
  };
  const follower = followRevision({
    settings: { get: (name) => Promise.resolve(name === 'meta_revision' ? state.recorded : null) },
    catalogue: {
      current: () => snapshot(state.served),
      requestSync: (request): Promise<SyncOutcome> => {
        state.requests.push(request);
        if (state.remote === null) return Promise.resolve({ status: 'failed', error: 'git fetch failed' });
        const previousRevision = state.served;
        state.served = state.remote;
        return Promise.resolve({ status: 'swapped', revision: state.remote, previousRevision, snapshot: snapshot(state.remote) });
      },
    },
    log: { info: () => undefined, warn: (_obj, msg) => state.warnings.push(msg) },
    intervalSeconds,
    behind: () => state.behind,
  });
  return { state, follower };
}

test('nothing recorded yet, or the same revision recorded: no sync', async () => {
  const { state, follower } = fakes();
  try {
    assert.equal((await follower.check()).status, 'nothing-recorded');
    state.recorded = 'r1';
    assert.equal((await follower.check()).status, 'in-step');
    assert.deepEqual(state.requests, []);
  } finally {
    await follower.stop();
  }
});

test('another revision recorded: one forced sync, then in step', async () => {
  const { state, follower } = fakes();
  try {
    await follower.check();
    state.recorded = 'r2';
    state.remote = 'r2';
    const result = await follower.check();
    assert.equal(result.status, 'followed');
    assert.equal(state.requests.length, 1);
    assert.equal(state.requests[0]?.force, true, 'forced: the checkout may already be at that commit');
    assert.equal(state.served, 'r2');
    assert.equal((await follower.check()).status, 'in-step');
    assert.equal(state.requests.length, 1);
  } finally {
    await follower.stop();
  }
});

test('concurrent checks share one run', async () => {
  const { state, follower } = fakes();
  try {
    await follower.check();
    state.recorded = 'r2';
    state.remote = 'r2';
    await Promise.all([follower.check(), follower.check(), follower.check()]);
    assert.equal(state.requests.length, 1);
  } finally {
    await follower.stop();
  }
});

test('a recorded revision the fetch never reaches is not chased forever; a new one is followed again', async () => {
  const { state, follower } = fakes();
  try {
    await follower.check();
    state.recorded = 'elsewhere'; // another replica on another branch, say
    state.remote = 'r1';
    assert.equal((await follower.check()).status, 'followed');
    assert.equal(state.warnings.length, 1, 'says why once');
    assert.equal((await follower.check()).status, 'stuck');
    assert.equal((await follower.check()).status, 'stuck');
    assert.equal(state.requests.length, 1);
    state.recorded = 'r3';
    state.remote = 'r3';
    assert.equal((await follower.check()).status, 'followed');
    assert.equal(state.served, 'r3');
  } finally {
    await follower.stop();
  }
});

test('a failed fetch is tried again at the next check', async () => {
  const { state, follower } = fakes();
  try {
    await follower.check();
    state.recorded = 'r2';
    state.remote = null;
    const failed = await follower.check();
    assert.ok(failed.status === 'followed' && failed.outcome.status === 'failed');
    assert.equal(state.served, 'r1');
    state.remote = 'r2';
    await follower.check();
    assert.equal(state.requests.length, 2);
    assert.equal(state.served, 'r2');
  } finally {
    await follower.stop();
  }
});

test('the timer checks at start and then every interval, and stop() ends it', async (t) => {
  // Mocked before the follower exists: its first check is scheduled on creation.
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { state, follower } = fakes(60);
  // A check is a chain of promises: let it run to its end (setImmediate is not mocked).
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  state.recorded = 'r2';
  state.remote = 'r2';
  // No explicit check: the startup check does it, then the periodic ones.
  t.mock.timers.tick(0);
  await settle();
  assert.equal(state.served, 'r2');
  state.recorded = 'r3';
  state.remote = 'r3';
  t.mock.timers.tick(59_999);
  await settle();
  assert.equal(state.served, 'r2', 'not before the interval');
  t.mock.timers.tick(1);
  await settle();
  assert.equal(state.served, 'r3');
  await follower.stop();
  const before = state.requests.length;
  state.recorded = 'r4';
  state.remote = 'r4';
  t.mock.timers.tick(3_600_000);
  await settle();
  assert.equal(state.requests.length, before, 'stopped: no more checks');
  assert.equal(state.served, 'r3');
});

test('after failed fetches the wait doubles, up to five minutes, and a success restores the interval', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { state, follower } = fakes(10);
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  const requestsAfter = async (ms: number) => {
    t.mock.timers.tick(ms);
    await settle();
    return state.requests.length;
  };
  try {
    state.recorded = 'r2';
    state.remote = null;
    assert.equal(await requestsAfter(0), 1, 'the startup check fails');
    assert.equal(await requestsAfter(19_999), 1, 'one failure: 20 s, not 10');
    assert.equal(await requestsAfter(1), 2);
    assert.equal(await requestsAfter(40_000), 3, 'two failures: 40 s');
    assert.equal(await requestsAfter(80_000), 4);
    assert.equal(await requestsAfter(160_000), 5);
    assert.equal(await requestsAfter(299_999), 5, 'capped at five minutes');
    assert.equal(await requestsAfter(1), 6);
    state.remote = 'r2';
    assert.equal(await requestsAfter(300_000), 7, 'this one reaches r2');
    assert.equal(state.served, 'r2');
    state.recorded = 'r3';
    state.remote = 'r3';
    assert.equal(await requestsAfter(10_000), 8, 'back to the interval');
  } finally {
    await follower.stop();
  }
});

test('a snapshot that did not reach the database is applied again (forced) even when the revisions agree', async () => {
  const { state, follower } = fakes();
  try {
    state.recorded = 'r1';
    assert.equal((await follower.check()).status, 'in-step');
    state.behind = true;
    const result = await follower.check();
    assert.equal(result.status, 'retried');
    assert.equal(state.requests.at(-1)?.force, true);
    state.behind = false;
    assert.equal((await follower.check()).status, 'in-step');
    assert.equal(state.requests.length, 1);
  } finally {
    await follower.stop();
  }
});
