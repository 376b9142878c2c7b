// OfficerRepo on each database: a decision only reaches a request of the election it
// names (in the statement itself), who voted by login, and votes per UTC day cut out
// of each engine's own timestamp column.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Store } from '../../src/storage/store.js';
import { dialects, freshStore } from '../helpers/db.js';

const now = new Date('2026-05-10T12:00:00Z');

async function voterRow(store: Store, electionId: number, login: string | null, createdAt: string | null): Promise<void> {
  const userId = login === null ? null : (await store.users.recordSignIn({ login, name: null, githubId: null, now })).id;
  await store.db
    .insertInto('voter')
    .values({
      user_id: userId,
      election_id: electionId,
      created_at: createdAt,
      updated_at: createdAt,
      salt: null,
      ballot_id: null,
      kdf: null,
    })
    .execute();
}

for (const kind of dialects()) {
  describe(`officer storage on ${kind}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let tsc = 0;
    let gb = 0;
    let requestInTsc = 0;
    let requestInGb = 0;

    before(async () => {
      ({ store, cleanup } = await freshStore(kind));
      tsc = await store.elections.ensure('tsc', 'TSC', now);
      gb = await store.elections.ensure('gb', 'GB', now);
      const mallory = await store.users.recordSignIn({ login: 'Mallory', name: null, githubId: null, now });
      const peggy = await store.users.recordSignIn({ login: 'peggy', name: null, githubId: null, now });
      const base = { name: 'N', email: 'n@example.org', chat: '', description: 'd', comments: '', now };
      const a = await store.requests.create({ ...base, userId: mallory.id, electionId: tsc });
      const b = await store.requests.create({ ...base, userId: peggy.id, electionId: gb });
      assert.ok(a.ok && b.ok);
      requestInTsc = a.request.id;
      requestInGb = b.request.id;
    });
    after(async () => {
      await cleanup();
    });

    test('a decision reaches a request of the named election only, and sets reviewed', async () => {
      const decide = { decision: 'approved' as const, note: 'ok', decidedBy: 'olivia', now };
      assert.equal(
        await store.officer.decideRequest({ ...decide, electionId: tsc, requestId: requestInGb }),
        false,
        "gb's request through tsc",
      );
      assert.equal(await store.officer.decideRequest({ ...decide, electionId: tsc, requestId: 987654 }), false, 'no such request');
      const untouched = await store.requests.findById(requestInGb);
      assert.equal(untouched?.decision, null);
      assert.equal(untouched.reviewed, false);

      assert.equal(await store.officer.decideRequest({ ...decide, electionId: tsc, requestId: requestInTsc }), true);
      const decided = await store.requests.findById(requestInTsc);
      assert.equal(decided?.decision, 'approved');
      assert.equal(decided.decisionNote, 'ok');
      assert.equal(decided.decidedBy, 'olivia');
      assert.equal(decided.decidedAt?.toISOString(), now.toISOString());
      assert.equal(decided.reviewed, true);
      assert.equal(decided.login, 'Mallory');

      // The same decision again in the same second still answers true (MySQL reports matched rows).
      assert.equal(await store.officer.decideRequest({ ...decide, electionId: tsc, requestId: requestInTsc }), true);
      const later = new Date(now.getTime() + 60_000);
      assert.equal(
        await store.officer.decideRequest({
          electionId: tsc,
          requestId: requestInTsc,
          decision: 'denied',
          note: '',
          decidedBy: 'otto',
          now: later,
        }),
        true,
      );
      const changed = await store.requests.findById(requestInTsc);
      assert.equal(changed?.decision, 'denied');
      assert.equal(changed.decisionNote, '');
      assert.equal(changed.decidedBy, 'otto');
      assert.equal(changed.decidedAt?.toISOString(), later.toISOString());
      assert.equal((await store.requests.findById(requestInGb))?.decision, null);
    });

    test("a user's requests by election key, each with its own decision; nobody else's", async () => {
      const mallory = await store.users.findByLogin('Mallory');
      assert.ok(mallory);
      const other = await store.requests.create({
        userId: mallory.id,
        electionId: gb,
        name: 'M',
        email: 'm@example.org',
        chat: '',
        description: 'd',
        comments: '',
        now,
      });
      assert.ok(other.ok);
      await store.officer.decideRequest({ electionId: tsc, requestId: requestInTsc, decision: 'denied', note: 'no', decidedBy: 'o', now });
      const mine = await store.requests.listByUser(mallory.id);
      assert.deepEqual([...mine.keys()].sort(), ['gb', 'tsc']);
      assert.equal(mine.get('tsc')?.decision, 'denied');
      assert.equal(mine.get('tsc')?.decisionNote, 'no');
      assert.equal(mine.get('gb')?.decision, null);
      assert.equal(mine.get('gb')?.id, other.request.id, "peggy's request in gb is not mallory's");
      assert.equal((await store.requests.listByUser(987654)).size, 0);
    });

    test('who voted, by login; rows without a login counted apart; other elections ignored', async () => {
      const election = await store.elections.ensure('turnout', 'Turnout', now);
      await voterRow(store, election, 'Alice', '2026-05-01 10:00:00');
      await voterRow(store, election, 'bob', null);
      await voterRow(store, election, null, '2026-05-01 11:00:00');
      await voterRow(store, gb, 'carol', '2026-05-01 11:00:00');
      const voted = await store.officer.votedLogins(election);
      assert.deepEqual([...voted.logins].sort(), ['Alice', 'bob']);
      assert.equal(voted.withoutLogin, 1);
      assert.deepEqual(voted.renamed, []);
      assert.deepEqual(await store.officer.votedLogins(await store.elections.ensure('empty', 'Empty', now)), {
        logins: [],
        withoutLogin: 0,
        renamed: [],
      });
    });

    test('a ballot counts under the login it was cast with; renamed accounts and released logins are named', async () => {
      const election = await store.elections.ensure('renames', 'Renames', now);
      // u5 votes under u5, then renames the GitHub account to u5-old and signs in again.
      const u5 = await store.users.recordSignIn({ login: 'U5', name: null, githubId: '500', now });
      await store.transaction((tx) =>
        tx.ballots.cast({
          userId: u5.id,
          login: u5.login,
          electionId: election,
          at: now,
          voterId: randomUUID(),
          link: null,
          rows: [{ candidate: 'a', rank: 1 }],
        }),
      );
      await store.users.recordSignIn({ login: 'u5-old', name: null, githubId: '500', now });
      // u6 votes, renames away, and another account takes u6 before u6's owner signs in again.
      const u6 = await store.users.recordSignIn({ login: 'u6', name: null, githubId: '600', now });
      await store.transaction((tx) =>
        tx.ballots.cast({
          userId: u6.id,
          login: u6.login,
          electionId: election,
          at: now,
          voterId: randomUUID(),
          link: null,
          rows: [{ candidate: 'a', rank: 1 }],
        }),
      );
      await store.users.recordSignIn({ login: 'u6', name: null, githubId: '601', now });
      const voted = await store.officer.votedLogins(election);
      assert.deepEqual([...voted.logins].sort(), ['u5', 'u6']);
      assert.deepEqual(voted.renamed, [
        { login: 'u5', account: 'u5-old' },
        { login: 'u6', account: null },
      ]);
    });

    test('votes per UTC day, day boundaries exact, undated rows apart', async () => {
      const election = await store.elections.ensure('daily', 'Daily', now);
      for (const at of [
        '2026-05-01 00:00:00',
        '2026-05-01 23:59:59',
        '2026-05-02 00:00:00',
        '2026-05-04 12:30:00',
        '2026-05-04 13:30:00',
        '2026-05-04 23:00:00',
      ]) {
        await voterRow(store, election, `u-${randomUUID().slice(0, 8)}`, at);
      }
      await voterRow(store, election, `u-${randomUUID().slice(0, 8)}`, null);
      await voterRow(store, tsc, `u-${randomUUID().slice(0, 8)}`, '2026-05-03 10:00:00');
      const daily = await store.officer.votesPerDay(election);
      assert.deepEqual(daily.days, [
        { day: '2026-05-01', votes: 2 },
        { day: '2026-05-02', votes: 1 },
        { day: '2026-05-04', votes: 3 },
      ]);
      assert.equal(daily.undated, 1);
      assert.deepEqual(await store.officer.votesPerDay(await store.elections.ensure('none', 'None', now)), { days: [], undated: 0 });
    });

    if (kind === 'sqlite') {
      test("Elekto's SQLAlchemy text timestamps (microseconds, or a T) fall on their day", async () => {
        const election = await store.elections.ensure('elekto', 'Elekto', now);
        await voterRow(store, election, 'x1', '2021-01-12 23:59:59.999999');
        await voterRow(store, election, 'x2', '2021-01-13T00:00:01');
        assert.deepEqual((await store.officer.votesPerDay(election)).days, [
          { day: '2021-01-12', votes: 1 },
          { day: '2021-01-13', votes: 1 },
        ]);
      });
    }
  });
}
