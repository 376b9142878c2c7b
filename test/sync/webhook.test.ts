// POST /v1/webhooks/meta/sync against a server on a local git repository: only a
// delivery signed with META_SECRET (HMAC-SHA256 of the exact body) starts a sync; every
// other delivery is answered without touching the catalogue or the database.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { META_REVISION_SETTING } from '../../src/app/syncMeta.js';
import { validSignature } from '../../src/http/routes/webhook.js';
import { makeUpstream, type Upstream } from '../metarepo/gitRepo.js';
import { startMetaServer, sign, SECRET, type MetaServer } from './harness.js';
import { dialects, freshDatabase } from '../helpers/db.js';

test('validSignature: the right HMAC passes; wrong, truncated, other-algorithm or absent ones fail', () => {
  const body = Buffer.from('{"ref":"refs/heads/main"}');
  const good = sign(body);
  assert.equal(validSignature(SECRET, body, good), true);
  assert.equal(validSignature(SECRET, body, good.toUpperCase().replace('SHA256=', 'sha256=')), true, 'hex digits in either case');
  assert.equal(validSignature(SECRET, Buffer.from(`${body.toString()} `), good), false, 'one byte more in the body');
  assert.equal(validSignature('another-secret', body, good), false);
  assert.equal(validSignature(SECRET, body, good.slice(0, -2)), false, 'too short');
  assert.equal(validSignature(SECRET, body, `${good}00`), false, 'too long');
  assert.equal(validSignature(SECRET, body, good.replace('sha256=', 'sha1=')), false);
  assert.equal(validSignature(SECRET, body, good.slice('sha256='.length)), false, 'without the prefix');
  assert.equal(validSignature(SECRET, body, undefined), false);
  assert.equal(validSignature(SECRET, body, [good, good]), false, 'a repeated header');
});

describe('webhook on a server following a local git repository', () => {
  let upstream: Upstream;
  let server: MetaServer;
  let requests: string[];

  before(async () => {
    upstream = makeUpstream();
    server = await startMetaServer(upstream);
    // Watch what reaches the sync, without changing what it does.
    const real = server.service.ctx.requestSync;
    assert.ok(real !== undefined, 'a git-backed server can sync');
    requests = [];
    server.service.ctx.requestSync = (reason) => {
      requests.push(reason);
      real(reason);
    };
  });
  after(async () => {
    await server.close();
    upstream.cleanup();
  });

  test('bad deliveries: missing, wrong, wrong-length signatures are 401 and start nothing', async () => {
    const revision = server.service.ctx.catalogue.current().revision;
    const recorded = await server.service.ctx.store.settings.get(META_REVISION_SETTING);
    assert.equal(recorded, revision, 'the first sync recorded its revision');
    upstream.write('elections/2021/GB/voters.yaml', 'eligible_voters:\n  - dims\n  - intruder\n');
    upstream.commit('add intruder');
    upstream.push();
    const body = JSON.stringify({ ref: 'refs/heads/main' });
    const cases: Array<[string, string | null]> = [
      ['missing', null],
      ['wrong secret', sign(body, 'not-the-secret')],
      ['wrong length', 'sha256=abcd'],
      ['empty', ''],
      ['sha1 only', `sha1=${'0'.repeat(40)}`],
      ['signature of another body', sign(JSON.stringify({ ref: 'refs/heads/main', x: 1 }))],
    ];
    for (const [what, signature] of cases) {
      const res = await server.deliver({ body, signature });
      assert.equal(res.statusCode, 401, what);
      assert.equal(res.headers['content-type']?.toString().startsWith('application/json'), true, what);
      assert.equal(res.json<{ error: string }>().error, 'Invalid signature', what);
    }
    assert.deepEqual(requests, [], 'no sync was requested');
    // A sync that had started would have swapped in the pushed commit; none did.
    assert.equal(server.service.ctx.catalogue.current().revision, revision);
    assert.equal(server.meta.catalogue.status().syncing, false);
    assert.equal(await server.service.ctx.store.settings.get(META_REVISION_SETTING), revision);
    const gb = server.entry('2021---GB');
    assert.ok(gb.ok && !gb.election.voterSet.has('intruder'));
    // The log says a delivery was refused, never what it carried.
    const all = server.logs.join('');
    assert.ok(all.includes('rejected a delivery without a valid signature'));
    assert.ok(!all.includes(sign(body, 'not-the-secret')));
    assert.ok(!all.includes('refs/heads/main"'), 'the body is not logged');
  });

  test('ping is 200; a push to another branch and other events are 202 ignored; nothing starts', async () => {
    requests.length = 0;
    const ping = await server.deliver({ event: 'ping', body: JSON.stringify({ zen: 'Design for failure.', hook_id: 1 }) });
    assert.equal(ping.statusCode, 200);
    const other = await server.deliver({ ref: 'refs/heads/feature' });
    assert.equal(other.statusCode, 202);
    assert.match(other.json<{ ignored: string }>().ignored, /refs\/heads\/feature/);
    const tag = await server.deliver({ ref: 'refs/tags/v1' });
    assert.equal(tag.statusCode, 202);
    assert.ok('ignored' in tag.json<object>());
    const issue = await server.deliver({ event: 'issues' });
    assert.equal(issue.statusCode, 202);
    assert.ok('ignored' in issue.json<object>());
    assert.deepEqual(requests, []);
  });

  test('a signed payload that is not JSON is 400 and starts nothing', async () => {
    requests.length = 0;
    const res = await server.deliver({ body: 'not json{' });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(requests, []);
  });

  test('a good push is 202 at once and the sync follows in the background', async () => {
    requests.length = 0;
    const pushed = upstream.git('rev-parse', 'HEAD');
    const res = await server.deliver();
    assert.equal(res.statusCode, 202);
    assert.equal(res.json<{ status: string }>().status, 'accepted');
    assert.equal(requests.length, 1);
    await server.until(() => server.service.ctx.catalogue.current().revision === pushed, 'the pushed commit served');
    const gb = server.entry('2021---GB');
    assert.ok(gb.ok && gb.election.voterSet.has('intruder'));
    await server.until(() => !server.meta.catalogue.status().syncing, 'the sync finished');
    assert.equal(await server.service.ctx.store.settings.get(META_REVISION_SETTING), pushed);
  });

  test('a replayed delivery (the same X-GitHub-Delivery) is answered 200 "duplicate" and syncs nothing', async () => {
    requests.length = 0;
    const body = JSON.stringify({ ref: 'refs/heads/main', after: 'a'.repeat(40) });
    const first = await server.deliver({ body, delivery: 'd1c0ffee-0000-4000-8000-000000000001' });
    assert.equal(first.statusCode, 202);
    assert.equal(requests.length, 1);
    for (const again of [body, JSON.stringify({ ref: 'refs/heads/main', after: 'b'.repeat(40) })]) {
      const replay = await server.deliver({ body: again, delivery: 'd1c0ffee-0000-4000-8000-000000000001' });
      assert.equal(replay.statusCode, 200);
      assert.equal(replay.json<{ status: string }>().status, 'duplicate');
    }
    assert.equal(requests.length, 1, 'the replays requested no sync');
    // A new delivery syncs; a signed request without the header (an operator's curl) too.
    assert.equal((await server.deliver({ body, delivery: 'd1c0ffee-0000-4000-8000-000000000002' })).statusCode, 202);
    assert.equal((await server.deliver({ body, delivery: null })).statusCode, 202);
    assert.equal((await server.deliver({ body, delivery: null })).statusCode, 202);
    assert.equal(requests.length, 4);
    // Refused deliveries are not recorded: the id stays usable by the real one.
    assert.equal(
      (await server.deliver({ body, delivery: 'd1c0ffee-0000-4000-8000-000000000003', signature: sign(body, 'not-the-secret') }))
        .statusCode,
      401,
    );
    assert.equal((await server.deliver({ body, delivery: 'd1c0ffee-0000-4000-8000-000000000003' })).statusCode, 202);
    await server.until(() => !server.meta.catalogue.status().syncing, 'the syncs finished');
  });

  test("GitHub's form-encoded deliveries (payload=...) are verified over the raw body too", async () => {
    requests.length = 0;
    const body = new URLSearchParams({ payload: JSON.stringify({ ref: 'refs/heads/main' }) }).toString();
    const ok = await server.deliver({ body, contentType: 'application/x-www-form-urlencoded' });
    assert.equal(ok.statusCode, 202);
    const elsewhere = new URLSearchParams({ payload: JSON.stringify({ ref: 'refs/heads/other' }) }).toString();
    const ignored = await server.deliver({ body: elsewhere, contentType: 'application/x-www-form-urlencoded' });
    assert.equal(ignored.statusCode, 202);
    assert.ok('ignored' in ignored.json<object>());
    const bad = await server.deliver({ body, contentType: 'application/x-www-form-urlencoded', signature: sign(`${body}&x=1`) });
    assert.equal(bad.statusCode, 401);
    assert.equal(requests.length, 1);
  });

  test('other routes still parse forms and JSON as before (the raw-body parser is scoped to the webhook)', async () => {
    const res = await server.service.app.inject({
      method: 'POST',
      url: '/login/dev',
      payload: 'username=alice',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    // Refused for its missing CSRF token (403), which needs the form to have been parsed.
    assert.equal(res.statusCode, 403);
  });

  test('the webhook is rate limited per client even when the general limit is off', async () => {
    let status = 0;
    for (let i = 0; i < 70 && status !== 429; i++) status = (await server.deliver({ signature: null })).statusCode;
    assert.equal(status, 429);
  });
});

describe('webhook without META_SECRET', () => {
  test('answers 503 with a clear message, even to a signed delivery, and startup warned', async () => {
    const upstream = makeUpstream();
    const server = await startMetaServer(upstream, { env: { META_SECRET: '' } });
    try {
      assert.equal(server.config.meta.secret, null);
      const res = await server.deliver();
      assert.equal(res.statusCode, 503);
      assert.match(res.json<{ message: string }>().message, /META_SECRET/);
      assert.equal((await server.deliver({ signature: null })).statusCode, 503);
      assert.ok(
        server.logs.some((l) => l.includes('META_SECRET is not set')),
        'startup logged a warning',
      );
    } finally {
      await server.close();
      upstream.cleanup();
    }
  });
});

for (const kind of dialects()) {
  describe(`webhook replays across two replicas on one ${kind} database`, () => {
    test('a delivery accepted by one replica is a duplicate on the other; of simultaneous copies exactly one syncs', async () => {
      const upstream = makeUpstream();
      const database = await freshDatabase(kind);
      const a = await startMetaServer(upstream, { database });
      const b = await startMetaServer(upstream, { database, env: { META_PATH: join(upstream.root, 'replica-b') } });
      try {
        assert.equal((await a.deliver({ delivery: 'replica-delivery-1' })).statusCode, 202);
        const replay = await b.deliver({ delivery: 'replica-delivery-1' });
        assert.equal(replay.statusCode, 200);
        assert.equal(replay.json<{ status: string }>().status, 'duplicate');
        const burst = await Promise.all(
          Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? a : b).deliver({ delivery: 'replica-delivery-2' })),
        );
        assert.deepEqual(burst.map((r) => r.statusCode).sort(), [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 202]);
        await a.until(() => !a.meta.catalogue.status().syncing, 'A idle');
        await b.until(() => !b.meta.catalogue.status().syncing, 'B idle');
      } finally {
        await b.close();
        await a.close();
        await database.drop();
        upstream.cleanup();
      }
    });
  });
}
