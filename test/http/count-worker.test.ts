// The officers' count runs in worker threads (src/app/officer/countPool.ts): the same
// result as counting in place, bounded (one at a time, a short queue, a time limit),
// and the server keeps answering other requests while a large count runs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CountBusyError, CountPool, CountTimeoutError, type CountRequest } from '../../src/app/officer/countPool.js';
import { formatJson, tallyBallots, type TallyResult } from '../../src/core/tally/index.js';
import type { SessionUser } from '../../src/views/page.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { entryOf, makeCandidate, makeElection, snapshotOf } from '../helpers/meta.js';

/** A deterministic field of `n` candidates and a few ballots ranking some of them: one large tie. */
function election(n: number, ballots: number, seed = 1): { ids: string[]; result: TallyResult } {
  let s = seed;
  const random = (k: number): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.floor((s / 2 ** 32) * k);
  };
  const ids = Array.from({ length: n }, (_, i) => `c${String(i).padStart(4, '0')}`);
  const cast = Array.from({ length: ballots }, () =>
    Object.fromEntries(ids.filter(() => random(3) === 0).map((id) => [id, 1 + random(8)])),
  );
  return { ids, result: tallyBallots(ids, cast, 2) };
}

function request(ids: string[], result: TallyResult, output: 'result' | 'json', explanationLimit: number | null = null): CountRequest {
  return {
    candidates: ids,
    d: result.d.slice(),
    ballots: result.ballots,
    seats: result.seats,
    output,
    names: ids.map((id) => [id, `Name ${id}`]),
    explanationLimit,
    rules: null,
    ranked: null,
  };
}

describe('the count pool', () => {
  test('a count in a worker equals the count in place: the whole result, and the JSON byte for byte', async () => {
    const pool = new CountPool();
    const { ids, result } = election(60, 4);
    const answer = await pool.run(request(ids, result, 'result'));
    assert.equal(answer.output, 'result');
    assert.deepEqual(answer.result, result);
    assert.deepEqual(answer.omitted, { adjacent: 0, winners: 0 });
    const json = await pool.run(request(ids, result, 'json'));
    assert.equal(json.output, 'json');
    assert.equal(new TextDecoder().decode(json.json), formatJson(result, new Map(ids.map((id) => [id, `Name ${id}`]))));
  });

  test('a page count keeps the first comparisons of each list and says how many it left out', async () => {
    const pool = new CountPool();
    const { ids, result } = election(80, 3, 5);
    const { adjacent, winners } = result.explanation;
    assert.ok(adjacent.length > 50, `a long explanation (${adjacent.length})`);
    const answer = await pool.run(request(ids, result, 'result', 50));
    if (answer.output !== 'result') throw new Error('wrong output');
    assert.deepEqual(answer.result.explanation.adjacent, adjacent.slice(0, 50));
    assert.deepEqual(answer.result.explanation.winners, winners.slice(0, 50));
    assert.deepEqual(answer.omitted, { adjacent: adjacent.length - 50, winners: Math.max(0, winners.length - 50) });
    assert.deepEqual([...answer.result.p], [...result.p]);
  });

  test('the event loop keeps turning while a count runs (a count in place would not let it turn once)', async () => {
    const pool = new CountPool();
    const { ids, result } = election(300, 3);
    let turns = 0;
    const state = { finished: false };
    const counting = pool.run(request(ids, result, 'json')).finally(() => {
      state.finished = true;
    });
    while (!state.finished) {
      await nextTurn();
      turns++;
    }
    await counting;
    assert.ok(turns > 10, `the event loop turned ${turns} times during the count`);
  });

  test('one count at a time, a bounded queue, then CountBusyError', async () => {
    const pool = new CountPool({ concurrency: 1, maxQueued: 1 });
    const { ids, result } = election(40, 3);
    const first = pool.run(request(ids, result, 'json'));
    const second = pool.run(request(ids, result, 'json'));
    assert.equal(pool.running, 1);
    assert.equal(pool.queued, 1);
    await assert.rejects(pool.run(request(ids, result, 'json')), CountBusyError);
    const answers = await Promise.all([first, second]);
    assert.deepEqual(
      answers.map((a) => a.output),
      ['json', 'json'],
    );
    assert.equal(pool.running, 0);
    assert.equal(pool.queued, 0);
  });

  test('a count past the time limit is stopped, and the slot is freed', async () => {
    const pool = new CountPool({ timeLimitMs: 1 });
    const { ids, result } = election(300, 3);
    await assert.rejects(pool.run(request(ids, result, 'json')), CountTimeoutError);
    assert.equal(pool.running, 0);
  });

  test('a count the engine refuses is an error, not a crash', async () => {
    const pool = new CountPool();
    const { result } = election(3, 2);
    await assert.rejects(pool.run(request(['a', 'a', 'b'], result, 'json')), /candidate IDs must be unique/);
    assert.equal(pool.running, 0);
  });

  test('closing the pool stops the counts in progress and refuses those waiting', async () => {
    const pool = new CountPool({ concurrency: 1 });
    const { ids, result } = election(300, 3);
    const running = assert.rejects(pool.run(request(ids, result, 'json')));
    const waiting = assert.rejects(pool.run(request(ids, result, 'json')), /stopping/);
    await nextTurn(); // the first worker has started
    await pool.close();
    await running;
    await waiting;
    await assert.rejects(pool.run(request(ids, result, 'json')), /stopping/);
  });
});

describe('the results page of a large election, counted while voters are served', () => {
  const ids = Array.from({ length: 400 }, (_, i) => `c${String(i).padStart(3, '0')}`);
  const window = { startDatetime: new Date('2030-01-01T00:00:00Z'), endDatetime: new Date('2030-01-10T00:00:00Z') };
  const big = makeElection({
    key: 'big',
    name: 'Four hundred candidates',
    ...window,
    voters: ['v0', 'v1', 'v2'],
    officers: ['olivia'],
    candidates: ids.map((id) => makeCandidate(id)),
  });
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ now: new Date('2030-01-05T00:00:00Z'), snapshot: snapshotOf([entryOf(big)]) });
    let k = 0;
    for (const login of ['v0', 'v1', 'v2']) {
      const row = await t.service.ctx.store.users.recordSignIn({
        login,
        name: null,
        githubId: null,
        now: new Date('2030-01-05T00:00:00Z'),
      });
      const user: SessionUser = { id: row.id, login: row.login, name: row.name };
      const fields = Object.fromEntries(ids.map((id, i) => [`candidate@${id}`, (i + k) % 3 === 0 ? String(1 + ((i * 7 + k) % 9)) : '']));
      const outcome = await t.service.ctx.ballots.cast({ user, electionKey: 'big', fields, passphrase: '', confirmAbstention: true });
      assert.ok(outcome.ok, JSON.stringify(outcome));
      k++;
    }
    t.setNow(new Date('2030-01-11T00:00:00Z'));
  });
  after(async () => {
    await t.close();
  });

  test('other requests are answered while the count runs in its worker', async () => {
    const officer = t.client();
    await officer.signIn('olivia');
    const pool = t.service.ctx.countPool;
    const state = { resultsDone: false };
    const results = officer.get('/app/elections/big/admin/results').finally(() => {
      state.resultsDone = true;
    });
    // The ballots are read first; then the count takes its slot in the pool.
    while (pool.running === 0 && !state.resultsDone) await nextTurn();
    assert.equal(state.resultsDone, false, 'the count was still to do');
    const health = await t.client().get('/health');
    assert.equal(health.statusCode, 200);
    assert.equal(state.resultsDone, false, '/health was answered while the count ran');
    const page = await results;
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /With 400 candidates the pairwise table/);
  });
});
