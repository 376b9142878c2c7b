// `scrutin check`, run in-process through the CLI dispatcher as an operator would run it,
// on databases damaged in each way a lost or doubled cast could show.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli.js';
import type { CommandIO } from '../../src/commands/types.js';
import type { Store } from '../../src/storage/store.js';
import { toDbTime } from '../../src/storage/time.js';
import { dialects, freshDatabase, freshStore, type TestDatabase } from '../helpers/db.js';

const now = new Date('2026-01-10T12:00:00Z');
const at = toDbTime(now);
let cwd = '';
before(() => {
  cwd = mkdtempSync(join(tmpdir(), 'scrutin-check-'));
});
after(() => {
  rmSync(cwd, { recursive: true, force: true });
});

async function check(database: TestDatabase, args: string[] = []): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CommandIO = {
    out: (t) => (out += `${t}\n`),
    err: (t) => (err += `${t}\n`),
    env: { DATABASE_URL: database.url, APP_ENV: 'test' },
    cwd,
  };
  const code = await run(['check', ...args], io);
  return { code, out, err };
}

let users = 0;
async function voterRow(
  store: Store,
  electionId: number,
  link: { salt: Buffer | null; sealed: Buffer | null; kdf: string | null } = { salt: null, sealed: null, kdf: null },
): Promise<void> {
  const user = await store.users.recordSignIn({ login: `u${++users}`, name: null, githubId: null, now });
  await store.db
    .insertInto('voter')
    .values({
      user_id: user.id,
      election_id: electionId,
      created_at: at,
      updated_at: at,
      salt: link.salt,
      ballot_id: link.sealed,
      kdf: link.kdf,
    })
    .execute();
}

async function ballotRows(store: Store, electionId: number, rows: [string, number][]): Promise<string> {
  const voter = randomUUID();
  for (const [candidate, rank] of rows) {
    await store.db
      .insertInto('ballot')
      .values({ id: randomUUID().replaceAll('-', ''), election_id: electionId, rank, candidate, voter })
      .execute();
  }
  return voter;
}

const whole: [string, number][] = [
  ['ann', 1],
  ['ben', 2],
  ['cat', 100000000],
];
const goodLink = { salt: Buffer.alloc(16, 1), sealed: Buffer.alloc(76, 2), kdf: null };

for (const kind of dialects()) {
  describe(`scrutin check on ${kind}`, () => {
    let store: Store;
    let database: TestDatabase;
    let cleanup: () => Promise<void>;
    before(async () => {
      ({ store, database, cleanup } = await freshStore(kind));
    });
    after(async () => {
      await cleanup();
    });

    test('an empty database is consistent (exit 0)', async () => {
      const r = await check(database);
      assert.equal(r.code, 0, r.out + r.err);
      assert.match(r.out, /0 elections checked: consistent\./);
    });

    test('whole ballots, one per voter row, with and without links: consistent, with a summary per election', async () => {
      const good = await store.elections.ensure('good', null, now);
      for (let i = 0; i < 3; i++) {
        await voterRow(store, good, i === 0 ? goodLink : undefined);
        await ballotRows(store, good, whole);
      }
      const r = await check(database);
      assert.equal(r.code, 0, r.out + r.err);
      assert.match(r.out, /^good: 3 voters, 3 ballots of 3 candidates, 1 sealed link: consistent$/m);
    });

    test('each kind of damage is reported on its own line, and the exit status is 1', async () => {
      const novote = await store.elections.ensure('novote', null, now);
      await voterRow(store, novote);
      await ballotRows(store, novote, whole);
      await voterRow(store, novote);

      const orphan = await store.elections.ensure('orphan', null, now);
      await voterRow(store, orphan);
      await ballotRows(store, orphan, whole);
      await ballotRows(store, orphan, whole);

      const partial = await store.elections.ensure('partial', null, now);
      await voterRow(store, partial);
      await ballotRows(store, partial, whole);
      await voterRow(store, partial);
      const cut = await ballotRows(store, partial, whole.slice(0, 2));

      const doubled = await store.elections.ensure('doubled', null, now);
      await voterRow(store, doubled);
      await ballotRows(store, doubled, whole);
      await voterRow(store, doubled);
      const twice = await ballotRows(store, doubled, [...whole.slice(0, 2), ['ann', 3]]);

      const ranks = await store.elections.ensure('ranks', null, now);
      await voterRow(store, ranks);
      const bad = await ballotRows(store, ranks, [
        ['ann', 1],
        ['ben', 7],
        ['cat', 0],
      ]);

      const links = await store.elections.ensure('links', null, now);
      const linkCases = [
        { salt: Buffer.alloc(15, 1), sealed: Buffer.alloc(76, 2), kdf: null },
        { salt: Buffer.alloc(16, 1), sealed: null, kdf: null },
        { salt: Buffer.alloc(16, 1), sealed: Buffer.alloc(76, 2), kdf: 'scrypt$whatever' },
        { salt: null, sealed: null, kdf: 'argon2id$v=19$m=64,t=1,p=1' },
      ];
      for (const link of linkCases) {
        await voterRow(store, links, link);
        await ballotRows(store, links, whole);
      }

      const erased = await store.elections.ensure('erased', null, now);
      await voterRow(store, erased, goodLink);
      await ballotRows(store, erased, whole);
      await store.elections.markLinksErased(erased, now);

      const r = await check(database);
      assert.equal(r.code, 1, r.out + r.err);
      const lines = r.out.split('\n');
      const expectLine = (re: RegExp) =>
        assert.ok(
          lines.some((l) => re.test(l)),
          `${re} in\n${r.out}`,
        );
      expectLine(/^novote: 2 voter rows but 1 ballot: 1 vote has no ballot$/);
      expectLine(/^orphan: 1 voter row but 2 ballots: 1 ballot has no voter$/);
      expectLine(new RegExp(`^partial: ballot ${cut} has 2 rows, expected one row for each of the 3 candidates$`));
      expectLine(new RegExp(`^doubled: ballot ${twice} has 3 rows for 2 different candidates`));
      expectLine(new RegExp(`^ranks: ballot ${bad} has 2 ranks outside 1..3 and no-opinion$`));
      expectLine(/^links: voter row #\d+ has a salt of 15 bytes \(expected 16\)$/);
      expectLine(/^links: voter row #\d+ has a salt but no sealed identifier$/);
      expectLine(/^links: voter row #\d+ has unusable KDF parameters/);
      expectLine(/^links: voter row #\d+ holds KDF parameters but no link$/);
      expectLine(/^erased: voter row #\d+ still holds a link although the links of this election were erased$/);
      expectLine(/^good: .*: consistent$/);
      expectLine(/^partial: 2 voters, 2 ballots of 3 candidates, 0 sealed links: 1 problem$/);
      expectLine(/^erased: 1 voter, 1 ballot of 3 candidates, links erased: 1 problem$/);
      expectLine(/elections checked: 7 elections with problems\.$/);

      const one = await check(database, ['--election', 'good']);
      assert.equal(one.code, 0, one.out);
      assert.equal(one.out.trim().split('\n').length, 2, one.out);
      const missing = await check(database, ['--election', 'nope']);
      assert.equal(missing.code, 1);
      assert.match(missing.out, /no election "nope" in the database/);
    });
  });
}

test('scrutin check on a database that was never migrated says what to do', async () => {
  const database = await freshDatabase('sqlite');
  try {
    const r = await check(database);
    assert.equal(r.code, 1);
    assert.match(r.err, /run `scrutin migrate` first/);
  } finally {
    await database.drop();
  }
});
