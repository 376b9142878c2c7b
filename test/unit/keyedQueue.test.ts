// The ballot service's per-voter queue: one piece of work at a time per key, in
// arrival order; other keys are not held up; nothing is kept once a key is idle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedQueue } from '../../src/app/ballots/keyedQueue.js';

function gate(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

test('work for one key runs one at a time, in arrival order; another key runs meanwhile', async () => {
  const queue = new KeyedQueue();
  const log: string[] = [];
  const first = gate();
  const a1 = queue.run('a', async () => {
    log.push('a1 start');
    await first.promise;
    log.push('a1 end');
    return 1;
  });
  const a2 = queue.run('a', () => {
    log.push('a2');
    return Promise.resolve(2);
  });
  const b1 = queue.run('b', () => {
    log.push('b1');
    return Promise.resolve(3);
  });
  assert.equal(await b1, 3);
  assert.deepEqual(log, ['a1 start', 'b1'], 'a2 waits for a1; b1 does not');
  first.open();
  assert.deepEqual(await Promise.all([a1, a2]), [1, 2]);
  assert.deepEqual(log, ['a1 start', 'b1', 'a1 end', 'a2']);
  assert.equal(queue.size, 0, 'idle keys are forgotten');
});

test("a failure is the caller's own: the next piece of work for the key still runs", async () => {
  const queue = new KeyedQueue();
  const failed = queue.run('a', () => Promise.reject(new Error('boom')));
  const next = queue.run('a', () => Promise.resolve('ran'));
  await assert.rejects(failed, /boom/);
  assert.equal(await next, 'ran');
  assert.equal(queue.size, 0);
});
