// The acceptance scenarios of the meta repository, on a real service pointed at a local
// git repository (a file path), with signed webhooks: a new voter can vote within
// seconds; a broken election leaves the others working; force-pushes are followed; a
// vanished repository keeps the last good snapshot (degraded, still 200); a renamed
// folder keeps its ballots (orphaned) and gets them back when restored; nothing is
// deleted by a sync.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { renameSync } from 'node:fs';
import { META_REVISION_SETTING } from '../../src/app/syncMeta.js';
import type { Store } from '../../src/storage/store.js';
import { TestClient } from '../helpers/app.js';
import { dialects } from '../helpers/db.js';
import { waitFor } from '../helpers/net.js';
import { candidateFile } from '../metarepo/fixture.js';
import { makeUpstream, type Upstream } from '../metarepo/gitRepo.js';
import { startMetaServer, type MetaServer } from './harness.js';

const day = 86_400_000;

function bare(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** An election open now, in `elections/live`, with two candidates and `voters`. */
function writeLiveElection(upstream: Upstream, voters: string[]): void {
  const now = Date.now();
  upstream.write(
    'elections/live/election.yaml',
    [
      'name: Live election',
      'organization: Example',
      `start_datetime: ${bare(new Date(now - day))}`,
      `end_datetime: ${bare(new Date(now + 10 * day))}`,
      'no_winners: 1',
      'allow_no_opinion: True',
      'delete_after: False',
      'show_candidate_fields:',
      '  - employer',
      'election_officers:',
      '  - olivia',
      'eligibility: Members may vote.',
      'exception_description: Ask.',
      '',
    ].join('\n'),
  );
  upstream.write('elections/live/voters.yaml', `eligible_voters:\n${voters.map((v) => `  - ${v}\n`).join('')}`);
  upstream.write('elections/live/candidate-ann.md', candidateFile('ann'));
  upstream.write('elections/live/candidate-ben.md', candidateFile('ben'));
}

/** Pushes what was written, delivers a signed webhook, and waits until that commit is served and applied. */
async function pushAndSync(server: MetaServer, upstream: Upstream, message: string, ...pushArgs: string[]): Promise<string> {
  const revision = upstream.commit(message);
  upstream.push(...pushArgs);
  const res = await server.deliver();
  assert.equal(res.statusCode, 202);
  await server.until(
    () => server.service.ctx.catalogue.current().revision === revision && !server.meta.catalogue.status().syncing,
    `commit "${message}" served`,
  );
  return revision;
}

async function castDirect(store: Store, key: string, login: string, ranks: Record<string, number>): Promise<void> {
  const row = await store.elections.findByKey(key);
  assert.ok(row !== null, `${key} has a row`);
  const user = await store.users.recordSignIn({ login, name: null, githubId: null, now: new Date() });
  await store.transaction((tx) =>
    tx.ballots.cast({
      userId: user.id,
      login: user.login,
      electionId: row.id,
      at: new Date(),
      voterId: randomUUID(),
      link: null,
      rows: Object.entries(ranks).map(([candidate, rank]) => ({ candidate, rank })),
    }),
  );
}

for (const kind of dialects()) {
  describe(`meta sync end to end on ${kind}`, () => {
    test('a signed push that adds a voter lets that voter vote within seconds', async () => {
      const upstream = makeUpstream();
      writeLiveElection(upstream, ['alice']);
      upstream.commit('live election');
      upstream.push();
      const server = await startMetaServer(upstream, { kind });
      try {
        const live = server.entry('live');
        assert.ok(live.ok, 'the first sync at startup loaded the election');
        const newcomer = new TestClient(server.service);
        await newcomer.signIn('Newcomer');
        assert.equal((await newcomer.get('/app/elections/live/vote')).statusCode, 403, 'not on the voter list yet');

        writeLiveElection(upstream, ['alice', 'newcomer']);
        await pushAndSync(server, upstream, 'add newcomer');
        const entry = server.entry('live');
        assert.ok(entry.ok && entry.election.voterSet.has('newcomer'));
        const cast = await newcomer.post(
          '/app/elections/live/vote',
          { 'candidate@ann': '1', 'candidate@ben': '2' },
          { csrfFrom: '/app/elections/live/vote' },
        );
        assert.equal(cast.statusCode, 303, cast.body.slice(0, 300));
        assert.equal(cast.headers.location, '/app/elections/live/confirmation');
        const row = await server.service.ctx.store.elections.findByKey('live');
        assert.ok(row !== null);
        assert.equal((await server.service.ctx.store.ballots.countsOf(row.id)).ballots, 1);
      } finally {
        await server.close();
        upstream.cleanup();
      }
    });

    test('a push that breaks one election leaves the others working; a force-push is followed', async () => {
      const upstream = makeUpstream();
      const server = await startMetaServer(upstream, { kind });
      try {
        const base = upstream.git('rev-parse', 'HEAD');
        upstream.write('elections/2021/TOC/election.yaml', 'name: [unclosed\nstart_datetime: 2023-03-14 00:00:01\n');
        await pushAndSync(server, upstream, 'break TOC');
        const toc = server.entry('2021---TOC');
        assert.equal(toc.ok, false);
        assert.ok(toc.problems.some((p) => p.file === 'elections/2021/TOC/election.yaml' && p.severity === 'error'));
        assert.ok(server.entry('2021---GB').ok);
        assert.ok(server.entry('name_the_app').ok);
        const app = server.service.app;
        assert.equal((await app.inject('/elections/2021---TOC')).statusCode, 503);
        assert.equal((await app.inject('/elections/2021---GB')).statusCode, 200);
        assert.equal((await app.inject('/elections')).statusCode, 200);
        const tocRow = await server.service.ctx.store.elections.findByKey('2021---TOC');
        assert.equal(tocRow?.orphanedAt, null, 'a broken election is still present, not orphaned');

        // History rewritten: the breaking commit disappears, another takes its place.
        upstream.git('reset', '--quiet', '--hard', base);
        upstream.write('elections/2021/GB/voters.yaml', 'eligible_voters:\n  - dims\n  - rewritten\n');
        const rewritten = await pushAndSync(server, upstream, 'rewrite', '--force');
        assert.equal(server.service.ctx.catalogue.current().revision, rewritten);
        assert.ok(server.entry('2021---TOC').ok, 'the broken commit is gone');
        const gb = server.entry('2021---GB');
        assert.ok(gb.ok && gb.election.voterSet.has('rewritten') && !gb.election.voterSet.has('liggitt'));
        assert.equal(await server.service.ctx.store.settings.get(META_REVISION_SETTING), rewritten);
      } finally {
        await server.close();
        upstream.cleanup();
      }
    });

    test('the repository going away keeps the last good snapshot; /health says degraded with 200, the details are in /metrics', async () => {
      const upstream = makeUpstream();
      const server = await startMetaServer(upstream, { kind, env: { METRICS_TOKEN: 'metrics-token-0123456789' } });
      try {
        const before = server.service.ctx.catalogue.current();
        assert.equal(before.entries.size, 3);
        const rowsBefore = await server.service.ctx.store.elections.list();
        renameSync(upstream.bare, `${upstream.bare}.gone`);
        assert.equal((await server.deliver()).statusCode, 202);
        await server.until(() => server.meta.catalogue.status().state === 'degraded', 'the failed sync noticed');
        assert.equal(server.service.ctx.catalogue.current(), before, 'the very same snapshot is served');
        const health = await server.service.app.inject('/health');
        assert.equal(health.statusCode, 200);
        assert.deepEqual(health.json(), { status: 'degraded' }, 'the status only: no error text, no paths');
        assert.equal((await server.service.app.inject('/health/ready')).statusCode, 200, 'still ready: the last good elections are served');
        const lastError = server.meta.catalogue.status().lastError;
        assert.ok(lastError !== null && lastError.length > 0);
        assert.equal((await server.service.app.inject('/elections/2021---GB')).statusCode, 200, 'pages keep working');
        assert.deepEqual(await server.service.ctx.store.elections.list(), rowsBefore, 'nothing orphaned by a failed sync');
        const scrape = await server.service.app.inject({ url: '/metrics', headers: { authorization: 'Bearer metrics-token-0123456789' } });
        assert.match(scrape.body, /^scrutin_meta_sync_runs_total 2$/m, 'the startup sync and this one');
        assert.match(scrape.body, /^scrutin_meta_sync_failures_total 1$/m);
        assert.ok(
          scrape.body.includes(`scrutin_meta_revision_info{revision="${before.revision ?? ''}",state="degraded"} 1`),
          'the revision served, and the state',
        );

        renameSync(`${upstream.bare}.gone`, upstream.bare);
        assert.equal((await server.deliver()).statusCode, 202);
        await server.until(() => server.meta.catalogue.status().state === 'ok', 'recovered');
        assert.equal((await server.service.app.inject('/health')).json<{ status: string }>().status, 'ok');
      } finally {
        await server.close();
        upstream.cleanup();
      }
    });

    test('a snapshot the database missed (database briefly away) is applied again by the follower', async () => {
      const upstream = makeUpstream();
      const server = await startMetaServer(upstream, { kind, env: { META_FOLLOW_INTERVAL: '1' } });
      const elections = server.service.ctx.store.elections;
      const realSyncWith = elections.syncWith.bind(elections);
      try {
        let refused = 0;
        elections.syncWith = () => {
          refused++;
          return Promise.reject(new Error('database unavailable'));
        };
        writeLiveElection(upstream, ['alice']);
        await pushAndSync(server, upstream, 'live election while the database is away');
        assert.ok(refused >= 1);
        assert.ok(server.entry('live').ok, 'the snapshot is served anyway');
        assert.equal(await elections.findByKey('live'), null, 'but not in the table yet');
        elections.syncWith = realSyncWith;
        await server.until(
          () => !server.meta.catalogue.status().syncing && server.logs.some((l) => l.includes('a meta snapshot listener failed')),
          'the failure logged',
        );
        await waitFor(
          async () => ((await elections.findByKey('live')) !== null ? true : undefined),
          20_000,
          'the row added by a later sync',
        );
      } finally {
        elections.syncWith = realSyncWith;
        await server.close();
        upstream.cleanup();
      }
    });

    test('renaming an election folder keeps its ballots (orphaned); restoring it un-orphans it; nothing is deleted', async () => {
      const upstream = makeUpstream();
      const server = await startMetaServer(upstream, { kind });
      const store = server.service.ctx.store;
      try {
        await castDirect(store, 'name_the_app', 'voter-one', { elekto: 1, notcivs: 2 });
        await castDirect(store, 'name_the_app', 'voter-two', { e6n: 1 });
        const original = await store.elections.findByKey('name_the_app');
        assert.ok(original !== null);
        const countsBefore = await store.ballots.countsOf(original.id);
        assert.deepEqual(countsBefore, { voters: 2, ballots: 2 });

        upstream.git('mv', 'elections/name_the_app', 'elections/naming');
        const renamed = await pushAndSync(server, upstream, 'rename the folder');
        assert.ok(server.service.ctx.catalogue.current().entries.has('naming'));
        assert.ok(!server.service.ctx.catalogue.current().entries.has('name_the_app'));
        const orphan = await store.elections.findByKey('name_the_app');
        assert.ok(orphan !== null, 'the old row is kept');
        assert.equal(orphan.id, original.id);
        assert.ok(orphan.orphanedAt !== null, 'and marked orphaned');
        assert.deepEqual(await store.ballots.countsOf(original.id), countsBefore, 'its ballots are intact');
        const added = await store.elections.findByKey('naming');
        assert.ok(added !== null && added.orphanedAt === null && added.name === 'Select The Name of the Application');
        const audit = await store.audit.list({ electionKey: null });
        const entry = audit.find((a) => a.action === 'meta.sync' && a.detail?.includes(renamed) === true);
        assert.ok(entry !== undefined, 'the sync is in the audit log');
        assert.match(entry.detail ?? '', /added naming/);
        assert.match(entry.detail ?? '', /orphaned name_the_app/);
        assert.equal(entry.actor, 'sync');

        upstream.git('mv', 'elections/naming', 'elections/name_the_app');
        await pushAndSync(server, upstream, 'rename it back');
        const restored = await store.elections.findByKey('name_the_app');
        assert.equal(restored?.orphanedAt, null, 'restored');
        assert.deepEqual(await store.ballots.countsOf(original.id), countsBefore, 'with its ballots');
        assert.ok((await store.elections.findByKey('naming'))?.orphanedAt !== null, 'the other key is the orphan now');
        const keys = (await store.elections.list()).map((r) => r.key).sort();
        assert.deepEqual(keys, ['2021---GB', '2021---TOC', 'name_the_app', 'naming'], 'no row was deleted');
      } finally {
        await server.close();
        upstream.cleanup();
      }
    });
  });
}
