// Connections terminated mid-transaction (issue 16's acceptance): every 100 ms for 6 s an
// administrator ends every backend of Scrutin's database while 24 voters browse and
// vote. Before the fix the first termination of a connection in use killed the
// process ("Unhandled 'error' event" from a pg client). Now every fault is an answer
// (503, never a 500), every acknowledged ballot is stored, and readiness comes back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects, freshDatabase } from '../helpers/db.js';
import { tempDir } from '../metarepo/fixture.js';
import { assertSurvived, backendKiller, signedInVoters, sleep, startServer, summary, untilReady, writeElection } from './support.js';

const VOTERS = Array.from({ length: 24 }, (_, i) => `chaos${String(i).padStart(2, '0')}`);

for (const kind of dialects().filter((k) => k !== 'sqlite')) {
  test(`on ${kind}: backends terminated every 100 ms for 6 s while 24 voters browse and vote`, async (t) => {
    const database = await freshDatabase(kind);
    const meta = tempDir('scrutin-chaos-');
    writeElection(meta.path, VOTERS);
    const server = await startServer({ DATABASE_URL: database.url, META_PATH: meta.path });
    const killer = backendKiller(database);
    try {
      const voters = await signedInVoters(server.port, VOTERS);
      let terminated = 0;
      const stopAt = Date.now() + 6_000;
      const killerLoop = (async () => {
        while (Date.now() < stopAt) {
          terminated += await killer.kill();
          await sleep(100);
        }
      })();
      // Each voter browses for a while, votes (again and again until the ballot is in),
      // and browses on until the terminations stop: votes land all through the 6 s.
      const voting = voters.map(async (v, i) => {
        await v.keepBrowsing(Date.now() + (i * 5_000) / VOTERS.length);
        await v.keepVoting(Date.now() + 30_000);
        await v.keepBrowsing(stopAt);
      });
      await killerLoop;
      const readyAfterMs = await untilReady(server);
      await Promise.all(voting);
      await assertSurvived(server, database, voters, 'the terminations');
      t.diagnostic(
        `${terminated} backends terminated; answers: ${summary(voters)}; ready again ${readyAfterMs} ms after the last termination`,
      );
      assert.ok(terminated > 0, 'backends were terminated');
      assert.deepEqual(
        voters.filter((v) => !v.done).map((v) => v.login),
        [],
        'every voter got a ballot in once the database was left alone',
      );
      const statuses = voters.flatMap((v) => v.statuses);
      assert.ok(!statuses.includes(500), 'a database fault is a 503 "temporarily unavailable", never a 500');
    } finally {
      await killer.close();
      await server.stop();
      await database.drop();
      meta.cleanup();
    }
  });
}
