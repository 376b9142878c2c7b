// Migrations on every engine: an empty database, an Elekto schema-2 database, an
// Elekto 0.5 (schema 1) database, duplicates that block the upgrade, and several
// processes migrating at once.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Migrator, sql } from 'kysely';
import { Store } from '../../src/storage/store.js';
import { MigrationBlocked } from '../../src/storage/migrate.js';
import { elektoSchema } from '../../src/storage/migrations/0001_elekto_schema.js';
import { scrutinAdditions } from '../../src/storage/migrations/0002_scrutin_additions.js';
import { ballotElectionVoterIndex } from '../../src/storage/migrations/0003_ballot_election_voter_index.js';
import { voterLoginAndSessions } from '../../src/storage/migrations/0004_voter_login_sessions.js';
import { communities } from '../../src/storage/migrations/0008_communities.js';
import { dialects, freshDatabase } from '../helpers/db.js';
import { runCli } from '../helpers/cli.js';
import { elektoDdl } from '../fixtures/elekto/ddl.js';
import { elektoRows, insertElektoRows } from '../fixtures/elekto/rows.js';

async function snapshot(store: Store) {
  const users = await store.db.selectFrom('user').select(['id', 'username', 'name']).orderBy('id').execute();
  const elections = await store.db.selectFrom('election').select(['id', 'key', 'name']).orderBy('id').execute();
  const voters = await store.db.selectFrom('voter').select(['id', 'user_id', 'election_id', 'salt', 'ballot_id']).orderBy('id').execute();
  const ballots = await store.db
    .selectFrom('ballot')
    .select(['id', 'election_id', 'rank', 'candidate', 'voter'])
    .orderBy('voter')
    .orderBy('candidate')
    .execute();
  const requests = await store.db
    .selectFrom('request')
    .select(['id', 'user_id', 'election_id', 'name', 'email', 'description'])
    .orderBy('id')
    .execute();
  return {
    users,
    elections,
    voters: voters.map((v) => ({
      id: v.id,
      user_id: v.user_id,
      election_id: v.election_id,
      salt: Buffer.from(v.salt ?? []).toString('hex'),
      ballot_id: Buffer.from(v.ballot_id ?? []).toString('hex'),
    })),
    ballots: ballots.map((b) => ({ ...b, id: b.id.trim() })),
    requests,
  };
}

const ALL_MIGRATIONS = [
  '0001_elekto_schema',
  '0002_scrutin_additions',
  '0003_ballot_election_voter_index',
  '0004_voter_login_sessions',
  '0005_webhook_deliveries',
  '0006_receipts_publication',
  '0008_communities',
];

async function schemaVersion(store: Store): Promise<number[]> {
  const rows = await store.db.selectFrom('schema_version').select('version').execute();
  return rows.map((r) => r.version);
}

async function loadElekto(store: Store, version: 1 | 2) {
  for (const statement of elektoDdl(store.kind, version)) await sql.raw(statement).execute(store.db);
  await insertElektoRows(store.db, store.kind, version);
}

for (const kind of dialects()) {
  describe(`migrations on ${kind}`, () => {
    test("an empty database gets Elekto's tables, Scrutin's additions and schema_version 2; a second run is a no-op", async () => {
      const database = await freshDatabase(kind);
      const store = Store.open(database.config);
      try {
        const first = await store.migrate();
        assert.deepEqual(first.applied, ALL_MIGRATIONS);
        assert.deepEqual(await schemaVersion(store), [2]);
        const tables = (await store.db.introspection.getTables()).map((t) => t.name);
        for (const name of [
          'user',
          'election',
          'voter',
          'ballot',
          'request',
          'schema_version',
          'scrutin_setting',
          'scrutin_audit',
          'scrutin_passphrase_attempt',
          'scrutin_webhook_delivery',
          'scrutin_publication',
        ]) {
          assert.ok(tables.includes(name), `table ${name} exists`);
        }
        assert.deepEqual((await store.migrate()).applied, []);
        assert.deepEqual(await store.pendingMigrations(), []);
      } finally {
        await store.close();
        await database.drop();
      }
    });

    test('an Elekto schema-2 database is adopted with every row intact', async () => {
      const database = await freshDatabase(kind);
      const store = Store.open(database.config);
      try {
        await loadElekto(store, 2);
        const before = await snapshot(store);
        assert.equal(before.ballots.length, elektoRows.ballots.length);
        const report = await store.migrate();
        assert.deepEqual(report.applied, ALL_MIGRATIONS);
        assert.deepEqual(await snapshot(store), before);
        assert.deepEqual(await schemaVersion(store), [2]);
        assert.deepEqual((await store.migrate()).applied, []);
        // The new constraint holds: a second voter row for (election, user) is refused.
        await assert.rejects(
          store.db.insertInto('voter').values({ user_id: 1, election_id: 1, salt: null, ballot_id: null, kdf: null }).execute(),
        );
        // Elekto still writes ballot rows as it always did (no receipt column in its INSERT).
        await sql
          .raw(
            `insert into ballot (id, election_id, ${'`rank`'.replaceAll('`', kind === 'mysql' ? '`' : '"')}, candidate, voter) values ('${'e'.repeat(32)}', 1, 1, 'x', 'elekto-voter')`,
          )
          .execute(store.db);
        const written = await store.db.selectFrom('ballot').select('receipt').where('voter', '=', 'elekto-voter').executeTakeFirstOrThrow();
        assert.equal(written.receipt, null);
        // The adopted user is found case-insensitively and keeps its id.
        const user = await store.users.findByLogin('jberkus');
        assert.ok(user !== null);
        assert.equal(user.id, 1);
        assert.equal(user.login, 'JBerkus');
      } finally {
        await store.close();
        await database.drop();
      }
    });

    test('an Elekto 0.5 (schema 1) database is upgraded: ballot ids become 32 characters, voter gains salt and ballot_id, nothing is lost', async () => {
      const database = await freshDatabase(kind);
      const store = Store.open(database.config);
      try {
        await loadElekto(store, 1);
        const ballotsBefore = await store.db.selectFrom('ballot').select(['id', 'candidate', 'rank', 'voter']).orderBy('id').execute();
        await store.migrate();
        assert.deepEqual(await schemaVersion(store), [2]);
        const ballotsAfter = await store.db.selectFrom('ballot').select(['id', 'candidate', 'rank', 'voter']).orderBy('id').execute();
        assert.equal(ballotsAfter.length, ballotsBefore.length);
        ballotsBefore.forEach((b, i) => {
          const after = ballotsAfter[i]!;
          const integerId: unknown = b.id; // an INTEGER column before the upgrade
          assert.equal(after.id.trim(), String(integerId).padStart(32, '0'));
          assert.equal(after.candidate, b.candidate);
          assert.equal(after.rank, b.rank);
          assert.equal(after.voter, b.voter);
        });
        const cols = (await store.db.introspection.getTables()).find((t) => t.name === 'ballot')!.columns.map((c) => c.name);
        assert.ok(!cols.includes('created_at') && !cols.includes('updated_at'), 'ballot timestamps dropped');
        const voters = await store.db.selectFrom('voter').select(['id', 'salt', 'ballot_id']).execute();
        assert.equal(voters.length, elektoRows.voters.length);
        // A new ballot row with a hex id can be inserted after the upgrade.
        await store.db
          .insertInto('ballot')
          .values({ id: 'f'.repeat(32), election_id: 1, rank: 1, candidate: 'x', voter: 'v' })
          .execute();
        assert.deepEqual((await store.migrate()).applied, []);
      } finally {
        await store.close();
        await database.drop();
      }
    });

    test('duplicate voter rows stop the migration, are named, and nothing is changed', async () => {
      const database = await freshDatabase(kind);
      const store = Store.open(database.config);
      try {
        await loadElekto(store, 2);
        await store.db.insertInto('voter').values({ user_id: 2, election_id: 1, salt: null, ballot_id: null }).execute();
        const before = await snapshot(store);
        await assert.rejects(store.migrate(), (error: unknown) => {
          assert.ok(error instanceof MigrationBlocked);
          assert.match(error.message, /voter: 2 rows for election 2021---GB and user dims/);
          return true;
        });
        assert.deepEqual(await snapshot(store), before);
        const voterCols = (await store.db.introspection.getTables()).find((t) => t.name === 'voter')!.columns.map((c) => c.name);
        assert.ok(!voterCols.includes('kdf'), 'no Scrutin column was added');
      } finally {
        await store.close();
        await database.drop();
      }
    });

    test("voter logins: an Elekto database gets each ballot's login; two accounts that voted under one login keep both ballots, the earliest holds it, the officers are told", async () => {
      const database = await freshDatabase(kind);
      const store = Store.open(database.config);
      try {
        await loadElekto(store, 2);
        // A second account that voted in 2021---GB under the login dims (Elekto's UNIQUE(username) is case-sensitive).
        const q = (id: string) => sql.raw(kind === 'mysql' ? `\`${id}\`` : `"${id}"`);
        await sql`insert into ${q('user')} (id, username, name) values (4, 'DIMS', 'Second Dims')`.execute(store.db);
        await sql`insert into voter (id, user_id, election_id, salt, ballot_id) values (4, 4, 1, null, null)`.execute(store.db);
        await sql`insert into ballot (id, election_id, ${q('rank')}, candidate, voter) values (${'d'.repeat(32)}, 1, 1, 'aaron', 'c0ffee00-0000-4000-8000-000000000000')`.execute(
          store.db,
        );
        const ballotsBefore = (await snapshot(store)).ballots;
        await store.migrate();
        assert.deepEqual((await snapshot(store)).ballots, ballotsBefore, 'every ballot kept');
        const logins = await store.db.selectFrom('voter').select(['id', 'login']).orderBy('id').execute();
        assert.deepEqual(
          logins.map((v) => [v.id, v.login]),
          [
            [1, 'jberkus'],
            [2, 'dims'],
            [3, 'jberkus'],
            [4, null],
          ],
        );
        const audit = await store.audit.list({ electionKey: '2021---GB' });
        assert.equal(audit.length, 1);
        assert.equal(audit[0]!.action, 'ballots.login-shared');
        assert.match(
          audit[0]!.detail ?? '',
          /2 ballots were cast under the login dims .* All 2 are kept and counted; the earliest \(voter row #2\) holds the login/,
        );
        // From now on the login is taken in that election, by any account.
        const other = { id: 99, user_id: 3, election_id: 1, salt: null, ballot_id: null, kdf: null };
        await assert.rejects(
          store.db
            .insertInto('voter')
            .values({ ...other, login: 'dims' })
            .execute(),
        );
        await store.db
          .insertInto('voter')
          .values({ ...other, login: 'parispittman' })
          .execute();
        assert.deepEqual((await store.migrate()).applied, []);
      } finally {
        await store.close();
        await database.drop();
      }
    });

    test("voter logins: a database at Scrutin's migration 3 gets the login of every existing ballot, and sessions a generation", async () => {
      const database = await freshDatabase(kind);
      const store = Store.open(database.config);
      try {
        const upTo3 = new Migrator({
          db: store.db,
          provider: {
            getMigrations: () =>
              Promise.resolve({
                '0001_elekto_schema': elektoSchema(kind),
                '0002_scrutin_additions': scrutinAdditions(kind),
                '0003_ballot_election_voter_index': ballotElectionVoterIndex(kind),
              }),
          },
          migrationTableName: 'scrutin_migration',
          migrationLockTableName: 'scrutin_migration_lock',
        });
        assert.equal((await upTo3.migrateToLatest()).error, undefined);
        const q = (id: string) => sql.raw(kind === 'mysql' ? `\`${id}\`` : `"${id}"`);
        await sql`insert into election (id, ${q('key')}, name) values (1, 'e', 'E')`.execute(store.db);
        await sql`insert into ${q('user')} (id, username, github_id) values (1, 'Octo-Cat', 9001), (2, 'someone', null)`.execute(store.db);
        await sql`insert into voter (id, user_id, election_id) values (1, 1, 1), (2, 2, 1), (3, null, 1)`.execute(store.db);
        assert.deepEqual((await store.migrate()).applied, [
          '0004_voter_login_sessions',
          '0005_webhook_deliveries',
          '0006_receipts_publication',
          '0008_communities',
        ]);
        const logins = await store.db.selectFrom('voter').select(['id', 'login']).orderBy('id').execute();
        assert.deepEqual(
          logins.map((v) => [v.id, v.login]),
          [
            [1, 'octo-cat'],
            [2, 'someone'],
            [3, null],
          ],
        );
        assert.deepEqual(
          (await store.db.selectFrom('user').select('session_generation').orderBy('id').execute()).map((u) => u.session_generation),
          [0, 0],
        );
        assert.deepEqual(await store.audit.list({ electionKey: 'e' }), [], 'no shared login, nothing to tell');
      } finally {
        await store.close();
        await database.drop();
      }
    });

    test('a migration numbered below one already run is still applied (branches number ahead of each other)', async () => {
      const database = await freshDatabase(kind);
      const store = Store.open(database.config);
      try {
        const without5 = new Migrator({
          db: store.db,
          provider: {
            getMigrations: () =>
              Promise.resolve({
                '0001_elekto_schema': elektoSchema(kind),
                '0002_scrutin_additions': scrutinAdditions(kind),
                '0003_ballot_election_voter_index': ballotElectionVoterIndex(kind),
                '0004_voter_login_sessions': voterLoginAndSessions(kind),
                '0008_communities': communities(kind),
              }),
          },
          migrationTableName: 'scrutin_migration',
          migrationLockTableName: 'scrutin_migration_lock',
        });
        // As migrate.ts runs them on SQLite: 0008 rebuilds a table, with foreign keys off.
        if (kind === 'sqlite') await sql`PRAGMA foreign_keys = OFF`.execute(store.db);
        assert.equal((await without5.migrateToLatest()).error, undefined);
        if (kind === 'sqlite') await sql`PRAGMA foreign_keys = ON`.execute(store.db);
        // 0005 and 0006 (main's, numbered below the branch's 0008) both run after it.
        assert.deepEqual((await store.migrate()).applied, ['0005_webhook_deliveries', '0006_receipts_publication']);
        assert.equal(await store.webhooks.recordFirst('d', new Date()), true);
      } finally {
        await store.close();
        await database.drop();
      }
    });

    test('several processes migrating the same empty database at once all succeed, and it is migrated once', async () => {
      const database = await freshDatabase(kind);
      try {
        const env = { DATABASE_URL: database.url, APP_ENV: 'test' };
        const results = await Promise.all(Array.from({ length: 4 }, () => runCli(['migrate'], env)));
        for (const r of results) assert.equal(r.code, 0, r.stderr);
        const applied = results.filter((r) => r.stdout.includes(`applied ${ALL_MIGRATIONS.join(', ')}`));
        const noop = results.filter((r) => r.stdout.includes('up to date'));
        assert.equal(applied.length, 1, results.map((r) => r.stdout + r.stderr).join('\n'));
        assert.equal(noop.length, 3);
        const store = Store.open(database.config);
        try {
          assert.deepEqual(await schemaVersion(store), [2]);
          assert.deepEqual(await store.pendingMigrations(), []);
        } finally {
          await store.close();
        }
      } finally {
        await database.drop();
      }
    });
  });
}
