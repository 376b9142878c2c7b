// The cluster's checkout gate: readers share it, an update runs alone, and an update
// waiting goes before readers that arrive after it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckoutGate } from '../../src/cluster/gate.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

test('readers share the checkout; an update waits for them and runs alone', async () => {
  const gate = new CheckoutGate();
  const events: string[] = [];
  const r1 = await gate.read();
  const r2 = await gate.read();
  assert.equal(gate.readers, 2);
  const update = gate.write(async () => {
    events.push('update');
    await tick();
    events.push('updated');
    return 'rev';
  });
  const late = gate.read().then((release) => {
    events.push('late reader');
    return release;
  });
  await tick();
  assert.deepEqual(events, [], 'the update waits for both readers, the late reader for the update');
  r1();
  r1(); // releasing twice counts once
  await tick();
  assert.deepEqual(events, []);
  r2();
  assert.equal(await update, 'rev');
  (await late)();
  assert.deepEqual(events, ['update', 'updated', 'late reader']);
  assert.equal(gate.readers, 0);
});

test('a failed update releases the gate', async () => {
  const gate = new CheckoutGate();
  await assert.rejects(
    gate.write(() => Promise.reject(new Error('git failed'))),
    /git failed/,
  );
  const release = await gate.read();
  assert.equal(gate.readers, 1);
  release();
});
