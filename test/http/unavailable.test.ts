// What a voter sees when the server cannot do what was asked right now (issue 16):
// - the database is locked, away or too slow: a 503 "Temporarily unavailable" page with
//   Retry-After, telling them to look at the election page before voting again; the
//   log names the driver's code (SQLITE_BUSY); the next request works once it is over;
// - the derivation queue is beyond its bound (the real service, its one derivation slot
//   held): the ballot comes back as filled in (503, Retry-After: 60, "try again in a
//   minute", nothing cast), and the passphrase forms say the same.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import SqliteDatabase from 'better-sqlite3';
import { argon2DeriveKey } from '../../src/crypto/kdf.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { CHEAP_KDF } from '../helpers/ballotHarness.js';
import { entryOf, makeCandidate, makeElection, snapshotOf } from '../helpers/meta.js';

const START = new Date('2026-05-01T00:00:00Z');
const END = new Date('2026-05-15T00:00:00Z');
const NOW = new Date('2026-05-05T10:00:00Z');
const election = makeElection({
  key: 'board',
  startDatetime: START,
  endDatetime: END,
  voters: ['alice', 'bob'],
  candidates: [makeCandidate('ann', 'Ann'), makeCandidate('ben', 'Ben'), makeCandidate('cat', 'Cat')],
});
const VOTE = '/app/elections/board/vote';
const ballot = { 'candidate@ann': '2', 'candidate@ben': '1', 'candidate@cat': '3' };

describe('the database locked by another writer (real ballot service, SQLite)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ now: NOW, snapshot: snapshotOf([entryOf(election)]), env: { DB_LOCK_TIMEOUT: '0.1' } });
  });
  after(async () => {
    await t.close();
  });

  test('a vote is answered 503 "temporarily unavailable" with Retry-After, SQLITE_BUSY is logged, and it goes through once the lock is gone', async () => {
    const c = t.client();
    await c.signIn('alice');
    const csrf = await c.csrf(VOTE);
    if (t.database.config.kind !== 'sqlite') assert.fail('this test holds a SQLite lock');
    const other = new SqliteDatabase(t.database.config.path);
    other.exec('BEGIN IMMEDIATE');
    try {
      const res = await c.post(VOTE, { ...ballot, _csrf: csrf, password: '' });
      assert.equal(res.statusCode, 503);
      assert.equal(res.headers['retry-after'], '30');
      assert.match(res.headers['content-type'] as string, /text\/html/);
      assert.match(res.body, /Temporarily unavailable/);
      assert.match(res.body, /open the election page first: it says whether your vote was recorded/);
      assert.doesNotMatch(res.body, /SQLITE|at .*\.ts/, 'no driver detail on the page');
      assert.ok(
        t.logs.some((l) => l.includes('SQLITE_BUSY') && l.includes('database unavailable')),
        'the log names the real error',
      );
      // Pages that only read are still served (WAL readers are not blocked).
      assert.equal((await c.get('/app/elections/board')).statusCode, 200);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    const again = await c.post(VOTE, { ...ballot, _csrf: await c.csrf(VOTE), password: '' });
    assert.equal(again.statusCode, 303, again.body.slice(0, 500));
  });
});

describe('the derivation queue beyond its bound (the service answers busy)', () => {
  let t: TestApp;
  /** While set, every derivation waits for it: the pool's one slot stays taken. */
  let held: Promise<void> | null = null;
  let release: () => void = () => undefined;
  const hold = async () => {
    held = new Promise((resolve) => {
      release = resolve;
    });
    // A derivation that takes the one slot and keeps it until release().
    void t.service.ctx.kdfPool.deriveKey(new Uint8Array(8), new Uint8Array(16), CHEAP_KDF);
    for (let i = 0; i < 100 && t.service.ctx.kdfPool.running < 1; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(t.service.ctx.kdfPool.running, 1);
  };
  before(async () => {
    t = await startTestApp({
      now: NOW,
      snapshot: snapshotOf([entryOf(election)]),
      // One derivation at a time and no queue behind it: a second is refused at once.
      env: { KDF_CONCURRENCY: '1', KDF_QUEUE_LIMIT: '0' },
      derive: async (passphrase, salt, params) => {
        if (held !== null) await held;
        return argon2DeriveKey(passphrase, salt, params);
      },
    });
  });
  after(async () => {
    release();
    await t.close();
  });

  test('the ballot comes back as filled in, 503 with Retry-After: 60 and "try again in a minute"; the passphrase is not echoed', async () => {
    const c = t.client();
    await c.signIn('alice');
    await hold();
    let res;
    try {
      res = await c.post(VOTE, { ...ballot, password: 'a long passphrase' }, { csrfFrom: VOTE });
    } finally {
      held = null;
      release();
    }
    assert.equal(res.statusCode, 503);
    assert.equal(res.headers['retry-after'], '60');
    assert.match(res.body, /Nothing was cast/);
    assert.match(res.body, /try again in a minute/);
    assert.match(res.body, /<select id="rank-ben"[^>]*>[\s\S]*?<option value="1" selected=""/, 'the ranks are kept');
    assert.doesNotMatch(res.body, /a long passphrase/);
  });

  test('"view my ballot" says the same on the election page', async () => {
    const c = t.client();
    await c.signIn('bob');
    // The derivation the previous test held may still be finishing on a loaded host: with
    // no queue allowed, a cast now would be refused. Wait for the slot to be free.
    for (let i = 0; i < 500 && t.service.ctx.kdfPool.running > 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal((await c.post(VOTE, { ...ballot, password: 'bob passphrase' }, { csrfFrom: VOTE })).statusCode, 303);
    const csrf = await c.csrf('/app/elections/board');
    await hold();
    let res;
    try {
      res = await c.post('/app/elections/board/vote/view', { password: 'any passphrase', _csrf: csrf });
    } finally {
      held = null;
      release();
    }
    assert.equal(res.statusCode, 503);
    assert.equal(res.headers['retry-after'], '60');
    assert.match(res.body, /Nothing was opened or changed/);
  });
});
