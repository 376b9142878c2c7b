// Issue #17's acceptance, as a foundation's operator would try it: three local meta
// repositories as three communities, two server instances on one database (PostgreSQL
// when available). Each community's webhook updates only that community, on both
// instances; a broken push to one leaves the other two usable; officers are scoped; a
// voter eligible in two communities sees both on the dashboard; an existing
// single-community database keeps every ballot under the default community.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { parseConfig } from '../../src/config.js';
import type { AppContext } from '../../src/http/context.js';
import { startService, type Service } from '../../src/main.js';
import { CHEAP_KDF } from '../helpers/ballotHarness.js';
import { TestClient } from '../helpers/app.js';
import { dialects, freshDatabase, type TestDatabase } from '../helpers/db.js';
import { waitFor } from '../helpers/net.js';
import { candidateFile, tempDir } from '../metarepo/fixture.js';
import { makeUpstream, type Upstream } from '../metarepo/gitRepo.js';
import { sign } from './harness.js';
import { logSink } from '../helpers/logs.js';

const SECRETS = {
  alpha: 'alpha-webhook-secret-0123456789',
  beta: 'beta-webhook-secret-0123456789',
  gamma: 'gamma-webhook-secret-012345678',
};
type Key = keyof typeof SECRETS;

function liveElection(name: string, officers: string[]): string {
  return `name: ${name}
organization: Example
start_datetime: 2020-01-01 00:00:00
end_datetime: 2099-01-01 00:00:00
no_winners: 1
allow_no_opinion: True
delete_after: False
election_officers:
${officers.map((o) => `  - ${o}`).join('\n')}
eligibility: Members may vote.
exception_description: Ask.
exception_due: 2098-01-01 00:00:00
`;
}

function addLive(upstream: Upstream, name: string, voters: string[], officers: string[]): void {
  upstream.write('elections/live/election.yaml', liveElection(name, officers));
  upstream.write('elections/live/voters.yaml', `eligible_voters:\n${voters.map((v) => `  - ${v}`).join('\n')}\n`);
  upstream.write('elections/live/candidate-ann.md', candidateFile('ann'));
  upstream.write('elections/live/candidate-ben.md', candidateFile('ben'));
  upstream.commit(name);
  upstream.push();
}

interface Instance {
  service: Service;
  logs: string[];
  ctxOf: (key: Key) => AppContext;
}

async function startInstance(
  database: TestDatabase,
  file: string,
  metaBase: string,
  extra: Record<string, string> = {},
): Promise<Instance> {
  const config = parseConfig(
    {
      APP_ENV: 'development',
      APP_KEY: 'test-key-0123456789abcdef',
      DATABASE_URL: database.url,
      LOG_LEVEL: 'info',
      RATE_LIMIT_PER_MINUTE: '0',
      COMMUNITIES: file,
      META_PATH: metaBase,
      META_FOLLOW_INTERVAL: '1',
      ALPHA_SECRET: SECRETS.alpha,
      BETA_SECRET: SECRETS.beta,
      GAMMA_SECRET: SECRETS.gamma,
      ...extra,
    },
    process.cwd(),
    { purpose: 'serve' },
  );
  const { logs, sink } = logSink();
  const service = await startService(config, { listen: false, logDestination: sink, ballots: { newParams: CHEAP_KDF } });
  const ctxOf = (key: Key): AppContext => {
    const entry = service.ctx.communities().find((c) => c.info.key === key);
    if (entry === undefined) throw new Error(`no community ${key}`);
    return entry.ctx;
  };
  return { service, logs, ctxOf };
}

function deliver(service: Service, community: Key, secret = SECRETS[community]): Promise<LightMyRequestResponse> {
  const body = JSON.stringify({ ref: 'refs/heads/main', after: 'f'.repeat(40), repository: { full_name: `example/${community}` } });
  return service.app.inject({
    method: 'POST',
    url: `/c/${community}/v1/webhooks/meta/sync`,
    payload: body,
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': sign(body, secret),
    },
  });
}

const kind = dialects().includes('postgresql') ? 'postgresql' : 'sqlite';

describe(`three communities, two instances, one ${kind} database`, () => {
  const upstreams = {} as Record<Key, Upstream>;
  const folders: Array<{ cleanup: () => void }> = [];
  let database: TestDatabase;
  let dir: { path: string; cleanup: () => void };
  let file: string;
  let one: Instance;
  let two: Instance;

  before(async () => {
    upstreams.alpha = makeUpstream();
    upstreams.beta = makeUpstream();
    upstreams.gamma = makeUpstream();
    addLive(upstreams.alpha, 'Alpha live', ['alice', 'bob'], ['olivia']);
    addLive(upstreams.beta, 'Beta live', ['alice', 'carol'], ['oscar']);
    addLive(upstreams.gamma, 'Gamma live', ['bob'], ['olivia']);
    dir = tempDir('scrutin-communities-');
    folders.push(dir);
    file = join(dir.path, 'communities.yaml');
    writeFileSync(
      file,
      `communities:
  - key: alpha
    name: Alpha Project
    meta_repo: ${upstreams.alpha.bare}
    meta_secret_env: ALPHA_SECRET
    default: true
  - key: beta
    name: Beta Project
    meta_repo: ${upstreams.beta.bare}
    meta_secret_env: BETA_SECRET
    hosts: [elections.beta.test]
  - key: gamma
    name: Gamma Project
    meta_repo: ${upstreams.gamma.bare}
    meta_secret_env: GAMMA_SECRET
`,
    );
    database = await freshDatabase(kind);
    one = await startInstance(database, file, join(dir.path, 'meta-one'));
    two = await startInstance(database, file, join(dir.path, 'meta-two'));
  });

  after(async () => {
    await one.service.stop();
    await two.service.stop();
    await database.drop();
    for (const u of Object.values(upstreams)) u.cleanup();
    for (const f of folders) f.cleanup();
  });

  test('each community is served under /c/<key>, the default at the plain URLs, a mapped host at them too', async () => {
    for (const instance of [one, two]) {
      const c = new TestClient(instance.service);
      await c.signIn('alice');
      assert.match((await c.get('/c/alpha/app/elections/live')).body, /Alpha live/);
      assert.match((await c.get('/c/beta/app/elections/live')).body, /Beta live/);
      assert.match((await c.get('/c/gamma/elections/live')).body, /Gamma live/);
      assert.match((await c.get('/app/elections/live')).body, /Alpha live/, 'the old URL answers for the default community');
      assert.match((await c.get('/app/elections/live', { host: 'elections.beta.test' })).body, /Beta live/);
      assert.match((await c.get('/app/elections/live', { host: 'ELECTIONS.BETA.TEST:8443' })).body, /Beta live/);
      // Links on a prefixed page stay in its community; the service's own stay global.
      const page = (await c.get('/c/beta/app/elections/live')).body;
      assert.match(page, /href="\/c\/beta\/app\/elections\/live\/vote"/);
      assert.doesNotMatch(page, /href="\/app\/elections/);
      assert.match(page, /href="\/assets\//);
      // The same election key in each community is each community's own election.
      assert.equal((await c.get('/c/zeta/app/elections/live')).statusCode, 404);
      // The front page lists every community and its open elections.
      const front = (await c.get('/c')).body;
      for (const name of ['Alpha Project', 'Beta Project', 'Gamma Project', 'Alpha live', 'Gamma live'])
        assert.ok(front.includes(name), name);
    }
  });

  test("a community's host signs in with a callback on that host; X-Forwarded-Host picks no community", async () => {
    const withGitHub = await startInstance(database, file, join(dir.path, 'meta-three'), {
      GITHUB_CLIENT_ID: 'client-id',
      GITHUB_CLIENT_SECRET: 'client-secret-from-github',
      TRUST_PROXY: 'true',
    });
    try {
      const c = new TestClient(withGitHub.service);
      for (const [host, callback] of [
        ['elections.beta.test', 'http://elections.beta.test/oauth/github/callback'],
        ['foundation.example.org', 'http://127.0.0.1:5000/oauth/github/callback'],
      ] as const) {
        const page = await c.get('/login', { host });
        const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
        const cookie = [...c.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
        const started = await withGitHub.service.app.inject({
          method: 'POST',
          url: '/oauth/github/login',
          payload: new URLSearchParams({ _csrf: token }).toString(),
          headers: { host, cookie, 'content-type': 'application/x-www-form-urlencoded' },
        });
        assert.equal(started.statusCode, 303, started.body.slice(0, 300));
        assert.equal(new URL(String(started.headers.location)).searchParams.get('redirect_uri'), callback, host);
      }
      const spoofed = await c.get('/elections/live', { host: 'foundation.example.org', 'x-forwarded-host': 'elections.beta.test' });
      assert.match(spoofed.body, /Alpha live/);
    } finally {
      await withGitHub.service.stop();
    }
  });

  test('a voter eligible in two communities sees both on the dashboard, and votes in each', async () => {
    const c = new TestClient(one.service);
    await c.signIn('alice');
    const dashboard = (await c.get('/app')).body;
    assert.match(dashboard, /Alpha live/);
    assert.match(dashboard, /Beta live/);
    assert.match(dashboard, /href="\/c\/beta\/app\/elections\/live"/);
    assert.doesNotMatch(dashboard, /Gamma live.*Not voted yet/s, 'alice is not on gamma’s list');
    const voted = await c.post(
      '/c/beta/app/elections/live/vote',
      { 'candidate@ann': '1', 'candidate@ben': '2', password: 'beta passphrase' },
      { csrfFrom: '/c/beta/app/elections/live/vote' },
    );
    assert.equal(voted.statusCode, 303);
    assert.equal(voted.headers.location, '/c/beta/app/elections/live/confirmation');
    // Voting in beta did not vote in alpha, whose election has the same key.
    assert.match((await c.get('/c/alpha/app/elections/live')).body, /You have not voted|Vote now|Cast your ballot/i);
    const onTwo = new TestClient(two.service);
    await onTwo.signIn('alice');
    const view = await onTwo.post(
      '/c/beta/app/elections/live/vote/view',
      { password: 'beta passphrase' },
      { csrfFrom: '/c/beta/app/elections/live' },
    );
    assert.equal(view.statusCode, 200, 'the other instance opens the ballot with the passphrase');
  });

  test('officers of one community see nothing of another', async () => {
    const olivia = new TestClient(one.service);
    await olivia.signIn('olivia');
    assert.equal((await olivia.get('/c/alpha/app/elections/live/admin')).statusCode, 200);
    assert.notEqual((await olivia.get('/c/beta/app/elections/live/admin')).statusCode, 200);
    const oscar = new TestClient(one.service);
    await oscar.signIn('oscar');
    assert.equal((await oscar.get('/c/beta/app/elections/live/admin')).statusCode, 200);
    for (const url of ['/c/alpha/app/elections/live/admin', '/app/elections/live/admin', '/c/gamma/app/elections/live/admin']) {
      assert.notEqual((await oscar.get(url)).statusCode, 200, url);
    }
  });

  test("each community's webhook updates that community only, on both instances", async () => {
    const before = { alpha: one.ctxOf('alpha').catalogue.current().revision, gamma: one.ctxOf('gamma').catalogue.current().revision };
    upstreams.beta.write('elections/extra/election.yaml', liveElection('Beta extra', ['oscar']));
    upstreams.beta.write('elections/extra/voters.yaml', 'eligible_voters:\n  - carol\n');
    upstreams.beta.write('elections/extra/candidate-ann.md', candidateFile('ann'));
    upstreams.beta.commit('extra');
    upstreams.beta.push();
    assert.equal((await deliver(one.service, 'beta', SECRETS.alpha)).statusCode, 401, "another community's secret is refused");
    assert.equal((await deliver(one.service, 'beta')).statusCode, 202);
    for (const instance of [one, two]) {
      await waitFor(
        () => Promise.resolve(instance.ctxOf('beta').catalogue.current().entries.has('extra') ? true : undefined),
        20_000,
        'beta has the new election',
      );
      assert.equal(instance.ctxOf('alpha').catalogue.current().entries.has('extra'), false);
      assert.equal(instance.ctxOf('gamma').catalogue.current().entries.has('extra'), false);
    }
    assert.equal(one.ctxOf('alpha').catalogue.current().revision, before.alpha);
    assert.equal(one.ctxOf('gamma').catalogue.current().revision, before.gamma);
    // Each community's syncs and elections are counted under its own label.
    const metrics = await one.service.ctx.metrics.render();
    assert.match(metrics, /^scrutin_community_meta_sync_runs_total\{community="beta",outcome="ok"\} [2-9]/m);
    assert.match(metrics, /^scrutin_community_meta_sync_runs_total\{community="alpha",outcome="ok"\} 1$/m);
    assert.match(metrics, /^scrutin_community_meta_elections\{community="beta",state="ok"\} 5$/m);
    assert.match(metrics, /^scrutin_community_meta_revision_info\{community="gamma",revision="[0-9a-f]{40}",state="ok"\} 1$/m);
  });

  test('a broken push to one community leaves the other two fully usable', async () => {
    // A hostile push (an alias bomb) makes gamma's election unavailable…
    upstreams.gamma.write('elections/live/election.yaml', `a: &a [x]\n${Array.from({ length: 500 }, (_, i) => `k${i}: *a`).join('\n')}\n`);
    const hostile = upstreams.gamma.commit('hostile');
    upstreams.gamma.push();
    assert.equal((await deliver(two.service, 'gamma')).statusCode, 202);
    await waitFor(
      () => Promise.resolve(one.ctxOf('gamma').catalogue.current().revision === hostile ? true : undefined),
      20_000,
      'gamma synced',
    );
    // …then its repository disappears altogether: gamma's syncs fail.
    rmSync(upstreams.gamma.bare, { recursive: true, force: true });
    assert.equal((await deliver(one.service, 'gamma')).statusCode, 202);
    await waitFor(
      () => Promise.resolve(one.ctxOf('gamma').catalogue.status().lastError !== null ? true : undefined),
      20_000,
      'gamma failed',
    );
    const bob = new TestClient(two.service);
    await bob.signIn('bob');
    assert.equal((await bob.get('/c/gamma/app/elections/live')).statusCode, 503);
    const voted = await bob.post(
      '/c/alpha/app/elections/live/vote',
      { 'candidate@ann': '2', 'candidate@ben': '1', password: 'alpha passphrase' },
      { csrfFrom: '/c/alpha/app/elections/live/vote' },
    );
    assert.equal(voted.statusCode, 303, 'alpha still takes votes');
    const carol = new TestClient(one.service);
    await carol.signIn('carol');
    assert.match((await carol.get('/app/elections/live', { host: 'elections.beta.test' })).body, /Beta live/);
    assert.equal((await one.service.app.inject({ url: '/health/ready' })).statusCode, 200, 'the instance stays ready');
  });
});

describe(`a single-community ${kind} database under a communities file`, () => {
  test('keeps every ballot and passphrase under the default community, and the old URLs answer', async () => {
    const upstream = makeUpstream();
    addLive(upstream, 'Our live', ['alice', 'bob'], ['olivia']);
    const dir = tempDir('scrutin-adopt-');
    const database = await freshDatabase(kind);
    try {
      // Today's service: META_REPO, no COMMUNITIES.
      const single = await startService(
        parseConfig(
          {
            APP_ENV: 'development',
            APP_KEY: 'test-key-0123456789abcdef',
            DATABASE_URL: database.url,
            LOG_LEVEL: 'silent',
            RATE_LIMIT_PER_MINUTE: '0',
            META_REPO: upstream.bare,
            META_PATH: join(dir.path, 'meta'),
            META_SECRET: SECRETS.alpha,
          },
          process.cwd(),
          { purpose: 'serve' },
        ),
        { listen: false, ballots: { newParams: CHEAP_KDF } },
      );
      const alice = new TestClient(single);
      await alice.signIn('alice');
      const cast = await alice.post(
        '/app/elections/live/vote',
        { 'candidate@ann': '1', 'candidate@ben': '2', password: 'kept passphrase' },
        { csrfFrom: '/app/elections/live/vote' },
      );
      assert.equal(cast.statusCode, 303);
      await single.stop();

      const file = join(dir.path, 'communities.yaml');
      writeFileSync(
        file,
        `communities:\n  - key: ours\n    name: Our Project\n    meta_repo: ${upstream.bare}\n    meta_secret_env: ALPHA_SECRET\n    default: true\n  - key: other\n    name: Other\n    meta_repo: ${upstream.bare}\n`,
      );
      const instance = await startInstance(database, file, join(dir.path, 'meta-base'));
      try {
        const again = new TestClient(instance.service);
        await again.signIn('alice');
        for (const base of ['', '/c/ours']) {
          const view = await again.post(
            `${base}/app/elections/live/vote/view`,
            { password: 'kept passphrase' },
            { csrfFrom: `${base}/app/elections/live` },
          );
          assert.equal(view.statusCode, 200, `${base}: the passphrase still opens the ballot`);
          assert.match(view.body, /Your ballot: 1\. Candidate ann, 2\. Candidate ben\./);
        }
        // The other community, on the same repository, is another election: alice has not voted there.
        const other = await again.post(
          '/c/other/app/elections/live/vote/view',
          { password: 'kept passphrase' },
          { csrfFrom: '/c/other/app/elections/live' },
        );
        assert.notEqual(other.statusCode, 200);
        assert.equal((await instance.service.ctx.store.elections.list()).length, 0, 'nothing is left unassigned');
      } finally {
        await instance.service.stop();
      }
    } finally {
      await database.drop();
      upstream.cleanup();
      dir.cleanup();
    }
  });
});

test('a git host that never answers delays neither start-up beyond its bound nor the other communities', async () => {
  const sockets = new Set<Socket>();
  const silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as AddressInfo).port;
  const upstream = makeUpstream();
  addLive(upstream, 'Good live', ['alice'], ['olivia']);
  const dir = tempDir('scrutin-slow-');
  const database = await freshDatabase('sqlite');
  let service: Service | null = null;
  try {
    const file = join(dir.path, 'communities.yaml');
    writeFileSync(
      file,
      `communities:\n  - key: slow\n    name: Slow\n    meta_repo: http://127.0.0.1:${port}/meta.git\n  - key: good\n    name: Good\n    meta_repo: ${upstream.bare}\n    default: true\n`,
    );
    const config = parseConfig(
      { APP_ENV: 'development', DATABASE_URL: database.url, COMMUNITIES: file, META_PATH: join(dir.path, 'meta'), LOG_LEVEL: 'silent' },
      dir.path,
      { purpose: 'serve' },
    );
    service = await startService(config, { listen: false, communityFirstSyncWaitMs: 2_000 });
    const good = service.ctx.communities().find((c) => c.info.key === 'good');
    // On a loaded machine the good repository's first sync may outlast the wait too: it
    // then swaps in when done, which is the point.
    await waitFor(
      () => Promise.resolve(good?.ctx.catalogue.current().entries.has('live') === true ? true : undefined),
      20_000,
      'good synced',
    );
    const slow = service.ctx.communities().find((c) => c.info.key === 'slow');
    assert.equal(slow?.ctx.catalogue.current().entries.size, 0, 'the hung community serves nothing yet');
    assert.equal((await service.app.inject('/c/slow/elections')).statusCode, 200);
    assert.match((await service.app.inject('/elections/live')).body, /Good live/);
    assert.match((await service.app.inject('/c/good/elections/live')).body, /Good live/);
  } finally {
    // The hung connections end, so git gives up and the service stops promptly.
    for (const socket of sockets) socket.destroy();
    silent.close();
    await service?.stop();
    await database.drop();
    upstream.cleanup();
    dir.cleanup();
  }
});
