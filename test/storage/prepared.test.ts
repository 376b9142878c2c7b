// Prepared queries (src/storage/prepared.ts) on every engine: compiled once, they bind
// each call's values to the right places (several values, in an order different from
// the call's), read what a transaction wrote when run on it, and a query that ignores
// its values is refused rather than silently answering the same for every call.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { prepared } from '../../src/storage/prepared.js';
import { dialects, freshStore } from '../helpers/db.js';

const AT = new Date('2026-12-07T10:00:00Z');

for (const kind of dialects()) {
  describe(`prepared queries on ${kind}`, () => {
    test('each call binds its own values, in the places the query names them', async () => {
      const { store, cleanup } = await freshStore(kind);
      try {
        const alice = await store.users.recordSignIn({ login: 'alice', name: 'Alice', githubId: null, now: AT });
        const bob = await store.users.recordSignIn({ login: 'bob', name: 'Bob', githubId: null, now: AT });
        // The second value is used first in the SQL: slots follow the query, not the call.
        const byNameAndId = prepared(([id, name]: [number, string]) =>
          store.db.selectFrom('user').select(['id', 'username']).where('name', '=', name).where('id', '=', id),
        );
        assert.deepEqual(await byNameAndId(store.db, [alice.id, 'Alice']), [{ id: alice.id, username: 'alice' }]);
        assert.deepEqual(await byNameAndId(store.db, [bob.id, 'Bob']), [{ id: bob.id, username: 'bob' }]);
        assert.deepEqual(await byNameAndId(store.db, [bob.id, 'Alice']), []);
        // The repositories' own prepared lookups answer per call too.
        assert.equal((await store.users.sessionState(alice.id))?.login, 'alice');
        assert.equal((await store.users.sessionState(bob.id))?.login, 'bob');
        assert.equal(await store.users.sessionState(alice.id + bob.id + 1000), null);
      } finally {
        await cleanup();
      }
    });

    test('run on a transaction, a prepared query sees what the transaction wrote', async () => {
      const { store, cleanup } = await freshStore(kind);
      try {
        const byKey = prepared(([key]: [string]) => store.db.selectFrom('election').select('key').where('key', '=', key));
        assert.deepEqual(await byKey(store.db, ['2026---steering']), []);
        await store.transaction(async (tx) => {
          await tx.elections.ensure('2026---steering', 'Steering', AT);
          assert.deepEqual(await byKey(tx.db, ['2026---steering']), [{ key: '2026---steering' }]);
          assert.notEqual(await tx.elections.findByKey('2026---steering'), null);
        });
        assert.equal((await store.elections.findByKey('2026---steering'))?.name, 'Steering');
        assert.equal(await store.elections.findByKey('2026---other'), null);
      } finally {
        await cleanup();
      }
    });

    test('a query that does not use its values is refused', async () => {
      const { store, cleanup } = await freshStore(kind);
      try {
        const ignoring = prepared((_params: [number]) => store.db.selectFrom('user').select('id').where('id', '=', 1));
        await assert.rejects(ignoring(store.db, [2]), /must use its parameters/);
      } finally {
        await cleanup();
      }
    });
  });
}
