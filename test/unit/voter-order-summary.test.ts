// Two small pure helpers of the voter pages: the per-voter candidate order and the
// plain-language ballot summary (which public/scrutin.js mirrors live).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { voterOrder } from '../../src/core/ballot/candidateOrder.js';
import { expressesPreference } from '../../src/core/ballot/rank.js';
import { ballotSummary } from '../../src/views/ballotSummary.js';

const key = Buffer.alloc(32, 7);
const items = ['a', 'b', 'c', 'd', 'e', 'f'];

test('voterOrder is a permutation, stable for one voter and election, and varies across voters and elections', () => {
  const mine = voterOrder(items, key, 1, 'e');
  assert.deepEqual([...mine].sort(), items);
  assert.deepEqual(voterOrder(items, key, 1, 'e'), mine);
  assert.deepEqual(items, ['a', 'b', 'c', 'd', 'e', 'f'], 'the input is not reordered in place');
  const others = new Set<string>();
  for (let user = 2; user < 40; user++) others.add(voterOrder(items, key, user, 'e').join(''));
  assert.ok(others.size > 20, `38 voters, 720 orders: expected many distinct orders, got ${others.size}`);
  assert.notDeepEqual(voterOrder(items, Buffer.alloc(32, 8), 1, 'e'), mine, 'another server key, another order');
});

test('voterOrder puts each candidate first about equally often (no position bias)', () => {
  const firsts = new Map<string, number>();
  const n = 6000;
  for (let user = 0; user < n; user++) {
    const first = voterOrder(items, key, user, 'bias')[0]!;
    firsts.set(first, (firsts.get(first) ?? 0) + 1);
  }
  // Expected 1000 each; 5 standard deviations (~ 5 × 28.9) is far beyond chance.
  for (const c of items) assert.ok(Math.abs((firsts.get(c) ?? 0) - n / items.length) < 145, `${c} first ${firsts.get(c)} times`);
});

test('ballotSummary names ranks, ties and the candidates without an opinion', () => {
  assert.equal(
    ballotSummary([
      { name: 'X', rank: 1 },
      { name: 'Y', rank: 2 },
      { name: 'Z', rank: 2 },
      { name: 'W', rank: null },
    ]),
    'Your ballot: 1. X, 2. Y and Z tied, no opinion on W.',
  );
  assert.equal(
    ballotSummary([
      { name: 'A', rank: null },
      { name: 'B', rank: null },
    ]),
    'Your ballot: no opinion on any candidate.',
  );
  assert.equal(
    ballotSummary([
      { name: 'A', rank: 3 },
      { name: 'B', rank: 1 },
      { name: 'C', rank: 3 },
      { name: 'D', rank: 3 },
    ]),
    'Your ballot: 1. B, 3. A, C and D tied.',
  );
  assert.equal(ballotSummary([]), 'Your ballot: empty.');
});

test('a ballot expresses a preference only when two candidates are ranked differently', () => {
  assert.equal(expressesPreference([1, null]), false);
  assert.equal(expressesPreference([2, 2]), false);
  assert.equal(expressesPreference([1, 2]), true);
});
