// What the primary and its workers read from each other is checked strictly: a message
// that is not exactly one of the kinds they exchange is ignored (null), never half-read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toPrimary, toWorker } from '../../src/cluster/messages.js';

const place = { community: null, who: '7|2026---live', at: Date.UTC(2026, 0, 1), max: 10, windowMinutes: 15 };
const metric = {
  name: 'scrutin_http_requests_total',
  help: 'HTTP requests',
  type: 'counter',
  aggregator: 'sum',
  values: [{ value: 3, labels: { method: 'GET', route: '/elections', status: 200 } }],
};

test('well-formed messages to the primary are read as sent', () => {
  assert.deepEqual(toPrimary({ scrutin: 'derive-take', id: 4, ...place }), { scrutin: 'derive-take', id: 4, ...place });
  assert.deepEqual(toPrimary({ scrutin: 'derive-give', ...place, community: 'k8s' }), {
    scrutin: 'derive-give',
    ...place,
    community: 'k8s',
  });
  assert.deepEqual(toPrimary({ scrutin: 'metrics-want', id: 0 }), { scrutin: 'metrics-want', id: 0 });
  assert.deepEqual(toPrimary({ scrutin: 'metrics-told', id: 2, metrics: [metric] }), { scrutin: 'metrics-told', id: 2, metrics: [metric] });
  // prom-client leaves the aggregator out for the default; JSON turns a NaN gauge into null.
  const bare = {
    name: 'nodejs_eventloop_lag_stddev_seconds',
    help: 'lag',
    type: 'gauge',
    values: [{ value: null, labels: { worker: '1' } }],
  };
  const read = toPrimary({ scrutin: 'metrics-told', id: 2, metrics: [bare] });
  assert.ok(read?.scrutin === 'metrics-told');
  assert.equal(read.metrics[0]?.aggregator, 'sum');
  const sample = read.metrics[0].values[0];
  assert.ok(sample !== undefined && Number.isNaN(sample.value));
  assert.deepEqual(toPrimary({ scrutin: 'lease', id: 1 }), { scrutin: 'lease', id: 1, community: null });
});

test('malformed derivation requests are ignored', () => {
  const bad: Record<string, unknown>[] = [
    { id: -1 },
    { id: 1.5 },
    { id: '1' },
    { id: Number.NaN },
    { who: '' },
    { who: 'alice|2026---live' }, // not a user id
    { who: `7|${'x'.repeat(500)}` },
    { who: 7 },
    { at: -5 },
    { at: 1.25 },
    { at: Number.POSITIVE_INFINITY },
    { at: '2026-01-01' },
    { max: 0 },
    { max: 2.5 },
    { max: 1e9 },
    { windowMinutes: 0 },
    { windowMinutes: -15 },
    { windowMinutes: Number.POSITIVE_INFINITY },
    { windowMinutes: 1e9 },
    { community: 12 },
  ];
  for (const change of bad) {
    assert.equal(toPrimary({ scrutin: 'derive-take', id: 1, ...place, ...change }), null, JSON.stringify(change));
  }
  assert.equal(toPrimary({ scrutin: 'derive-give', ...place, max: undefined }), null);
  assert.equal(toPrimary({ scrutin: 'derive-take', ...place }), null, 'no id');
});

test("malformed workers' metrics are ignored whole, so the aggregation cannot throw", () => {
  const bad: unknown[] = [
    'text',
    [{ ...metric, aggregator: 'median' }], // AggregatorRegistry.aggregate throws on an unknown aggregator
    [{ ...metric, type: 'info' }],
    [{ ...metric, name: 'has space' }],
    [{ ...metric, name: 42 }],
    [{ ...metric, values: 'many' }],
    [{ ...metric, values: [{ value: '3', labels: {} }] }],
    [{ ...metric, values: [{ value: 3 }] }],
    [{ ...metric, values: [{ value: 3, labels: { route: { nested: true } } }] }],
    [{ ...metric, values: [{ value: 3, labels: { 'bad-name': 'x' } }] }],
    [{ ...metric, values: [{ value: 3, labels: {}, metricName: 'not ok!' }] }],
    [null],
    Array.from({ length: 3_000 }, () => metric),
  ];
  for (const metrics of bad) assert.equal(toPrimary({ scrutin: 'metrics-told', id: 1, metrics }), null);
  assert.equal(toPrimary({ scrutin: 'metrics-told', id: -1, metrics: [metric] }), null);
  assert.equal(toPrimary({ scrutin: 'metrics-want' }), null);
});

test('messages to a worker: answers read as sent, malformed ones ignored', () => {
  assert.deepEqual(toWorker({ scrutin: 'derive-answer', id: 3, ok: true }), { scrutin: 'derive-answer', id: 3, ok: true });
  assert.deepEqual(toWorker({ scrutin: 'derive-answer', id: 3, ok: false, retryAfterSeconds: 60 }), {
    scrutin: 'derive-answer',
    id: 3,
    ok: false,
    retryAfterSeconds: 60,
  });
  assert.deepEqual(toWorker({ scrutin: 'metrics-ask', id: 9 }), { scrutin: 'metrics-ask', id: 9 });
  assert.deepEqual(toWorker({ scrutin: 'metrics-text', id: 9, text: '# HELP x\n' }), {
    scrutin: 'metrics-text',
    id: 9,
    text: '# HELP x\n',
  });
  assert.deepEqual(toWorker({ scrutin: 'metrics-text', id: 9, text: null, reason: 'slow' }), {
    scrutin: 'metrics-text',
    id: 9,
    text: null,
    reason: 'slow',
  });
  for (const message of [
    { scrutin: 'derive-answer', id: 3 },
    { scrutin: 'derive-answer', id: 3, ok: 'yes' },
    { scrutin: 'derive-answer', id: 3, ok: false },
    { scrutin: 'derive-answer', id: 3, ok: false, retryAfterSeconds: 0 },
    { scrutin: 'derive-answer', id: 3, ok: false, retryAfterSeconds: 2.5 },
    { scrutin: 'derive-answer', id: -3, ok: true },
    { scrutin: 'metrics-ask', id: 'one' },
    { scrutin: 'metrics-text', id: 9 },
    { scrutin: 'metrics-text', id: 9, text: 5 },
    { scrutin: 'metrics-text', id: 9, text: null },
    { scrutin: 'leased', id: 1.5 },
    { scrutin: 'leased' },
    { type: 'prom-client:getMetricsReq', requestId: 1 },
    'leased',
    null,
  ]) {
    assert.equal(toWorker(message), null, JSON.stringify(message));
  }
});
