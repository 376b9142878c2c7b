// BallotRepo and AttemptRepo on each database: reading ballots back page by page, counts,
// turnout, the hidden SQLite rowid, erasure and the rewrite, and the attempt window.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Store } from '../../src/storage/store.js';
import { dialects, freshStore } from '../helpers/db.js';

const now = new Date('2026-01-10T12:00:00Z');
const candidates = ['ann', 'ben', 'cat'];

async function castDirect(store: Store, login: string, electionId: number, ranks: number[], at = now, link = false): Promise<string> {
  const user = await store.users.recordSignIn({ login, name: null, githubId: null, now: at });
  const voterId = randomUUID();
  await store.transaction((tx) =>
    tx.ballots.cast({
      userId: user.id,
      login: user.login,
      electionId,
      at,
      voterId,
      link: link ? { salt: new Uint8Array(16).fill(1), sealed: new Uint8Array(76).fill(2), kdf: 'argon2id$v=19$m=64,t=1,p=1' } : null,
      rows: candidates.map((candidate, i) => ({ candidate, rank: ranks[i]! })),
    }),
  );
  return voterId;
}

for (const kind of dialects()) {
  describe(`ballot storage on ${kind}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let board = 0;
    let other = 0;
    const cast: string[] = [];
    before(async () => {
      ({ store, cleanup } = await freshStore(kind));
      board = await store.elections.ensure('board', 'Board', now);
      other = await store.elections.ensure('other', 'Other', now);
      for (let i = 0; i < 30; i++) {
        const at = new Date(now.getTime() + i * 1000);
        cast.push(
          await castDirect(store, `v${String(i).padStart(2, '0')}`, board, [1 + (i % 3), 1 + ((i + 1) % 3), 100000000], at, i % 2 === 0),
        );
      }
      await castDirect(store, 'v00', other, [1, 2, 3]);
    });
    after(async () => {
      await cleanup();
    });

    test('ballotsOf yields every ballot once, whole, grouped by identifier in identifier order, across pages', async () => {
      const seen: { voter: string; rows: { candidate: string; rank: number }[] }[] = [];
      for await (const b of store.ballots.ballotsOf(board, 4)) seen.push(b);
      assert.equal(seen.length, 30);
      assert.deepEqual(
        seen.map((b) => b.voter),
        [...cast].sort(),
      );
      for (const b of seen) {
        const i = cast.indexOf(b.voter);
        assert.deepEqual(b.rows, [
          { candidate: 'ann', rank: 1 + (i % 3) },
          { candidate: 'ben', rank: 1 + ((i + 1) % 3) },
          { candidate: 'cat', rank: 100000000 },
        ]);
      }
      const small: string[] = [];
      for await (const b of store.ballots.ballotsOf(other)) small.push(b.voter);
      assert.equal(small.length, 1);
    });

    test('counts, turnout and the elections a user voted in', async () => {
      assert.deepEqual(await store.ballots.countsOf(board), { voters: 30, ballots: 30 });
      const all = await store.ballots.countsByElection();
      assert.deepEqual(all.get(board), { voters: 30, ballots: 30 });
      assert.deepEqual(all.get(other), { voters: 1, ballots: 1 });
      const turnout = await store.ballots.votersOf(board);
      assert.equal(turnout.length, 30);
      assert.deepEqual(
        turnout.map((t) => t.login),
        Array.from({ length: 30 }, (_, i) => `v${String(i).padStart(2, '0')}`),
      );
      assert.deepEqual(turnout[3]?.votedAt, new Date(now.getTime() + 3000));
      const v00 = await store.users.findByLogin('v00');
      assert.deepEqual((await store.ballots.votedElectionIds(v00!.id)).sort(), [board, other].sort());
      assert.deepEqual([...(await store.ballots.votedKeys(v00!.id))].sort(), ['board', 'other']);
    });

    test('a cast without a link leaves salt, ballot_id and kdf NULL; with one, all three are set', async () => {
      const rows = await store.db.selectFrom('voter').select(['salt', 'ballot_id', 'kdf']).where('election_id', '=', board).execute();
      const withLink = rows.filter((r) => r.salt !== null);
      assert.equal(withLink.length, 15);
      for (const r of rows) {
        if (r.salt === null) assert.deepEqual([r.ballot_id, r.kdf], [null, null]);
        else assert.deepEqual([r.salt.length, r.ballot_id?.length, r.kdf], [16, 76, 'argon2id$v=19$m=64,t=1,p=1']);
      }
    });

    if (kind === 'sqlite') {
      test('SQLite: ballot rows get random rowids, so rowid order says nothing about casting order', async () => {
        const rows = await sql<{
          rowid: number | bigint;
          voter: string;
        }>`select rowid, voter from ballot where election_id = ${board}`.execute(store.db);
        // Left to itself SQLite numbers rows 1, 2, 3... in insertion order.
        assert.ok(
          rows.rows.every((r) => BigInt(r.rowid) > 2n ** 40n),
          'no small sequential rowids',
        );
        const firstRowid = new Map<string, bigint>();
        for (const r of rows.rows) {
          const id = BigInt(r.rowid);
          const seen = firstRowid.get(r.voter);
          if (seen === undefined || id < seen) firstRowid.set(r.voter, id);
        }
        const byRowid = [...firstRowid].sort((a, b) => (a[1] < b[1] ? -1 : 1)).map(([voter]) => voter);
        assert.notDeepEqual(byRowid, cast, 'rowid order is not casting order (chance 1 in 30!)');
      });
    }

    test('rewriteRows keeps every ballot and gives every row a new id', async () => {
      const before = await store.db
        .selectFrom('ballot')
        .select(['id', 'voter', 'candidate', 'rank'])
        .where('election_id', '=', other)
        .execute();
      const n = await store.transaction((tx) => tx.ballots.rewriteRows(other));
      assert.equal(n, before.length);
      const afterRows = await store.db
        .selectFrom('ballot')
        .select(['id', 'voter', 'candidate', 'rank'])
        .where('election_id', '=', other)
        .execute();
      const content = (rows: typeof before) => rows.map((r) => `${r.voter}/${r.candidate}/${r.rank}`).sort();
      assert.deepEqual(content(afterRows), content(before));
      assert.equal(afterRows.filter((r) => before.some((b) => b.id === r.id)).length, 0);
    });

    test('eraseLinks clears the three columns of every linked voter row of one election only, and says how many', async () => {
      const scratch = await store.elections.ensure('scratch', null, now);
      await castDirect(store, 'w1', scratch, [1, 2, 3], now, true);
      await castDirect(store, 'w2', scratch, [1, 2, 3], now, false);
      await castDirect(store, 'w3', scratch, [1, 2, 3], now, true);
      assert.equal(await store.ballots.eraseLinks(scratch), 2);
      assert.equal(await store.ballots.eraseLinks(scratch), 0);
      const left = await store.db
        .selectFrom('voter')
        .select('id')
        .where('election_id', '=', scratch)
        .where('salt', 'is not', null)
        .execute();
      assert.equal(left.length, 0);
      const boardLinks = await store.db
        .selectFrom('voter')
        .select('id')
        .where('election_id', '=', board)
        .where('salt', 'is not', null)
        .execute();
      assert.equal(boardLinks.length, 15, 'other elections untouched');
    });

    test('attempts: counted in the window, per user and election; pruned when old', async () => {
      const user = await store.users.findByLogin('v01');
      const t0 = new Date('2026-01-10T12:00:00Z');
      const ids: number[] = [];
      for (let i = 0; i < 3; i++) ids.push(await store.attempts.record(user!.id, board, new Date(t0.getTime() + i * 60_000)));
      await store.attempts.record(user!.id, other, t0);
      const window = await store.attempts.countSince(user!.id, board, new Date(t0.getTime() + 60_000));
      assert.deepEqual(window, { count: 2, oldest: new Date(t0.getTime() + 60_000) });
      assert.equal((await store.attempts.countSince(user!.id, board, t0, ids[1])).count, 2);
      assert.equal(await store.attempts.prune(user!.id, board, new Date(t0.getTime() + 60_000)), 1);
      await store.attempts.remove(ids[2]!);
      assert.equal((await store.attempts.countSince(user!.id, board, t0)).count, 1);
      assert.equal((await store.attempts.countSince(user!.id, other, t0)).count, 1);
    });
  });
}
