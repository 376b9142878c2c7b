// `npm start` (scrutin demo) points META_REPO at a local git repository of the bundled
// examples: the service must come up serving its three elections, one in each phase,
// with their rows in the election table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseConfig } from '../../src/config.js';
import { phaseAt } from '../../src/core/election/phase.js';
import { prepareDemoRepo } from '../../src/demo/prepare.js';
import { startService } from '../../src/main.js';
import { tempDir } from '../metarepo/fixture.js';

test('the demo environment serves the three example elections after startup', async () => {
  const dir = tempDir('scrutin-demo-');
  const now = new Date();
  const repo = prepareDemoRepo(join(dir.path, 'data'), now);
  const config = parseConfig(
    {
      APP_ENV: 'development',
      DB_CONNECTION: 'sqlite',
      DB_PATH: join(dir.path, 'data', 'scrutin.db'),
      META_REPO: repo.path,
      META_PATH: join(dir.path, 'data', 'meta-clone'),
      META_BRANCH: 'main',
      ELECTION_DIR: 'elections',
      META_SECRET: 'demo-secret-0123456789',
    },
    dir.path,
    { purpose: 'serve' },
  );
  const sink = new Writable({
    write(_chunk, _enc, cb) {
      cb();
    },
  });
  const service = await startService(config, { listen: false, logDestination: sink });
  try {
    const snapshot = service.ctx.catalogue.current();
    assert.equal(snapshot.revision, repo.revision);
    // examples/meta/elections/{code-of-conduct/2026, community/mascot, steering/2026}
    assert.deepEqual([...snapshot.entries.keys()].sort(), ['code-of-conduct---2026', 'community---mascot', 'steering---2026']);
    const phases = new Set<string>();
    for (const entry of snapshot.entries.values()) {
      assert.ok(entry.ok, `${entry.key}: ${entry.problems.map((p) => p.message).join('; ')}`);
      phases.add(phaseAt(entry.election, now));
    }
    assert.deepEqual([...phases].sort(), ['completed', 'running', 'upcoming']);
    assert.deepEqual(
      (await service.ctx.store.elections.list()).map((r) => r.key),
      ['code-of-conduct---2026', 'community---mascot', 'steering---2026'],
    );
    assert.equal(service.ctx.catalogue.status().state, 'ok');
    assert.equal((await service.app.inject('/elections/steering---2026')).statusCode, 200);
  } finally {
    await service.stop();
    dir.cleanup();
  }
});

test("the demo's second community (Lantern) has one open election that alice may vote in", async () => {
  const dir = tempDir('scrutin-demo-');
  try {
    const now = new Date();
    const { secondExamplesDir } = await import('../../src/demo/prepare.js');
    const repo = prepareDemoRepo(join(dir.path, 'data'), now, secondExamplesDir, 'lantern-repo');
    const { loadSnapshot } = await import('../../src/metarepo/load.js');
    const snapshot = await loadSnapshot({ root: repo.path, electionDir: 'elections', inProcess: true });
    const entry = snapshot.entries.get('tsc---2026');
    assert.ok(entry?.ok === true);
    assert.equal(phaseAt(entry.election, now), 'running');
    assert.ok(entry.election.voters.includes('alice'));
    assert.deepEqual(entry.problems, []);
  } finally {
    dir.cleanup();
  }
});
