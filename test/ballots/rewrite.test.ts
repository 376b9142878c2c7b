// After the close of every election (not only delete_after ones), the ballot rows are
// written again once, so PostgreSQL's xmin and storage order no longer tie a ballot to
// the voter row cast in the same transaction. Links stay openable; replicas racing
// to do it rewrite exactly once and never duplicate a ballot.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { eraseDueLinks } from '../../src/app/eraseLinks.js';
import { Store } from '../../src/storage/store.js';
import { ballotHarness, rankInOrder, tableCounts, type BallotHarness } from '../helpers/ballotHarness.js';
import { dialects } from '../helpers/db.js';
import { makeElection } from '../helpers/meta.js';

const start = new Date('2026-01-01T00:00:00Z');
const end = new Date('2026-01-15T00:00:00Z');
const during = new Date('2026-01-10T00:00:00Z');
const kept = makeElection({ key: 'kept', startDatetime: start, endDatetime: end, voters: ['alice', 'bob', 'carol'] });

for (const kind of dialects()) {
  describe(`ballot rows rewritten after the close on ${kind}`, () => {
    let h: BallotHarness;
    before(async () => {
      h = await ballotHarness(kind, { elections: [kept], now: during });
    });
    after(async () => {
      await h.cleanup();
    });

    test('once closed, every ballot is written again exactly once; links still open; concurrent runs never duplicate', async () => {
      const users = await Promise.all(['alice', 'bob', 'carol'].map((l) => h.user(l)));
      for (const user of users) {
        const outcome = await h.service.cast({
          user,
          electionKey: 'kept',
          fields: rankInOrder(kept),
          passphrase: `passphrase of ${user.login}`,
          confirmAbstention: false,
        });
        assert.equal(outcome.ok, true);
      }
      const xminJoin = async () =>
        Number(
          (await sql<{ n: string }>`select count(distinct b.voter) as n from ballot b join voter v on b.xmin = v.xmin`.execute(h.store.db))
            .rows[0]?.n,
        );
      if (kind === 'postgresql') assert.equal(await xminJoin(), 3, 'before: xmin ties each ballot to its voter row');
      const rows = async () =>
        (await h.store.db.selectFrom('ballot').select(['id', 'voter', 'candidate', 'rank']).execute()).map((r) => ({
          ...r,
          id: r.id.trim(),
        }));
      const before = await rows();

      // Still running: nothing is rewritten.
      await eraseDueLinks({ store: h.store, log: h.ports.log, now: during }, h.catalogue.current());
      assert.deepEqual((await rows()).map((r) => r.id).sort(), before.map((r) => r.id).sort());

      const closed = new Date(end.getTime() + 1000);
      h.setNow(closed);
      // Two replicas at once (their own connections where the engine allows it).
      const other = kind === 'sqlite' ? h.store : Store.open(h.database.config);
      try {
        await Promise.all([
          eraseDueLinks({ store: h.store, log: h.ports.log, now: closed }, h.catalogue.current()),
          eraseDueLinks({ store: other, log: h.ports.log, now: closed }, h.catalogue.current()),
        ]);
      } finally {
        if (other !== h.store) await other.close();
      }
      const afterRows = await rows();
      const content = (list: typeof before) => list.map((r) => `${r.voter}/${r.candidate}/${r.rank}`).sort();
      assert.deepEqual(content(afterRows), content(before), 'the same ballots, none lost or doubled');
      const oldIds = new Set(before.map((r) => r.id));
      assert.ok(
        afterRows.every((r) => !oldIds.has(r.id)),
        'every row written again',
      );
      if (kind === 'postgresql') assert.equal(await xminJoin(), 0, 'after: no xmin join');
      assert.deepEqual(await tableCounts(h.store, 'kept'), { voters: 3, ballotRows: 9, ballots: 3 });
      const audit = await h.store.audit.list({ electionKey: 'kept' });
      assert.equal(audit.filter((a) => a.action === 'ballots-rewritten').length, 1, 'done once');

      // Not delete_after: the voter can still open the ballot with the passphrase.
      const view = await h.service.view({ user: users[0]!, electionKey: 'kept', passphrase: 'passphrase of alice' });
      assert.equal(view.ok, true);

      const idsNow = afterRows.map((r) => r.id).sort();
      await eraseDueLinks({ store: h.store, log: h.ports.log, now: closed }, h.catalogue.current());
      assert.deepEqual((await rows()).map((r) => r.id).sort(), idsNow, 'a later sync leaves them alone');
    });
  });
}
