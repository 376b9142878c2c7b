// A corrupted meta clone (issue 16's acceptance): a server restarted with a clone git
// cannot read moves it aside, clones again and serves every election; a clone that
// breaks while the server runs is healed at the next sync; and when the repository
// cannot be reached either, the server stays not ready (no elections to offer) until it
// can, instead of answering "ready" with every election missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { syncCheckout } from '../../src/metarepo/git.js';
import { freshDatabase } from '../helpers/db.js';
import { waitFor } from '../helpers/net.js';
import { corruptObjects, makeUpstream } from '../metarepo/gitRepo.js';
import { SECRET, sign, startMetaServer } from '../sync/harness.js';
import { startServer, untilReady } from './support.js';

const ELECTIONS = ['2021---GB', '2021---TOC', 'name_the_app'];

test('a server restarted with a corrupted clone clones again and serves every election; a clone that breaks later heals at the next sync', async (t) => {
  const upstream = makeUpstream();
  const database = await freshDatabase('sqlite');
  const env = {
    DATABASE_URL: database.url,
    META_REPO: upstream.bare,
    META_PATH: upstream.checkout,
    META_BRANCH: 'main',
    ELECTION_DIR: 'elections',
    META_SECRET: SECRET,
  };
  // The clone an earlier run left behind, then damaged (a full disk, a crash mid-write…).
  await syncCheckout({ repo: upstream.bare, path: upstream.checkout, branch: 'main', electionDir: 'elections', env: upstream.env });
  assert.ok(corruptObjects(upstream.checkout) > 0);
  const server = await startServer(env);
  try {
    const readyAfterMs = await untilReady(server);
    for (const key of ELECTIONS) assert.equal(await server.get(`/elections/${key}`), 200, `${key} is served`);
    assert.ok(existsSync(`${upstream.checkout}.broken`), 'the unreadable clone was moved aside');
    assert.match(server.output(), /could not be read by git/);

    // Broken again while serving: the next webhook's sync heals it.
    rmSync(`${upstream.checkout}.broken`, { recursive: true, force: true });
    corruptObjects(upstream.checkout);
    const body = JSON.stringify({ ref: 'refs/heads/main' });
    const delivered = await fetch(`http://127.0.0.1:${server.port}/v1/webhooks/meta/sync`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': sign(body),
      },
      body,
    });
    assert.equal(delivered.status, 202);
    await waitFor(
      () => Promise.resolve(existsSync(`${upstream.checkout}.broken`) ? true : undefined),
      30_000,
      'the clone moved aside at the sync',
    );
    await untilReady(server);
    for (const key of ELECTIONS) assert.equal(await server.get(`/elections/${key}`), 200, `${key} is still served`);
    assert.ok(server.alive());
    t.diagnostic(`ready ${readyAfterMs} ms after the server started listening`);
  } finally {
    await server.stop();
    await database.drop();
    upstream.cleanup();
  }
});

test('a corrupted clone and an unreachable repository: not ready, with no elections, until the repository is back', async () => {
  const upstream = makeUpstream();
  await syncCheckout({ repo: upstream.bare, path: upstream.checkout, branch: 'main', electionDir: 'elections', env: upstream.env });
  corruptObjects(upstream.checkout);
  renameSync(upstream.bare, `${upstream.bare}.away`);
  const server = await startMetaServer(upstream);
  try {
    const inject = (url: string) => server.service.app.inject(url);
    assert.equal((await inject('/health/ready')).statusCode, 503);
    assert.equal((await inject('/health')).statusCode, 503, 'the old endpoint says so too: load balancers must not send voters here');
    assert.equal((await inject('/health/live')).statusCode, 200);
    assert.ok(
      server.logs.some((l) => l.includes('not ready')),
      'the logs say why',
    );
    renameSync(`${upstream.bare}.away`, upstream.bare);
    assert.equal((await server.deliver()).statusCode, 202);
    await server.until(() => server.service.ctx.catalogue.current().entries.size === ELECTIONS.length, 'the elections loaded');
    assert.equal((await inject('/health/ready')).statusCode, 200);
    for (const key of ELECTIONS) assert.equal((await inject(`/elections/${key}`)).statusCode, 200);
  } finally {
    await server.close();
    upstream.cleanup();
  }
});
