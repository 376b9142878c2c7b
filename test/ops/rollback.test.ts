// The rollback promise of docs/upgrading-from-elekto.md: after Scrutin has upgraded
// an Elekto database and written to it, Elekto 0.6+ can run on it again. Elekto
// reaches the database only through SQLAlchemy's statements over its own columns,
// so those statements are replayed here (inserts without Scrutin's columns, the
// selects, the officer's update, the revoke's deletes), and schema_version must
// still read 2 so Elekto's own migration does nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { Store } from '../../src/storage/store.js';
import { elektoDdl } from '../fixtures/elekto/ddl.js';
import { insertElektoRows } from '../fixtures/elekto/rows.js';
import { dialects, freshDatabase } from '../helpers/db.js';

for (const kind of dialects()) {
  describe(`rolling back to Elekto on ${kind}`, () => {
    it("Elekto's statements still work on a database Scrutin upgraded and wrote to", async () => {
      const database = await freshDatabase(kind);
      const store = Store.open(database.config);
      try {
        for (const statement of elektoDdl(kind, 2)) await sql.raw(statement).execute(store.db);
        await insertElektoRows(store.db, kind, 2);
        if (kind === 'postgresql') {
          // The fixture inserts explicit ids; a real Elekto database's sequences are past them.
          for (const table of ['user', 'election', 'voter', 'request']) {
            await sql.raw(`select setval(pg_get_serial_sequence('"${table}"', 'id'), (select max(id) from "${table}"))`).execute(store.db);
          }
        }
        await store.migrate();
        // Scrutin writes rows with its own columns filled.
        const now = new Date('2024-05-01T12:00:00Z');
        await store.users.recordSignIn({ login: 'scrutin-user', name: 'New', githubId: '424242', now });
        await store.elections.ensure('2024-new', 'New election', now);

        const q = (id: string) => (kind === 'mysql' ? `\`${id}\`` : `"${id}"`);
        const run = (text: string) => sql.raw(text).execute(store.db);
        const at = "'2024-05-02 10:00:00'";
        // What Elekto issues: its columns only, ids from the database.
        await run(
          `insert into ${q('user')} (username, name, token, token_expires_at, created_at, updated_at) values ('elekto-again', 'Back', null, null, ${at}, ${at})`,
        );
        await run(`insert into election (${q('key')}, name, created_at, updated_at) values ('2024-elekto', 'Elekto again', ${at}, ${at})`);
        const ids = await sql<{
          u: number;
          e: number;
        }>`select (select id from ${sql.raw(q('user'))} where username = 'elekto-again') as u, (select id from election where ${sql.raw(q('key'))} = '2024-elekto') as e`.execute(
          store.db,
        );
        const { u, e } = ids.rows[0]!;
        await sql`insert into voter (user_id, election_id, created_at, updated_at, salt, ballot_id) values (${u}, ${e}, ${'2024-05-02 10:00:00'}, ${'2024-05-02 10:00:00'}, ${Buffer.alloc(16, 7)}, ${Buffer.alloc(76, 8)})`.execute(
          store.db,
        );
        await run(
          `insert into ballot (id, election_id, ${q('rank')}, candidate, voter) values ('${'c'.repeat(32)}', ${e}, 1, 'alice', 'v-elekto-again')`,
        );
        await run(
          `insert into request (user_id, election_id, name, email, chat, description, comments, reviewed, created_at, updated_at) values (${u}, ${e}, 'Back', 'b@example.org', 'b', 'why', null, false, ${at}, ${at})`,
        );
        await run("update request set reviewed = true where name = 'Back'");

        // Elekto's selects read every row, Scrutin's included, over Elekto's columns.
        const users = await run(`select id, username, name, token, token_expires_at, created_at, updated_at from ${q('user')} order by id`);
        assert.ok(users.rows.length >= 5);
        const elections = await run(`select id, ${q('key')}, name, created_at, updated_at from election order by id`);
        assert.equal(elections.rows.length, 4);
        await run('select id, user_id, election_id, created_at, updated_at, salt, ballot_id from voter');
        await run(`select id, election_id, ${q('rank')}, candidate, voter from ballot`);
        await run(
          'select id, user_id, election_id, name, email, chat, description, comments, reviewed, created_at, updated_at from request',
        );

        // Elekto's revoke deletes the voter row and the ballot rows.
        await run(`delete from ballot where voter = 'v-elekto-again'`);
        await sql`delete from voter where user_id = ${u} and election_id = ${e}`.execute(store.db);

        const version = await sql<{ v: number | string }>`select max(version) as v from schema_version`.execute(store.db);
        assert.equal(Number(version.rows[0]?.v), 2, 'Elekto sees its own schema version and migrates nothing');

        // What changes under Elekto after Scrutin: its double-submit race can no longer
        // store a second voter row for one person (a unique constraint now refuses it).
        await sql`insert into voter (user_id, election_id, created_at, updated_at, salt, ballot_id) values (${u}, ${e}, ${'2024-05-02 10:00:00'}, ${'2024-05-02 10:00:00'}, null, null)`.execute(
          store.db,
        );
        await assert.rejects(
          sql`insert into voter (user_id, election_id, created_at, updated_at, salt, ballot_id) values (${u}, ${e}, ${'2024-05-02 10:00:00'}, ${'2024-05-02 10:00:00'}, null, null)`.execute(
            store.db,
          ),
        );
      } finally {
        await store.close();
        await database.drop();
      }
    });
  });
}
