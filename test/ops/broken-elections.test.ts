// Broken elections and the server's readiness are visible to operators (issue 16): a
// sync that loads an election whose files have errors logs a warning naming it, and
// /metrics counts ok and broken elections next to the readiness checks and the
// database faults. The public health endpoints stay terse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeUpstream } from '../metarepo/gitRepo.js';
import { startMetaServer } from '../sync/harness.js';

const TOKEN = 'broken-elections-metrics-token';

test('a broken election is logged and counted in /metrics; readiness and faults are there too', async () => {
  const upstream = makeUpstream();
  upstream.write('elections/2024/broken/election.yaml', 'name: [unclosed\n');
  upstream.write('elections/2024/broken/voters.yaml', 'eligible_voters:\n  - alice\n');
  upstream.commit('a broken election');
  upstream.push();
  const server = await startMetaServer(upstream, { env: { METRICS_TOKEN: TOKEN } });
  try {
    assert.ok(
      server.logs.some((l) => l.includes('"level":40') && l.includes('2024---broken') && l.includes('errors in its files')),
      'a warning names the broken election',
    );
    const scrape = await server.service.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(scrape.statusCode, 200);
    assert.match(scrape.body, /^scrutin_meta_elections\{state="ok"\} 3$/m);
    assert.match(scrape.body, /^scrutin_meta_elections\{state="broken"\} 1$/m);
    assert.match(scrape.body, /^scrutin_ready 1$/m);
    for (const check of ['database', 'meta', 'disk'])
      assert.match(scrape.body, new RegExp(`^scrutin_ready_check\\{check="${check}"\\} 1$`, 'm'));
    assert.match(scrape.body, /^scrutin_db_faults_total\{fault="unreachable"\} 0$/m);
    assert.match(scrape.body, /^scrutin_meta_snapshot_age_seconds \d/m);
    // The public endpoints say nothing of it.
    assert.deepEqual((await server.service.app.inject('/health')).json(), { status: 'ok' });
    assert.equal((await server.service.app.inject('/elections/2024---broken')).statusCode, 503, 'voters see it as unavailable');
  } finally {
    await server.close();
    upstream.cleanup();
  }
});
