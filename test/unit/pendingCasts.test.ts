// The pending casts behind the sealing page: one job per voter (a second submit joins
// it), a request that leaves before the voter was told "sealing" abandons the cast, and
// one that leaves afterwards does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PendingCasts } from '../../src/app/ballots/pendingCasts.js';
import type { CastOutcome } from '../../src/app/ballots/types.js';

const done: CastOutcome = { ok: true, abstention: false, choices: [], receipt: null };

function gate() {
  let open: (o: CastOutcome) => void = () => undefined;
  const promise = new Promise<CastOutcome>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

test('a cast that ends in time is answered with its outcome and kept for the sealing page', async () => {
  const jobs = new PendingCasts();
  const answer = await jobs.submit('1|e', () => Promise.resolve(done), undefined, 5_000);
  assert.deepEqual(answer, { done: true, outcome: done });
  assert.equal(jobs.state('1|e').state, 'done');
  assert.equal(jobs.state('2|e').state, 'unknown');
});

test('a second submit while the first is sealing joins it: one cast, both answered', async () => {
  const jobs = new PendingCasts();
  const g = gate();
  let started = 0;
  const cast = () => {
    started++;
    return g.promise;
  };
  const first = await jobs.submit('1|e', cast, undefined, 1);
  assert.equal(first.done, false, 'told "sealing"');
  assert.equal(jobs.state('1|e').state, 'sealing');
  const second = jobs.submit('1|e', cast, undefined, 60_000);
  g.open(done);
  assert.deepEqual(await second, { done: true, outcome: done });
  assert.equal(started, 1);
});

test('a request that leaves before it was told "sealing" abandons the cast; one that leaves after does not', async () => {
  const jobs = new PendingCasts();
  const seen: AbortSignal[] = [];
  const g = gate();
  const cast = (signal: AbortSignal) => {
    seen.push(signal);
    signal.addEventListener('abort', () => {
      g.open({ ok: false, code: 'busy', action: 'cast', retryAfterSeconds: 60 });
    });
    return g.promise;
  };
  const client = new AbortController();
  const pending = jobs.submit('1|e', cast, client.signal, 60_000);
  client.abort();
  const answer = await pending;
  assert.equal(answer.done && !answer.outcome.ok && answer.outcome.code, 'busy');
  assert.equal(seen[0]?.aborted, true);

  const told = new AbortController();
  const h = gate();
  let signal: AbortSignal | undefined;
  const acknowledged = await jobs.submit(
    '2|e',
    (s) => {
      signal = s;
      return h.promise;
    },
    told.signal,
    1,
  );
  assert.equal(acknowledged.done, false);
  told.abort();
  assert.equal(signal?.aborted, false, 'the acknowledged cast goes on');
  h.open(done);
  await new Promise((r) => setImmediate(r));
  assert.equal(jobs.state('2|e').state, 'done');
});

test('a cast that fails is not kept: the next look reads the database', async () => {
  const jobs = new PendingCasts();
  await assert.rejects(
    jobs.submit('1|e', () => Promise.reject(new Error('database down')), undefined, 5_000),
    /database down/,
  );
  assert.equal(jobs.state('1|e').state, 'unknown');
});
