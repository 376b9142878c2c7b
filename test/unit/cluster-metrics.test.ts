// A cluster scrape merges every process's registry: counters and histograms summed,
// gauges by the aggregator each names (readiness: the least; the served revision and the
// snapshot's age: the greatest, never N times 1), process metrics kept per process by
// their `worker` label. A worker that does not answer makes the scrape fail, never hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregate, MetricsGatherer } from '../../src/cluster/instanceMetrics.js';
import { toPrimary, type MetricJson } from '../../src/cluster/messages.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';

/** A process's figures as they cross the IPC channel (JSON, then the primary's parser). */
async function overIpc(metrics: Metrics): Promise<MetricJson[]> {
  const message = toPrimary(
    JSON.parse(JSON.stringify({ scrutin: 'metrics-told', id: 1, metrics: await metrics.registry.getMetricsAsJSON() })),
  );
  assert.ok(message?.scrutin === 'metrics-told', 'the figures of a real registry pass the parser');
  return message.metrics;
}

function worker(id: string, requests: number, ready: boolean): Metrics {
  const m = createMetrics({ processLabels: { worker: id }, pool: () => ({ total: 3, idle: 1, waiting: 0 }) });
  for (let i = 0; i < requests; i++) m.observeRequest('GET', '/elections', 200, 0.003);
  m.voteCast('2026---live');
  m.attachReadiness(() => Promise.resolve({ ready, checks: { database: { ok: true }, meta: { ok: ready } } }));
  m.attachSync(() => ({ revision: 'abc123', state: 'ok', lastSuccessAt: new Date(Date.now() - (id === '1' ? 5_000 : 9_000)) }));
  return m;
}

function line(text: string, pattern: RegExp): number {
  const found = text.split('\n').filter((l) => pattern.test(l));
  assert.equal(found.length, 1, `one line for ${String(pattern)} in:\n${found.join('\n')}`);
  return Number(found[0]?.split(' ').at(-1));
}

test('counters and histograms are summed; gauges aggregate as they say; the primary adds its syncs, not zeros', async () => {
  const primary = createMetrics({ serving: false, processLabels: { worker: 'primary' } });
  primary.syncFinished('ok');
  primary.syncFinished('failed');
  primary.electionsServed(3, 1);
  const text = await aggregate([await overIpc(primary), await overIpc(worker('1', 2, true)), await overIpc(worker('2', 5, false))]);
  assert.equal(line(text, /^scrutin_http_requests_total\{method="GET",route="\/elections",status="200"\}/), 7);
  assert.equal(line(text, /^scrutin_http_request_duration_seconds_count\{method="GET",route="\/elections"\}/), 7);
  assert.equal(line(text, /^scrutin_votes_cast_total\{election="2026---live"\}/), 2);
  assert.equal(line(text, /^scrutin_meta_sync_runs_total /), 2);
  assert.equal(line(text, /^scrutin_meta_sync_failures_total /), 1);
  // One worker not ready: the instance is not all ready (the primary has no readiness of its own).
  assert.equal(line(text, /^scrutin_ready /), 0);
  assert.equal(line(text, /^scrutin_ready_check\{check="meta"\}/), 0);
  assert.equal(line(text, /^scrutin_ready_check\{check="database"\}/), 1);
  assert.equal(line(text, /^scrutin_meta_revision_info\{revision="abc123",state="ok"\}/), 1);
  assert.ok(line(text, /^scrutin_meta_snapshot_age_seconds /) >= 9, 'the older of the two');
  assert.equal(line(text, /^scrutin_meta_elections\{state="ok"\}/), 3, "the primary's count, not added to nothing");
  // Connections held by the instance: both workers' (the primary has no pool here).
  assert.equal(line(text, /^scrutin_db_pool_connections\{state="in_use"\}/), 4);
  // Each process's own memory and start time, by its label.
  for (const id of ['primary', '1', '2']) {
    assert.ok(line(text, new RegExp(`^process_resident_memory_bytes\\{worker="${id}"\\}`)) > 0);
    assert.ok(line(text, new RegExp(`^process_start_time_seconds\\{worker="${id}"\\}`)) > 0);
  }
});

test('one process alone keeps its exposition: no worker label, same figures', async () => {
  const alone = createMetrics();
  alone.observeRequest('GET', '/elections', 200, 0.01);
  const scrape = await alone.scrape();
  assert.ok(scrape.ok);
  assert.equal(line(scrape.text, /^scrutin_http_requests_total\{/), 1);
  assert.ok(line(scrape.text, /^process_resident_memory_bytes /) > 0);
  assert.doesNotMatch(scrape.text, /worker="/);
  const quiet = createMetrics({ processMetrics: false });
  quiet.observeRequest('GET', '/elections', 200, 0.01);
  const again = await quiet.scrape();
  assert.ok(again.ok);
  assert.equal(again.text, await quiet.render(), 'the scrape is the registry, as before');
});

test('a worker that does not answer in time fails the scrape instead of hanging it', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const answering = worker('1', 1, true);
  const gatherer: MetricsGatherer = new MetricsGatherer({
    own: () => Promise.resolve([]),
    waitMs: 2_000,
    peers: () => [
      {
        id: 1,
        ask: (requestId) => {
          void overIpc(answering).then((m) => {
            gatherer.told(1, requestId, m);
          });
        },
      },
      { id: 2, ask: () => undefined },
    ],
  });
  const pending = gatherer.scrape();
  // Let the answering worker answer (real promises), then pass the wait.
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  t.mock.timers.tick(2_000);
  assert.deepEqual(await pending, { ok: false, reason: '1 worker(s) did not answer in time' });
  // An answer for a finished scrape, or from a worker not asked, changes nothing.
  gatherer.told(2, 1, []);
  gatherer.told(9, 99, []);
});

test('a worker that exits is no longer waited for', async () => {
  const gatherer: MetricsGatherer = new MetricsGatherer({
    own: () => Promise.resolve([]),
    peers: () => [
      {
        id: 1,
        ask: (requestId) => {
          void overIpc(worker('1', 4, true)).then((m) => {
            gatherer.told(1, requestId, m);
          });
        },
      },
      {
        id: 2,
        ask: () => {
          setImmediate(() => {
            gatherer.gone(2);
          });
        },
      },
    ],
  });
  const scrape = await gatherer.scrape();
  assert.ok(scrape.ok);
  assert.equal(line(scrape.text, /^scrutin_http_requests_total\{/), 4);
});
