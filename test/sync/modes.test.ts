// Where the elections come from when META_REPO is not a reachable repository: a first
// sync that fails still lets the server start (not ready); with META_REPO unset a
// META_PATH folder is served as it is; with neither, no elections and no sync.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../src/config.js';
import { startService } from '../../src/main.js';
import { freshDatabase } from '../helpers/db.js';
import { waitFor } from '../helpers/net.js';
import { copyFixture, tempDir } from '../metarepo/fixture.js';
import { makeUpstream } from '../metarepo/gitRepo.js';
import { SECRET, sign } from './harness.js';
import { logSink } from '../helpers/logs.js';

async function start(env: Record<string, string>, cwd: string) {
  const database = await freshDatabase('sqlite');
  const config = parseConfig(
    { APP_ENV: 'development', APP_KEY: 'test-key-0123456789abcdef', DATABASE_URL: database.url, META_SECRET: SECRET, ...env },
    cwd,
    { purpose: 'serve' },
  );
  const { logs, sink } = logSink();
  const service = await startService(config, { listen: false, logDestination: sink });
  const deliver = () => {
    const body = JSON.stringify({ ref: 'refs/heads/main' });
    return service.app.inject({
      method: 'POST',
      url: '/v1/webhooks/meta/sync',
      payload: body,
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': sign(body) },
    });
  };
  return {
    service,
    logs,
    deliver,
    close: async () => {
      await service.stop();
      await database.drop();
    },
  };
}

test('an unreachable META_REPO at startup: the server starts, empty and not ready, and recovers when the repository appears', async () => {
  const upstream = makeUpstream();
  const missing = `${upstream.bare}.later`;
  renameSync(upstream.bare, missing);
  const s = await start({ META_REPO: upstream.bare, META_PATH: upstream.checkout }, upstream.root);
  try {
    assert.equal(s.service.ctx.catalogue.current().entries.size, 0);
    // No elections at all: a load balancer must not send voters here (issue 16).
    const health = await s.service.app.inject('/health');
    assert.equal(health.statusCode, 503);
    assert.deepEqual(health.json(), { status: 'down' });
    assert.equal((await s.service.app.inject('/health/ready')).statusCode, 503);
    assert.equal((await s.service.app.inject('/health/live')).statusCode, 200, 'alive all the same: no restart would help');
    assert.ok(
      s.logs.some((l) => l.includes('the first meta repository sync failed')),
      'the failure is logged',
    );
    assert.deepEqual(await s.service.ctx.store.elections.list(), []);

    renameSync(missing, upstream.bare);
    assert.equal((await s.deliver()).statusCode, 202);
    await waitFor(
      () => Promise.resolve(s.service.ctx.catalogue.current().entries.size === 3 ? true : undefined),
      20_000,
      'the repository synced',
    );
    assert.equal((await s.service.app.inject('/health')).json<{ status: string }>().status, 'ok');
    assert.equal((await s.service.app.inject('/health/ready')).statusCode, 200);
  } finally {
    await s.close();
    upstream.cleanup();
  }
});

test('META_REPO unset and META_PATH holding ELECTION_DIR: served as a plain folder, re-read on a webhook; a vanished folder keeps the last snapshot', async () => {
  const dir = tempDir();
  const path = join(dir.path, 'meta');
  copyFixture(path);
  const s = await start({ META_PATH: path }, dir.path);
  try {
    const meta = s.service.ctx.meta;
    assert.equal(meta?.mode, 'folder');
    assert.equal(s.service.ctx.catalogue.current().revision, null, 'a plain folder has no revision');
    assert.equal(s.service.ctx.catalogue.current().entries.size, 3);
    assert.equal((await s.service.ctx.store.elections.list()).length, 3);

    writeFileSync(join(path, 'elections', '2021', 'GB', 'voters.yaml'), 'eligible_voters:\n  - someone-new\n');
    assert.equal((await s.deliver()).statusCode, 202);
    await waitFor(
      () => {
        const gb = s.service.ctx.catalogue.current().entries.get('2021---GB');
        return Promise.resolve(gb?.ok === true && gb.election.voterSet.has('someone-new') ? true : undefined);
      },
      20_000,
      'the folder re-read',
    );

    const before = s.service.ctx.catalogue.current();
    renameSync(path, `${path}.moved`);
    assert.equal((await s.deliver()).statusCode, 202);
    await waitFor(
      () => Promise.resolve(s.service.ctx.catalogue.status().state === 'degraded' ? true : undefined),
      20_000,
      'the failure noticed',
    );
    assert.equal(s.service.ctx.catalogue.current(), before);
    assert.ok(
      (await s.service.ctx.store.elections.list()).every((r) => r.orphanedAt === null),
      'nothing orphaned',
    );
  } finally {
    await s.close();
    dir.cleanup();
  }
});

test('neither META_REPO nor a META_PATH folder: no elections, no sync, the webhook says so', async () => {
  const dir = tempDir();
  const s = await start({ META_PATH: join(dir.path, 'nothing-here') }, dir.path);
  try {
    assert.equal(s.service.ctx.meta, null);
    assert.equal(s.service.ctx.requestSync, undefined);
    assert.equal(s.service.ctx.catalogue.current().entries.size, 0);
    const res = await s.deliver();
    assert.equal(res.statusCode, 503);
    assert.match(res.json<{ error: string }>().error, /No meta repository/);
    assert.equal(existsSync(join(dir.path, 'nothing-here')), false, 'nothing was created');
  } finally {
    await s.close();
    dir.cleanup();
  }
});
