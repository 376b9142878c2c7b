// Derivations are a shared, scarce resource (seconds of a core and hundreds of MiB each):
// - every derivation of a user for an election counts, right passphrases included
//   (issue 14, item 8), so accounts looping on "view my ballot" cannot hold the slots;
// - refusals are answered at once, never after a derivation of the same voter;
// - the queue is bounded (issue 16): beyond it, or past its wait, or once the client has
//   gone, the voter is refused before any derivation and nothing is cast.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CastOutcome, OpenOutcome } from '../../src/app/ballots/types.js';
import { ballotHarness, rankInOrder, tableCounts, type BallotHarness } from '../helpers/ballotHarness.js';
import { dialects } from '../helpers/db.js';
import { makeElection } from '../helpers/meta.js';
import { told } from '../helpers/told.js';

const start = new Date('2026-01-01T00:00:00Z');
const end = new Date('2026-01-15T00:00:00Z');
const during = new Date('2026-01-10T12:00:00Z');
const logins = Array.from({ length: 40 }, (_, i) => `voter${String(i).padStart(2, '0')}`);
const loop = makeElection({ key: 'loop', startDatetime: start, endDatetime: end, voters: logins });
const queue = makeElection({ key: 'queue', startDatetime: start, endDatetime: end, voters: logins });

const kindOf = (o: CastOutcome | OpenOutcome): string => (o.ok ? 'ok' : o.code);

/** Whether `promise` has settled once every pending callback has run (no timers involved). */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

for (const kind of dialects()) {
  describe(`derivation throttle on ${kind}`, () => {
    let h: BallotHarness;
    before(async () => {
      h = await ballotHarness(kind, { elections: [loop, queue], now: during });
    });
    after(async () => {
      await h.cleanup();
    });

    test('right-passphrase views count: the 11th derivation in 15 minutes is refused (429) without deriving; other voters are unaffected', async () => {
      const [amy, bea] = [await h.user('voter00'), await h.user('voter01')];
      for (const user of [amy, bea]) {
        assert.equal(
          (
            await h.service.cast({
              user,
              electionKey: 'loop',
              fields: rankInOrder(loop),
              passphrase: `${user.login} passphrase`,
              confirmAbstention: false,
            })
          ).ok,
          true,
        );
      }
      // Two accounts looping on "view my ballot": the cast was their first derivation.
      const outcomes: string[] = [];
      for (let i = 0; i < 12; i++) {
        for (const user of [amy, bea])
          outcomes.push(kindOf(await h.service.view({ user, electionKey: 'loop', passphrase: `${user.login} passphrase` })));
      }
      assert.deepEqual(outcomes.filter((k) => k === 'ok').length, 18, '9 views each after the cast');
      assert.deepEqual(outcomes.slice(18), Array<string>(6).fill('too-many-derivations'));
      const before = h.derivations();
      const refused = await h.service.view({ user: amy, electionKey: 'loop', passphrase: 'voter00 passphrase' });
      if (refused.ok || refused.code !== 'too-many-derivations') assert.fail(JSON.stringify(refused));
      assert.equal(told(refused).status, 429);
      assert.ok(refused.retryAfterSeconds > 0 && refused.retryAfterSeconds <= 15 * 60, String(refused.retryAfterSeconds));
      assert.match(told(refused).message, /10 times in the last 15 minutes/);
      assert.equal(h.derivations(), before, 'refused before deriving');
      // A third voter casts and views as usual.
      const cal = await h.user('voter02');
      assert.equal(
        (
          await h.service.cast({
            user: cal,
            electionKey: 'loop',
            fields: rankInOrder(loop),
            passphrase: 'cal passphrase',
            confirmAbstention: false,
          })
        ).ok,
        true,
      );
      assert.equal((await h.service.view({ user: cal, electionKey: 'loop', passphrase: 'cal passphrase' })).ok, true);
      // After the window, amy may look again.
      h.setNow(new Date(during.getTime() + 16 * 60_000));
      try {
        assert.equal((await h.service.view({ user: amy, electionKey: 'loop', passphrase: 'voter00 passphrase' })).ok, true);
      } finally {
        h.setNow(during);
      }
      const attempts = await h.store.db.selectFrom('scrutin_passphrase_attempt').selectAll().execute();
      assert.equal(attempts.length, 0, 'right passphrases still do not use up the wrong-guess allowance');
    });

    test("a wrong-passphrase 429 is answered while the same voter's derivation is still running", async () => {
      const dan = await h.user('voter03');
      await h.service.cast({
        user: dan,
        electionKey: 'loop',
        fields: rankInOrder(loop),
        passphrase: 'dan passphrase',
        confirmAbstention: false,
      });
      for (let i = 1; i <= 4; i++)
        assert.equal(kindOf(await h.service.view({ user: dan, electionKey: 'loop', passphrase: `wrong ${i}` })), 'wrong-passphrase');
      const release = h.holdDerivations();
      try {
        const fifth = h.service.view({ user: dan, electionKey: 'loop', passphrase: 'wrong 5' });
        // The fifth guess has claimed the last attempt and is deriving (held).
        for (let i = 0; i < 50 && (await h.store.db.selectFrom('scrutin_passphrase_attempt').select('id').execute()).length < 5; i++)
          await new Promise((r) => setTimeout(r, 10));
        const sixth = h.service.view({ user: dan, electionKey: 'loop', passphrase: 'dan passphrase' });
        const revoke = h.service.revoke({ user: dan, electionKey: 'loop', passphrase: 'wrong 7' });
        for (const refused of [sixth, revoke]) {
          // Answered without the held derivation finishing: nothing else can settle it.
          for (let i = 0; i < 100 && !(await settled(refused)); i++) await new Promise((r) => setTimeout(r, 10));
          assert.equal(await settled(refused), true, 'answered while the fifth guess still derives');
          assert.equal(kindOf(await refused), 'too-many-attempts');
        }
        assert.equal(await settled(fifth), false, 'the fifth guess is still deriving');
        release();
        assert.equal(kindOf(await fifth), 'wrong-passphrase');
      } finally {
        release();
      }
    });
  });

  describe(`the bounded derivation queue on ${kind}`, () => {
    let h: BallotHarness;
    before(async () => {
      h = await ballotHarness(kind, { elections: [queue], now: during, kdfConcurrency: 1, kdfQueue: { maxWaitMs: 60_000, maxQueue: 2 } });
    });
    after(async () => {
      await h.cleanup();
    });

    const cast = async (login: string, signal?: AbortSignal) =>
      h.service.cast({
        user: await h.user(login),
        electionKey: 'queue',
        fields: rankInOrder(queue),
        passphrase: `${login} passphrase`,
        confirmAbstention: false,
        ...(signal ? { signal } : {}),
      });

    test('beyond the queue: refused at once, 503 "try again in a minute", nothing cast; those admitted are cast', async () => {
      const release = h.holdDerivations();
      const admitted: Promise<CastOutcome>[] = [];
      try {
        admitted.push(cast('voter10'));
        for (let i = 0; i < 100 && h.pool.running < 1; i++) await new Promise((r) => setTimeout(r, 10));
        admitted.push(cast('voter11'), cast('voter12'));
        // One derives (held), two wait: the queue is full.
        for (let i = 0; i < 100 && h.pool.queued < 2; i++) await new Promise((r) => setTimeout(r, 10));
        assert.equal(h.pool.queued, 2);
        const beyond = await cast('voter13');
        if (beyond.ok || beyond.code !== 'busy') assert.fail(JSON.stringify(beyond));
        assert.equal(told(beyond).status, 503);
        assert.equal(beyond.retryAfterSeconds, 60);
        assert.match(told(beyond).message, /Nothing was cast.*try again in a minute/);
      } finally {
        release();
      }
      assert.deepEqual((await Promise.all(admitted)).map(kindOf), ['ok', 'ok', 'ok']);
      assert.deepEqual(await tableCounts(h.store, 'queue'), { voters: 3, ballotRows: 9, ballots: 3 });
      // The refused voter votes normally once the queue has room.
      assert.equal(kindOf(await cast('voter13')), 'ok');
    });

    test('a voter whose client leaves while queued is dropped before deriving; one who leaves during the derivation is not cast', async () => {
      const release = h.holdDerivations();
      const before = h.derivations();
      const leaving = new AbortController();
      const leavingDuring = new AbortController();
      let outcomes: CastOutcome[];
      try {
        const first = cast('voter20', leavingDuring.signal);
        for (let i = 0; i < 100 && h.pool.running < 1; i++) await new Promise((r) => setTimeout(r, 10));
        const second = cast('voter21', leaving.signal);
        for (let i = 0; i < 100 && h.pool.queued < 1; i++) await new Promise((r) => setTimeout(r, 10));
        leaving.abort();
        leavingDuring.abort();
        release();
        outcomes = await Promise.all([first, second]);
      } finally {
        release();
      }
      assert.deepEqual(outcomes.map(kindOf), ['busy', 'busy']);
      assert.equal(h.derivations() - before, 1, 'the one who left the queue never derived');
      const voters = await h.store.db
        .selectFrom('voter')
        .innerJoin('user', 'user.id', 'voter.user_id')
        .select('user.username')
        .where('user.username', 'in', ['voter20', 'voter21'])
        .execute();
      assert.deepEqual(voters, [], 'nothing cast behind a client that has gone');
    });
  });

  describe(`the queue's wait on ${kind}`, () => {
    let h: BallotHarness;
    before(async () => {
      h = await ballotHarness(kind, { elections: [queue], now: during, kdfConcurrency: 1, kdfQueue: { maxWaitMs: 300 } });
    });
    after(async () => {
      await h.cleanup();
    });

    test('a voter still waiting when the wait is up is refused with nothing cast', async () => {
      const release = h.holdDerivations();
      const user = await h.user('voter30');
      const other = await h.user('voter31');
      let first: Promise<CastOutcome>;
      try {
        first = h.service.cast({
          user,
          electionKey: 'queue',
          fields: rankInOrder(queue),
          passphrase: 'voter30 passphrase',
          confirmAbstention: false,
        });
        for (let i = 0; i < 100 && h.pool.running < 1; i++) await new Promise((r) => setTimeout(r, 10));
        const waited = await h.service.cast({
          user: other,
          electionKey: 'queue',
          fields: rankInOrder(queue),
          passphrase: 'voter31 passphrase',
          confirmAbstention: false,
        });
        assert.equal(kindOf(waited), 'busy');
      } finally {
        release();
      }
      assert.equal(kindOf(await first), 'ok');
      assert.deepEqual(await tableCounts(h.store, 'queue'), { voters: 1, ballotRows: 3, ballots: 1 });
    });
  });
}
