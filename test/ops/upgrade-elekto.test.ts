// The upgrade from Elekto, end to end on each database, as docs/upgrading-from-elekto.md
// tells an operator to do it: a database with Elekto's exact schema-2 DDL and rows
// whose links PyNaCl sealed (Elekto's own parameters), `scrutin migrate`, then the
// server: the voter signs in, opens the ballot with the passphrase, revokes it and
// votes again. Elekto's full key derivation costs seconds, so one record per engine.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { Store } from '../../src/storage/store.js';
import { startTestApp } from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';
import { dialects, freshDatabase } from '../helpers/db.js';
import { elektoDdl } from '../fixtures/elekto/ddl.js';
import { entryOf, makeCandidate, makeElection, snapshotOf } from '../helpers/meta.js';

interface Vector {
  label: string;
  passphrase: string;
  salt: string;
  sealed: string;
  plaintext: string;
}
const golden = JSON.parse(readFileSync(new URL('../fixtures/golden/elekto-sealed.json', import.meta.url), 'utf8')) as { sealed: Vector[] };
const vector = golden.sealed.find((v) => v.label === 'six-digit fallback')!;

const NOW = new Date('2026-05-10T12:00:00Z');
const election = makeElection({
  key: '2021---GB',
  name: 'Select our 2021 General Board Rep',
  startDatetime: new Date('2026-05-01T00:00:00Z'),
  endDatetime: new Date('2026-05-20T00:00:00Z'),
  voters: ['dims', 'JBerkus'],
  candidates: [
    makeCandidate('aaron', 'Aaron Crickenberger'),
    makeCandidate('dims', 'Davanum Srinivas'),
    makeCandidate('paris', 'Paris Pittman'),
  ],
});

for (const kind of dialects()) {
  describe(`upgrading an Elekto database on ${kind}`, { timeout: 180_000 }, () => {
    test('after scrutin migrate, the PyNaCl-sealed passphrase opens and revokes the ballot, and the voter can vote again', async () => {
      const database = await freshDatabase(kind);
      try {
        // 1. What Elekto left: its DDL, a user, an election, a voter row with Elekto's sealed link, and the ballot rows.
        const raw = Store.open(database.config);
        for (const statement of elektoDdl(kind, 2)) await sql.raw(statement).execute(raw.db);
        const q = (id: string) => sql.raw(kind === 'mysql' ? `\`${id}\`` : `"${id}"`);
        await sql`insert into ${q('user')} (id, username, name, created_at) values (7, 'dims', 'Davanum Srinivas', '2021-01-10 10:00:00')`.execute(
          raw.db,
        );
        await sql`insert into election (id, ${q('key')}, name) values (3, ${election.key}, ${election.name})`.execute(raw.db);
        await sql`insert into voter (user_id, election_id, created_at, salt, ballot_id) values (7, 3, '2021-01-12 08:00:00', ${Buffer.from(vector.salt, 'hex')}, ${Buffer.from(vector.sealed, 'hex')})`.execute(
          raw.db,
        );
        const rows: Array<[string, string, number]> = [
          ['aaaa', 'paris', 1],
          ['bbbb', 'dims', 2],
          ['cccc', 'aaron', 100000000],
        ];
        for (const [id, candidate, rank] of rows) {
          await sql`insert into ballot (id, election_id, ${q('rank')}, candidate, voter) values (${id.padEnd(32, '0')}, 3, ${rank}, ${candidate}, ${vector.plaintext})`.execute(
            raw.db,
          );
        }
        await raw.close();

        // 2. The operator runs the migration.
        const migrated = await runCli(['migrate'], {
          DATABASE_URL: database.url,
          APP_ENV: 'production',
          APP_KEY: 'an-operator-key-long-enough',
        });
        assert.equal(migrated.code, 0, migrated.stderr);
        assert.match(
          migrated.stdout,
          /applied 0001_elekto_schema, 0002_scrutin_additions, 0003_ballot_election_voter_index, 0004_voter_login_sessions, 0005_webhook_deliveries, 0006_receipts_publication, 0008_communities/,
        );

        // 3. Scrutin serves the same database; the voter signs in and uses the passphrase.
        const t = await startTestApp({ database, now: NOW, snapshot: snapshotOf([entryOf(election)]) });
        try {
          const c = t.client();
          await c.signIn('DIMS');
          const page = await c.get(`/app/elections/${election.key}`);
          assert.match(page.body, /You voted|voted/i, 'the adopted voter row counts as voted');

          const wrong = await c.post(
            `/app/elections/${election.key}/vote/view`,
            { password: 'not-the-passphrase' },
            { csrfFrom: `/app/elections/${election.key}` },
          );
          assert.equal(wrong.statusCode, 403);

          const view = await c.post(
            `/app/elections/${election.key}/vote/view`,
            { password: vector.passphrase },
            { csrfFrom: `/app/elections/${election.key}` },
          );
          assert.equal(view.statusCode, 200, view.body.slice(0, 300));
          assert.match(view.body, /Paris Pittman/);
          assert.match(view.body, /Davanum Srinivas/);

          const revoke = await c.post(
            `/app/elections/${election.key}/vote/edit`,
            { password: vector.passphrase },
            { csrfFrom: `/app/elections/${election.key}` },
          );
          assert.equal(revoke.statusCode, 303, revoke.body.slice(0, 300));
          const left = await t.service.ctx.store.db.selectFrom('ballot').select('id').where('voter', '=', vector.plaintext).execute();
          assert.equal(left.length, 0, 'the revoked ballot rows are gone');

          const again = await c.post(
            `/app/elections/${election.key}/vote`,
            { 'candidate@aaron': '1', 'candidate@dims': '2', 'candidate@paris': '3', password: '' },
            { csrfFrom: `/app/elections/${election.key}/vote` },
          );
          assert.equal(again.statusCode, 303, again.body.slice(0, 300));
          const ballots = await t.service.ctx.store.db
            .selectFrom('ballot')
            .select(['candidate', 'rank'])
            .where('election_id', '=', 3)
            .orderBy('candidate')
            .execute();
          assert.deepEqual(
            ballots.map((b) => [b.candidate, b.rank]),
            [
              ['aaron', 1],
              ['dims', 2],
              ['paris', 3],
            ],
          );
        } finally {
          await t.close();
        }
        const check = await runCli(['check'], {
          DATABASE_URL: database.url,
          APP_ENV: 'production',
          APP_KEY: 'an-operator-key-long-enough',
        });
        assert.equal(check.code, 0, check.stdout + check.stderr);
      } finally {
        await database.drop();
      }
    });
  });
}
