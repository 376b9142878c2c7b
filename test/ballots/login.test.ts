// One ballot per eligible login (issue 14, item 1), below the HTTP layer: the unique
// index on voter(election_id, login) decides between two accounts casting under one
// login, whichever replica they reach, and keeps deciding across revoke and re-cast.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '../../src/storage/errors.js';
import type { Voter } from '../../src/app/ballots/types.js';
import { ballotHarness, rankInOrder, tableCounts, type BallotHarness } from '../helpers/ballotHarness.js';
import { dialects } from '../helpers/db.js';
import { makeElection } from '../helpers/meta.js';
import { told } from '../helpers/told.js';

const during = new Date('2026-01-10T00:00:00Z');
const race = makeElection({ key: 'race', voters: ['u5'] });
const again = makeElection({ key: 'again', voters: ['u6'] });
const raw = makeElection({ key: 'raw', voters: ['u7'] });
const legacy = makeElection({ key: 'legacy', voters: ['u8'] });

for (const kind of dialects()) {
  describe(`one ballot per login on ${kind}`, () => {
    let h: BallotHarness;
    before(async () => {
      h = await ballotHarness(kind, { elections: [race, again, raw, legacy], now: during });
    });
    after(async () => {
      await h.cleanup();
    });

    /** Another GitHub account whose session says `login` (it took the login over, or signed in before a rename). */
    async function otherAccount(login: string): Promise<Voter & { name: null }> {
      const row = await h.store.users.recordSignIn({
        login: `other-${randomUUID().slice(0, 8)}`,
        name: null,
        githubId: String(Math.floor(Math.random() * 1e9)),
        now: during,
      });
      return { id: row.id, login, name: null };
    }

    test('two accounts casting under one login at the same moment, on two replicas: one ballot', async () => {
      const first = await h.user('u5');
      const second = await otherAccount('u5');
      const replica = h.newService();
      const outcomes = await Promise.all([
        // Passphrases: both derivations run between the checks and the writes, so both
        // get past the checks and the unique index decides.
        h.service.cast({
          user: first,
          electionKey: 'race',
          fields: rankInOrder(race),
          passphrase: 'first passphrase',
          confirmAbstention: false,
        }),
        replica.cast({
          user: second,
          electionKey: 'race',
          fields: rankInOrder(race),
          passphrase: 'second passphrase',
          confirmAbstention: false,
        }),
      ]);
      assert.equal(outcomes.filter((o) => o.ok).length, 1, JSON.stringify(outcomes));
      const refusal = outcomes.find((o) => !o.ok);
      assert.ok(refusal !== undefined && refusal.code === 'login-taken' && told(refusal).status === 409);
      assert.match(told(refusal).message, /under the login u5/);
      assert.deepEqual(await tableCounts(h.store, 'race'), { voters: 1, ballotRows: 3, ballots: 1 });
    });

    test('across revoke and re-cast: the login is free only while it has no ballot', async () => {
      const owner = await h.user('u6');
      const taker = await otherAccount('u6');
      const cast = (user: Voter, passphrase = '') =>
        h.service.cast({ user, electionKey: 'again', fields: rankInOrder(again), passphrase, confirmAbstention: false });
      assert.equal((await cast(owner, 'owner passphrase')).ok, true);
      const refused = await cast(taker);
      assert.equal(refused.ok, false);
      assert.deepEqual(await h.service.status(taker, 'again'), {
        voted: false,
        hasPassphrase: false,
        linksErased: false,
        loginTaken: true,
      });
      assert.equal((await h.service.revoke({ user: owner, electionKey: 'again', passphrase: 'owner passphrase' })).ok, true);
      assert.deepEqual(await h.service.status(taker, 'again'), {
        voted: false,
        hasPassphrase: false,
        linksErased: false,
        loginTaken: false,
      });
      assert.equal((await cast(taker)).ok, true, 'after the revoke, u6 has no ballot: the login may vote');
      const back = await cast(owner);
      assert.ok(
        !back.ok && back.code === 'login-taken' && told(back).status === 409 && /under the login u6/.test(told(back).message),
        JSON.stringify(back),
      );
      assert.deepEqual(await tableCounts(h.store, 'again'), { voters: 1, ballotRows: 3, ballots: 1 });
    });

    test('the database itself refuses a second voter row for one election and login, in any case', async () => {
      const electionId = await h.store.elections.ensure('raw', 'Raw', during);
      const a = await h.user('u7');
      const b = await otherAccount('u7');
      const row = (userId: number, login: string) => ({
        user_id: userId,
        election_id: electionId,
        login,
        salt: null,
        ballot_id: null,
        kdf: null,
      });
      await h.store.db.insertInto('voter').values(row(a.id, 'u7')).execute();
      await assert.rejects(h.store.db.insertInto('voter').values(row(b.id, 'u7')).execute(), (error: unknown) => isUniqueViolation(error));
      // The repository normalises, so a differently spelt login is the same login.
      await assert.rejects(
        h.store.transaction((tx) =>
          tx.ballots.cast({
            userId: b.id,
            login: 'U7',
            electionId,
            at: during,
            voterId: randomUUID(),
            link: null,
            rows: [{ candidate: 'ann', rank: 1 }],
          }),
        ),
        (error: unknown) => isUniqueViolation(error),
      );
    });

    test("a ballot recorded without a login (Elekto, or a rollback to it) still holds its user's login", async () => {
      const electionId = await h.store.elections.ensure('legacy', 'Legacy', during);
      const elekto = await h.user('u8');
      // As Elekto writes it: no login column.
      await h.store.db
        .insertInto('voter')
        .values({ user_id: elekto.id, election_id: electionId, salt: null, ballot_id: null, kdf: null })
        .execute();
      const taker = await otherAccount('u8');
      assert.deepEqual(await h.service.status(taker, 'legacy'), {
        voted: false,
        hasPassphrase: false,
        linksErased: false,
        loginTaken: true,
      });
      const refused = await h.service.cast({
        user: taker,
        electionKey: 'legacy',
        fields: rankInOrder(legacy),
        passphrase: '',
        confirmAbstention: false,
      });
      assert.ok(!refused.ok && refused.code === 'login-taken' && told(refused).status === 409, JSON.stringify(refused));
      assert.equal((await tableCounts(h.store, 'legacy')).voters, 1);
    });
  });
}
