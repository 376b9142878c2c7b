// Issue 14, item 6: the ballot rows are rewritten when an election ends, not at the next
// meta sync. A timer, armed from the snapshot's end times, fires a few seconds after each
// close (tested here with an injected clock and timers, not a real minute): one minute
// after the close, with no sync in between, no voter row joins a ballot row through
// PostgreSQL's xmin. And nothing is counted or downloaded before that rewrite.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { CLOSE_GRACE_MS, CLOSE_MAX_DELAY_MS, watchCloses, type CloseTimers } from '../../src/app/eraseLinks.js';
import type { Store } from '../../src/storage/store.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { ballotHarness, rankInOrder, tableCounts, type BallotHarness } from '../helpers/ballotHarness.js';
import { dialects } from '../helpers/db.js';
import { entryOf, makeElection, snapshotOf } from '../helpers/meta.js';

const START = new Date('2026-01-01T00:00:00Z');
const END = new Date('2026-01-15T00:00:00Z');
const DURING = new Date('2026-01-10T00:00:00Z');
const board = makeElection({ key: 'board', startDatetime: START, endDatetime: END, voters: ['alice', 'bob', 'carol'] });
const doomed = makeElection({ key: 'doomed', startDatetime: START, endDatetime: END, deleteAfter: true, voters: ['alice', 'bob'] });
const later = makeElection({ key: 'later', startDatetime: START, endDatetime: new Date('2026-02-01T00:00:00Z'), voters: ['alice'] });

/** Voter rows that share a transaction id with a ballot row: who cast which ballot (PostgreSQL only). */
async function xminLinks(store: Store): Promise<number> {
  const r = await sql<{ n: string }>`select count(distinct v.id) as n from voter v join ballot b on b.xmin = v.xmin`.execute(store.db);
  return Number(r.rows[0]?.n);
}

async function ballotIds(store: Store): Promise<string[]> {
  return (await store.db.selectFrom('ballot').select('id').execute()).map((r) => r.id.trim()).sort();
}

/** Timers the test fires by hand. */
class HandTimers implements CloseTimers {
  readonly pending = new Map<number, { fire: () => void; ms: number }>();
  private next = 0;
  set = (fire: () => void, ms: number): number => {
    const id = ++this.next;
    // Like a real timer, one that has fired is no longer pending.
    this.pending.set(id, {
      fire: () => {
        this.pending.delete(id);
        fire();
      },
      ms,
    });
    return id;
  };
  clear = (handle: unknown): void => {
    this.pending.delete(handle as number);
  };
  /** The one timer armed (the watcher keeps at most one). */
  only(): { fire: () => void; ms: number } {
    assert.equal(this.pending.size, 1, 'exactly one timer armed');
    return [...this.pending.values()][0]!;
  }
}

for (const kind of dialects()) {
  describe(`the close timer on ${kind}`, () => {
    let h: BallotHarness;
    before(async () => {
      h = await ballotHarness(kind, { elections: [board, doomed, later], now: DURING });
    });
    after(async () => {
      await h.cleanup();
    });

    test('a minute after the close, with no sync in between, the ballot rows are rewritten and delete_after links erased', async () => {
      for (const [key, logins] of [
        ['board', ['alice', 'bob', 'carol']],
        ['doomed', ['alice', 'bob']],
      ] as const) {
        const election = key === 'board' ? board : doomed;
        for (const login of logins) {
          const outcome = await h.service.cast({
            user: await h.user(login),
            electionKey: key,
            fields: rankInOrder(election),
            passphrase: `passphrase of ${login}`,
            confirmAbstention: false,
          });
          assert.equal(outcome.ok, true);
        }
      }
      if (kind === 'postgresql') assert.equal(await xminLinks(h.store), 5, 'while voting, xmin ties every ballot to its voter row');
      const before = await ballotIds(h.store);

      const timers = new HandTimers();
      const watcher = watchCloses({ store: h.store, log: h.ports.log, clock: h.now, current: () => h.catalogue.current(), timers });
      try {
        assert.equal(timers.only().ms, CLOSE_MAX_DELAY_MS, 'days before the close: the timer wakes hourly at most');
        h.setNow(new Date(END.getTime() - 30_000));
        watcher.rearm();
        assert.equal(timers.only().ms, 30_000 + CLOSE_GRACE_MS, 'armed for the close plus the grace for casts still committing');

        // A timer that fires early (clock drift) changes nothing and waits again.
        h.setNow(new Date(END.getTime() - 1000));
        timers.only().fire();
        await watcher.idle();
        assert.deepEqual(await ballotIds(h.store), before);
        assert.equal(timers.only().ms, 1000 + CLOSE_GRACE_MS);

        // One minute after the close.
        h.setNow(new Date(END.getTime() + 60_000));
        timers.only().fire();
        await watcher.idle();
        if (kind === 'postgresql') assert.equal(await xminLinks(h.store), 0, 'no voter row joins a ballot row through xmin');
        const afterIds = await ballotIds(h.store);
        assert.equal(afterIds.length, before.length);
        assert.ok(
          afterIds.every((id) => !before.includes(id)),
          'every ballot row written again',
        );
        assert.deepEqual(await tableCounts(h.store, 'board'), { voters: 3, ballotRows: 9, ballots: 3 });
        assert.deepEqual(await tableCounts(h.store, 'doomed'), { voters: 2, ballotRows: 6, ballots: 2 });
        const linked = await h.store.db
          .selectFrom('voter')
          .innerJoin('election', 'election.id', 'voter.election_id')
          .select(['election.key', 'voter.salt'])
          .execute();
        assert.ok(
          linked.filter((v) => v.key === 'doomed').every((v) => v.salt === null),
          'delete_after: links erased',
        );
        assert.ok(
          linked.filter((v) => v.key === 'board').every((v) => v.salt !== null),
          'other elections keep their links',
        );
        const rewritten = (await h.store.audit.list({ electionKey: 'board' })).filter((a) => a.action === 'ballots-rewritten');
        assert.equal(rewritten.length, 1);

        // Armed for the next close in the snapshot; a new snapshot with an earlier end re-arms it.
        assert.equal(timers.only().ms, CLOSE_MAX_DELAY_MS);
        const sooner = makeElection({
          key: 'sooner',
          startDatetime: START,
          endDatetime: new Date(END.getTime() + 120_000),
          voters: ['alice'],
        });
        h.replaceElections([board, doomed, later, sooner]);
        watcher.rearm();
        assert.equal(timers.only().ms, 60_000 + CLOSE_GRACE_MS);
      } finally {
        await watcher.stop();
      }
      assert.equal(timers.pending.size, 0, 'stopping clears the timer');
    });
  });

  describe(`nothing is counted before the close's rewrite, on ${kind}`, () => {
    let t: TestApp;
    const AFTER = new Date(END.getTime() + 5_000);
    before(async () => {
      t = await startTestApp({ kind, now: DURING, snapshot: snapshotOf([entryOf({ ...board, officers: ['olivia'] })]) });
    });
    after(async () => {
      await t.close();
    });

    test("the officers' results page rewrites the ballot rows first when no timer or sync has yet", async () => {
      for (const login of ['alice', 'bob']) {
        const c = t.client();
        await c.signIn(login);
        const cast = await c.post(
          '/app/elections/board/vote',
          { ...rankInOrder(board), password: '' },
          { csrfFrom: '/app/elections/board/vote' },
        );
        assert.equal(cast.statusCode, 303, cast.body.slice(0, 200));
      }
      const store = t.service.ctx.store;
      if (kind === 'postgresql') assert.equal(await xminLinks(store), 2);
      const before = await ballotIds(store);
      t.setNow(AFTER);
      const officer = t.client();
      await officer.signIn('olivia');
      const results = await officer.get('/app/elections/board/admin/results');
      assert.equal(results.statusCode, 200);
      assert.match(results.body, /<dt>Ballots counted<\/dt><dd>2<\/dd>/);
      if (kind === 'postgresql') assert.equal(await xminLinks(store), 0);
      assert.ok(
        (await ballotIds(store)).every((id) => !before.includes(id)),
        'rewritten before the count',
      );
      const download = await officer.get('/app/elections/board/admin/download');
      assert.equal(download.statusCode, 200);
      assert.equal((await store.audit.list({ electionKey: 'board' })).filter((a) => a.action === 'ballots-rewritten').length, 1, 'once');
    });
  });
}
