// Issue 14, item 4, as an attacker with push access to the meta repository tries it:
// a 100 KB voters.yaml of aliases (which froze the whole server for 21 s) pushed by
// webhook. The webhook answers, /health answers and another election stays votable
// while the worker is still parsing (the worker is held on that election by the test
// stand-in, so "while" is certain, not a matter of timing); then the election itself
// gets a clear error. At start-up such a file, or one that never finishes parsing,
// does not stop the server either.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { configureLoadWorker } from '../../src/metarepo/load.js';
import { TestClient } from '../helpers/app.js';
import { tableCounts } from '../helpers/ballotHarness.js';
import { waitFor } from '../helpers/net.js';
import { startMetaServer, type MetaServer } from '../sync/harness.js';
import { candidateFile, GOOD_VOTERS } from './fixture.js';
import { makeUpstream, type Upstream } from './gitRepo.js';
import type { HoldData } from './heldLoadWorker.js';

const HELD = new URL('./heldLoadWorker.ts', import.meta.url);

/** Open from 2020 to 2099, so the real clock is inside the window. */
function openElection(name: string): string {
  return `name: ${name}\nstart_datetime: 2020-01-01 00:00:00\nend_datetime: 2099-01-01 00:00:00\nelection_officers:\n  - olivia\n`;
}

/** The red-team file: one anchored login and ~14,000 aliases to it, just over 100 KB. */
const BOMB = `eligible_voters:\n  - &a alice\n${'  - *a\n'.repeat(14_300)}`;

function withElections(upstream: Upstream, targetVoters = GOOD_VOTERS): void {
  for (const key of ['open', 'target']) {
    upstream.write(`elections/${key}/election.yaml`, openElection(`Election ${key}`));
    upstream.write(`elections/${key}/candidate-ann.md`, candidateFile('ann'));
    upstream.write(`elections/${key}/candidate-ben.md`, candidateFile('ben'));
  }
  upstream.write('elections/open/voters.yaml', GOOD_VOTERS);
  upstream.write('elections/target/voters.yaml', targetVoters);
  upstream.commit('two open elections');
  upstream.push();
}

async function castIn(server: MetaServer, login: string, key: string): Promise<number> {
  const client = new TestClient(server.service);
  await client.signIn(login);
  const vote = `/app/elections/${key}/vote`;
  const res = await client.post(vote, { 'candidate@ann': '1', 'candidate@ben': '2', password: '' }, { csrfFrom: vote });
  return res.statusCode;
}

describe('a hostile voters.yaml pushed to a running server', () => {
  let upstream: Upstream;
  let server: MetaServer;
  before(async () => {
    upstream = makeUpstream();
    withElections(upstream);
    server = await startMetaServer(upstream);
  });
  after(async () => {
    await server.close();
    upstream.cleanup();
  });

  test('the webhook returns, /health answers and another election takes a ballot while the worker parses; then the election gets a clear error', async () => {
    assert.ok(server.entry('target').ok && server.entry('open').ok);
    upstream.write('elections/target/voters.yaml', BOMB);
    assert.ok(BOMB.length > 100_000);
    upstream.commit('a voters.yaml of aliases');
    upstream.push();

    const gate = new SharedArrayBuffer(8);
    const flags = new Int32Array(gate);
    const restore = configureLoadWorker({ entry: HELD, data: { key: 'target', action: 'hold', gate } satisfies HoldData });
    try {
      const delivery = await server.deliver();
      assert.equal(delivery.statusCode, 202, delivery.body);
      // The sync is now in the worker, held on the hostile election.
      await waitFor(
        () => Promise.resolve(Atomics.load(flags, 1) === 1 ? true : undefined),
        30_000,
        'the worker to reach the hostile election',
      );

      const health = await server.service.app.inject({ method: 'GET', url: '/health' });
      assert.equal(health.statusCode, 200);
      assert.equal(server.meta.catalogue.status().syncing, true, '/health answered during the sync');
      assert.equal(await castIn(server, 'alice', 'open'), 303, 'a ballot is cast in the other election during the sync');
      assert.deepEqual(await tableCounts(server.service.ctx.store, 'open'), { voters: 1, ballotRows: 2, ballots: 1 });
      // Until the new snapshot is ready the last good one is served, the target included.
      assert.ok(server.entry('target').ok);
      assert.equal(Atomics.load(flags, 1), 1, 'the worker was still holding throughout');
    } finally {
      Atomics.store(flags, 0, 1);
      Atomics.notify(flags, 0);
      restore();
    }

    await server.until(() => !server.entry('target').ok, 'the hostile election to be marked');
    const target = server.entry('target');
    assert.ok(!target.ok);
    const error = target.problems.find((p) => p.severity === 'error');
    assert.deepEqual([error?.file, error?.line, error?.code], ['elections/target/voters.yaml', 3, 'yaml-too-many-aliases']);
    assert.match(error?.message ?? '', /14300 aliases \(\*name\) in one file; at most 100 are read/);
    assert.ok(target.officerSet.has('olivia'), 'its officers still see the problem');
    // The other election is untouched and keeps taking ballots.
    assert.ok(server.entry('open').ok);
    assert.equal(await castIn(server, 'bob', 'open'), 303);
    assert.deepEqual(await tableCounts(server.service.ctx.store, 'open'), { voters: 2, ballotRows: 4, ballots: 2 });
    const health = await server.service.app.inject({ method: 'GET', url: '/health' });
    assert.equal(health.statusCode, 200);
    // Voters see the target as unavailable; its officers see why.
    const officer = new TestClient(server.service);
    await officer.signIn('olivia');
    const page = await officer.get('/app/elections/target');
    assert.equal(page.statusCode, 503);
    assert.match(page.body, /elections\/target\/voters\.yaml:3/);
    assert.match(page.body, /14300 aliases/);
  });
});

describe('a hostile file already in the repository at start-up', () => {
  test('the server starts: the other election is votable, the hostile one has its error', async () => {
    const upstream = makeUpstream();
    withElections(upstream, BOMB);
    const server = await startMetaServer(upstream);
    try {
      assert.equal(server.meta.first.status, 'swapped');
      const target = server.entry('target');
      assert.ok(!target.ok);
      assert.ok(target.problems.some((p) => p.code === 'yaml-too-many-aliases'));
      assert.equal(await castIn(server, 'alice', 'open'), 303);
    } finally {
      await server.close();
      upstream.cleanup();
    }
  });

  test('a file that never finishes parsing: start-up goes on after the time limit, and only that election is unavailable', async () => {
    const upstream = makeUpstream();
    withElections(upstream);
    const gate = new SharedArrayBuffer(8);
    // Never released: only the time limit ends the wait.
    const restore = configureLoadWorker({
      entry: HELD,
      timeLimitMs: 300,
      data: { key: 'target', action: 'hold', gate } satisfies HoldData,
    });
    let server: MetaServer | undefined;
    try {
      server = await startMetaServer(upstream);
    } finally {
      restore();
    }
    try {
      const target = server.entry('target');
      assert.ok(!target.ok);
      assert.deepEqual(
        target.problems.map((p) => p.code),
        ['read-budget'],
      );
      assert.ok(target.officerSet.has('olivia'));
      assert.ok(server.entry('open').ok);
      assert.ok(server.entry('2021---GB').ok);
      assert.equal(await castIn(server, 'alice', 'open'), 303);
      // The next sync (a new worker, nothing held) reads it normally.
      const outcome = await server.meta.sync({ reason: 'test', force: true });
      assert.equal(outcome.status, 'swapped');
      assert.ok(server.entry('target').ok);
    } finally {
      await server.close();
      upstream.cleanup();
    }
  });
});
