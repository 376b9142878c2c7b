// Metrics: what is counted, under which labels, and where /metrics can be read
// (token on the main listener, its own port, or nowhere).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMetrics, scrapeAllowed, UNMATCHED_ROUTE } from '../../src/observability/metrics.js';
import { startTestApp } from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';
import { fetchRaw, freePort, sample, startListening } from './support.js';

describe('the metrics registry', () => {
  it('counts requests by route pattern and status, and times them', async () => {
    const m = createMetrics({ processMetrics: false });
    m.observeRequest('GET', '/app/elections/:key', 200, 0.02);
    m.observeRequest('GET', '/app/elections/:key', 200, 3);
    m.observeRequest('GET', undefined, 404, 0.001);
    const text = await m.render();
    assert.equal(sample(text, 'scrutin_http_requests_total', { method: 'GET', route: '/app/elections/:key', status: '200' }), 2);
    assert.equal(sample(text, 'scrutin_http_requests_total', { route: UNMATCHED_ROUTE, status: '404' }), 1);
    // 0.02 s falls in the 0.025 bucket, 3 s only from the 5 s bucket up.
    assert.equal(sample(text, 'scrutin_http_request_duration_seconds_bucket', { route: '/app/elections/:key', le: '0.025' }), 1);
    assert.equal(sample(text, 'scrutin_http_request_duration_seconds_bucket', { route: '/app/elections/:key', le: '2.5' }), 1);
    assert.equal(sample(text, 'scrutin_http_request_duration_seconds_bucket', { route: '/app/elections/:key', le: '5' }), 2);
  });

  it('counts votes per election, sync runs and failures', async () => {
    const m = createMetrics({ processMetrics: false });
    m.voteCast('2024-board');
    m.voteCast('2024-board');
    m.voteCast('naming');
    m.syncFinished('ok');
    m.syncFinished('failed');
    m.syncFinished('ok');
    const text = await m.render();
    assert.equal(sample(text, 'scrutin_votes_cast_total', { election: '2024-board' }), 2);
    assert.equal(sample(text, 'scrutin_votes_cast_total', { election: 'naming' }), 1);
    assert.equal(sample(text, 'scrutin_meta_sync_runs_total'), 3);
    assert.equal(sample(text, 'scrutin_meta_sync_failures_total'), 1);
  });

  it('reads the KDF queue, the served revision and the pool at scrape time', async () => {
    let load = { queued: 0, running: 0 };
    let revision: string | null = null;
    const m = createMetrics({ processMetrics: false, pool: () => ({ total: 5, idle: 2, waiting: 4 }) });
    let text = await m.render();
    assert.equal(sample(text, 'scrutin_kdf_queued'), 0, 'nothing attached yet: zero, not an error');
    m.attachKdf(() => load);
    m.attachSync(() => ({ revision, state: revision === null ? 'empty' : 'ok' }));
    load = { queued: 3, running: 1 };
    revision = 'abc123';
    text = await m.render();
    assert.equal(sample(text, 'scrutin_kdf_queued'), 3);
    assert.equal(sample(text, 'scrutin_kdf_running'), 1);
    assert.equal(sample(text, 'scrutin_meta_revision_info', { revision: 'abc123', state: 'ok' }), 1);
    assert.equal(sample(text, 'scrutin_db_pool_connections', { state: 'in_use' }), 3);
    assert.equal(sample(text, 'scrutin_db_pool_connections', { state: 'idle' }), 2);
    assert.equal(sample(text, 'scrutin_db_pool_waiting'), 4);
    revision = 'def456';
    text = await m.render();
    assert.equal(sample(text, 'scrutin_meta_revision_info', { revision: 'def456' }), 1);
    assert.equal(sample(text, 'scrutin_meta_revision_info', { revision: 'abc123' }), undefined, 'an old revision does not linger');
  });

  it('keeps two services apart (no global registry)', async () => {
    const a = createMetrics({ processMetrics: false });
    const b = createMetrics();
    a.voteCast('x');
    assert.equal(sample(await a.render(), 'scrutin_votes_cast_total', { election: 'x' }), 1);
    assert.equal(sample(await b.render(), 'scrutin_votes_cast_total', { election: 'x' }), undefined);
    assert.ok((await b.render()).includes('process_resident_memory_bytes'), 'process metrics on by default');
  });

  it('accepts a scrape only with the exact bearer token, and none at all without a token', () => {
    assert.equal(scrapeAllowed(undefined, null), false);
    assert.equal(scrapeAllowed('Bearer ', null), false);
    assert.equal(scrapeAllowed('Bearer anything', ''), false);
    assert.equal(scrapeAllowed('Bearer s3cret-token', 's3cret-token'), true);
    assert.equal(scrapeAllowed('bearer s3cret-token', 's3cret-token'), true);
    assert.equal(scrapeAllowed('Bearer s3cret-toke', 's3cret-token'), false);
    assert.equal(scrapeAllowed('Bearer s3cret-token-and-more', 's3cret-token'), false);
    assert.equal(scrapeAllowed('s3cret-token', 's3cret-token'), false);
    assert.equal(scrapeAllowed(undefined, 's3cret-token'), false);
    assert.equal(scrapeAllowed('Bearer ', 's3cret-token'), false);
  });
});

describe('GET /metrics', { timeout: 60_000 }, () => {
  it('answers 404 when neither METRICS_TOKEN nor METRICS_PORT is set', async () => {
    const t = await startTestApp();
    try {
      const res = await t.client().get('/metrics');
      assert.equal(res.statusCode, 404);
      assert.ok(!res.body.includes('scrutin_'));
    } finally {
      await t.close();
    }
  });

  it('requires the bearer token when METRICS_TOKEN is set, and labels routes by pattern', async () => {
    const token = 'metrics-token-4f1c2a9e';
    const t = await startTestApp({ env: { METRICS_TOKEN: token } });
    try {
      const c = t.client();
      assert.equal((await c.get('/health')).statusCode, 200);
      assert.equal((await c.get('/no/such/page-zq81')).statusCode, 404);
      const anonymous = await c.get('/metrics');
      assert.equal(anonymous.statusCode, 401);
      assert.match(String(anonymous.headers['www-authenticate']), /^Bearer/);
      assert.equal((await c.get('/metrics', { authorization: 'Bearer wrong' })).statusCode, 401);
      const res = await c.get('/metrics', { authorization: `Bearer ${token}` });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^text\/plain/);
      assert.equal(sample(res.body, 'scrutin_http_requests_total', { method: 'GET', route: '/health', status: '200' }), 1);
      assert.equal(sample(res.body, 'scrutin_http_requests_total', { route: UNMATCHED_ROUTE, status: '404' }), 1);
      assert.ok(!res.body.includes('page-zq81'), 'a raw URL never becomes a label');
      assert.equal(sample(res.body, 'scrutin_meta_revision_info', { state: 'ok' }), 1);
      assert.notEqual(sample(res.body, 'scrutin_db_pool_connections', { state: 'idle' }), undefined);
    } finally {
      await t.close();
    }
  });

  it('is served only on METRICS_PORT when that is set, still behind the token', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const token = 'metrics-token-77aa01';
    const app = await startListening({ APP_PORT: String(port), METRICS_PORT: String(metricsPort), METRICS_TOKEN: token });
    try {
      const main = await fetchRaw({ url: `http://127.0.0.1:${port}/metrics` }, { authorization: `Bearer ${token}` });
      assert.equal(main.status, 404, 'not on the main listener');
      assert.equal((await fetchRaw({ url: `http://127.0.0.1:${metricsPort}/metrics` })).status, 401);
      const ok = await fetchRaw({ url: `http://127.0.0.1:${metricsPort}/metrics` }, { authorization: `Bearer ${token}` });
      assert.equal(ok.status, 200);
      assert.equal(
        sample(ok.body, 'scrutin_http_requests_total', { route: '/metrics', status: '404' }),
        undefined,
        'the 404 above had no route',
      );
      assert.equal(sample(ok.body, 'scrutin_http_requests_total', { route: UNMATCHED_ROUTE, status: '404' }), 1);
      assert.equal((await fetchRaw({ url: `http://127.0.0.1:${metricsPort}/health` })).status, 404, 'the metrics port serves nothing else');
    } finally {
      await app.close();
    }
    await assert.rejects(fetchRaw({ url: `http://127.0.0.1:${metricsPort}/metrics` }), 'the metrics listener stops with the service');
  });

  it('is never served without a token: METRICS_PORT alone stops `scrutin serve` before anything listens', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const r = await runCli(['serve'], {
      APP_ENV: 'development',
      APP_PORT: String(port),
      METRICS_PORT: String(metricsPort),
      DB_PATH: ':memory:',
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /- METRICS_PORT is set but METRICS_TOKEN is not/);
    await assert.rejects(fetchRaw({ url: `http://127.0.0.1:${metricsPort}/metrics` }), 'nothing listens on the metrics port');
  });
});
