// Elections keyed by (community, key), on every engine: an Elekto database migrates
// in place (community ''), the default community adopts it with every ballot, voter
// row and exception request, and each community's store sees only its own elections,
// audit entries and webhook deliveries.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { Store } from '../../src/storage/store.js';
import { metaRevisionSetting } from '../../src/app/syncMeta.js';
import { dialects, freshDatabase, freshStore } from '../helpers/db.js';
import { elektoDdl } from '../fixtures/elekto/ddl.js';
import { elektoRows, insertElektoRows } from '../fixtures/elekto/rows.js';

const NOW = new Date('2026-12-07T10:00:00Z');

async function attached(store: Store, electionId: number) {
  return store.elections.purgeCounts(electionId);
}

for (const kind of dialects()) {
  describe(`communities on ${kind}`, () => {
    for (const version of [1, 2] as const) {
      test(`an Elekto schema-${version} database migrates in place and its default community adopts every election`, async () => {
        const database = await freshDatabase(kind);
        const root = Store.open(database.config);
        try {
          for (const statement of elektoDdl(kind, version)) await sql.raw(statement).execute(root.db);
          await insertElektoRows(root.db, kind, version);
          await root.migrate();
          // Without COMMUNITIES: exactly as before, every election under ''.
          assert.deepEqual(
            (await root.elections.list()).map((e) => [e.id, e.key]),
            elektoRows.elections.map((e) => [e.id, e.key]),
          );
          const countsBefore = await attached(root, 1);
          assert.deepEqual(countsBefore, { ballots: 6, voters: 2, requests: 1 });
          await root.audit.append({ at: NOW, electionKey: '2021---GB', actor: 'olivia', action: 'exception.approve' });

          const k8s = root.forCommunity('k8s');
          const otel = root.forCommunity('otel');
          assert.deepEqual(await k8s.elections.list(), [], 'a community starts with no elections');
          const adopted = await k8s.transaction((tx) => tx.elections.adoptUnassigned(NOW));
          assert.deepEqual(adopted, { adopted: ['2021---GB', 'name_the_app'], conflicts: [] });
          assert.deepEqual(await root.elections.list(), []);
          const gb = await k8s.elections.findByKey('2021---GB');
          assert.equal(gb?.id, 1, 'the election keeps its id');
          assert.deepEqual(await attached(k8s, 1), countsBefore, 'ballots, voters and requests stay attached');
          // The sealed links are the bytes Elekto wrote: passphrases keep working.
          const voter = await k8s.db.selectFrom('voter').select(['salt', 'ballot_id']).where('id', '=', 1).executeTakeFirstOrThrow();
          if (version === 2) assert.deepEqual(Buffer.from(voter.ballot_id ?? []), Buffer.alloc(76, 2));
          assert.equal((await k8s.requests.findByUserAndElectionKey(3, '2021---GB'))?.email, 'paris@example.org');
          assert.equal(await otel.requests.findByUserAndElectionKey(3, '2021---GB'), null, 'another community does not see it');
          assert.deepEqual(await k8s.ballots.votedKeys(1), new Set(['2021---GB', 'name_the_app']));
          assert.deepEqual(await otel.ballots.votedKeys(1), new Set());
          assert.deepEqual(
            (await k8s.audit.list()).map((a) => a.action),
            ['exception.approve'],
          );
          assert.deepEqual(await otel.audit.list(), []);

          // The same key in another community is another election.
          const otherId = await otel.elections.ensure('2021---GB', 'OpenTelemetry GC 2021', NOW);
          assert.notEqual(otherId, 1);
          assert.equal((await otel.elections.findByKey('2021---GB'))?.name, 'OpenTelemetry GC 2021');
          assert.equal((await k8s.elections.findByKey('2021---GB'))?.name, elektoRows.elections[0]?.name);
          // …and within one community the key stays unique, as a constraint.
          await assert.rejects(
            k8s.db
              .insertInto('election')
              .values({ community: 'k8s', key: '2021---GB', name: 'twin', created_at: null, updated_at: null })
              .execute(),
          );
          // A second adoption finds nothing left; a '' row whose key k8s has is reported, not merged.
          await root.elections.ensure('name_the_app', 'again', NOW);
          assert.deepEqual(await k8s.elections.adoptUnassigned(NOW), { adopted: [], conflicts: ['name_the_app'] });
        } finally {
          await root.close();
          await database.drop();
        }
      });
    }

    test('a sync of one community never orphans another', async () => {
      const { store, cleanup } = await freshStore(kind);
      try {
        const a = store.forCommunity('a');
        const b = store.forCommunity('b');
        await a.elections.syncWith([{ key: 'x', name: 'X' }], NOW);
        await b.elections.syncWith(
          [
            { key: 'x', name: 'BX' },
            { key: 'y', name: 'Y' },
          ],
          NOW,
        );
        const change = await a.elections.syncWith([], NOW);
        assert.deepEqual(change.orphaned, ['x']);
        assert.deepEqual(
          (await b.elections.list()).map((e) => [e.key, e.orphanedAt]),
          [
            ['x', null],
            ['y', null],
          ],
        );
      } finally {
        await cleanup();
      }
    });

    test("webhook deliveries and meta revisions are each community's own", async () => {
      const { store, cleanup } = await freshStore(kind);
      try {
        const a = store.forCommunity('a');
        const b = store.forCommunity('b');
        assert.equal(await a.webhooks.recordFirst('d-1', NOW), true);
        assert.equal(await a.webhooks.recordFirst('d-1', NOW), false, 'a replay in the same community');
        assert.equal(await b.webhooks.recordFirst('d-1', NOW), true, 'the same id in another community is not a replay');
        assert.equal(await store.webhooks.recordFirst('d-1', NOW), true);
        assert.equal(metaRevisionSetting(''), 'meta_revision');
        assert.notEqual(metaRevisionSetting('a'), metaRevisionSetting('b'));
        await store.settings.set(metaRevisionSetting('a'.repeat(48)), 'f'.repeat(40), NOW);
        assert.equal(await store.settings.get(metaRevisionSetting('a'.repeat(48))), 'f'.repeat(40), 'the longest key fits');
      } finally {
        await cleanup();
      }
    });
  });
}

test('SQLite: the rebuilt election table keeps its foreign keys, and they are enforced again', async () => {
  const database = await freshDatabase('sqlite');
  const root = Store.open(database.config);
  try {
    for (const statement of elektoDdl('sqlite', 2)) await sql.raw(statement).execute(root.db);
    await insertElektoRows(root.db, 'sqlite', 2);
    await root.migrate();
    const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(root.db);
    assert.equal(fk.rows[0]?.foreign_keys, 1);
    const refs = await sql<{ table: string }>`select "table" from pragma_foreign_key_list('ballot')`.execute(root.db);
    assert.deepEqual(
      refs.rows.map((r) => r.table),
      ['election'],
    );
    await assert.rejects(
      root.db
        .insertInto('ballot')
        .values({ id: 'f'.repeat(32), election_id: 999, rank: 1, candidate: 'c', voter: 'v' })
        .execute(),
      /FOREIGN KEY/,
    );
  } finally {
    await root.close();
    await database.drop();
  }
});
