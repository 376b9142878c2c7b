// The database going away and coming back, seen through a TCP proxy of our own between
// Scrutin and the shared server (which the tests must not stop):
// - stopped and restarted under a vote burst: every connection is reset and new ones
//   are refused for 2 s, then the database is back;
// - a network that hangs: nothing answers, connections stay open. Scrutin's own limits
//   (DB_STATEMENT_TIMEOUT, DB_REQUEST_TIMEOUT, DB_ACQUIRE_TIMEOUT) answer every request
//   with a 503 instead of waiting, readiness says so, and both recover when it is over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects, freshDatabase } from '../helpers/db.js';
import { tempDir } from '../metarepo/fixture.js';
import {
  assertSurvived,
  signedInVoters,
  sleep,
  startServer,
  summary,
  TcpProxy,
  throughProxy,
  untilReady,
  writeElection,
} from './support.js';

const VOTERS = Array.from({ length: 16 }, (_, i) => `burst${String(i).padStart(2, '0')}`);

for (const kind of dialects().filter((k) => k !== 'sqlite')) {
  test(`on ${kind}: the database stopped and restarted under a vote burst, then a network that hangs`, async (t) => {
    const database = await freshDatabase(kind);
    const target = new URL(database.url);
    const proxy = await TcpProxy.start(target.hostname, Number(target.port));
    const meta = tempDir('scrutin-chaos-');
    writeElection(meta.path, VOTERS);
    const server = await startServer({
      DATABASE_URL: throughProxy(database, proxy),
      META_PATH: meta.path,
      // Short limits, so the hang is over in seconds (the defaults are 10, 5 and 20 s).
      DB_STATEMENT_TIMEOUT: '1',
      DB_ACQUIRE_TIMEOUT: '1',
      DB_REQUEST_TIMEOUT: '2',
    });
    try {
      // 1. Stopped and restarted: connections reset, new ones refused for 2 s.
      const first = await signedInVoters(server.port, VOTERS.slice(0, 8));
      const burst = first.map((v) => v.keepVoting(Date.now() + 30_000, 100));
      await sleep(150);
      proxy.cut();
      await sleep(1_000);
      assert.equal(await server.get('/health/ready'), 503, 'not ready while the database is away');
      assert.equal(await server.get('/health/live'), 200, 'alive: restarting would not help');
      await sleep(1_000);
      proxy.pass();
      const backAfterMs = await untilReady(server);
      await Promise.all(burst);
      await assertSurvived(server, database, first, 'the restart');
      assert.deepEqual(
        first.filter((v) => !v.done).map((v) => v.login),
        [],
        'every voter got a ballot in after the restart',
      );
      t.diagnostic(`restart: answers ${summary(first)}; ready again ${backAfterMs} ms after the database came back`);

      // 2. A network that hangs: every request is answered (503) within the limits.
      const second = await signedInVoters(server.port, VOTERS.slice(8));
      proxy.hang();
      const began = Date.now();
      await Promise.all(second.map((v) => v.browseAndVote()));
      const tookMs = Date.now() - began;
      assert.deepEqual([...new Set(second.flatMap((v) => v.results))], ['unavailable'], summary(second));
      assert.equal(await server.get('/health/ready', 15_000), 503, 'readiness answers, and says not ready');
      assert.equal(await server.get('/health/live'), 200);
      proxy.pass();
      const readyAfterMs = await untilReady(server);
      await Promise.all(second.map((v) => v.keepVoting(Date.now() + 30_000, 100)));
      await assertSurvived(server, database, [...first, ...second], 'the hang');
      assert.deepEqual(
        second.filter((v) => !v.done).map((v) => v.login),
        [],
      );
      t.diagnostic(
        `hang: 8 voters answered in ${tookMs} ms (the client would have waited 20 s); ready again ${readyAfterMs} ms after; answers ${summary(second)}`,
      );
      assert.ok(![...first, ...second].flatMap((v) => v.statuses).includes(500), 'no 500 pages: 503 while the database is away');
    } finally {
      await server.stop();
      await proxy.close();
      await database.drop();
      meta.cleanup();
    }
  });
}
