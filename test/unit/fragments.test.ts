// Fragments rendered once per snapshot object: reused for the same object and variant,
// rendered afresh for another object (a new snapshot) or variant, a few variants kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fragment, VARIANTS_PER_OBJECT } from '../../src/views/fragments.js';
import { ElectionDates, ElectionHeader } from '../../src/views/components/ElectionHeader.js';
import { makeElection } from '../helpers/meta.js';
import { trusted } from '../../src/views/render.js';

test('a fragment is rendered once per object and variant, and again for another', () => {
  let renders = 0;
  const build = (text: string) => () => {
    renders++;
    return trusted(`<p>${text}</p>`);
  };
  const election = {};
  assert.equal(String(fragment(election, 'about', build('one'))), '<p>one</p>');
  assert.equal(String(fragment(election, 'about', build('changed'))), '<p>one</p>', 'the same object and variant: kept');
  assert.equal(renders, 1);
  assert.equal(String(fragment(election, 'side', build('two'))), '<p>two</p>');
  assert.equal(String(fragment({}, 'about', build('next revision'))), '<p>next revision</p>', 'another object: its own');
  assert.equal(renders, 3);
});

test('each object keeps its last VARIANTS_PER_OBJECT variants', () => {
  const owner = {};
  let renders = 0;
  const build = () => {
    renders++;
    return trusted('<p>x</p>');
  };
  const n = VARIANTS_PER_OBJECT;
  for (let i = 0; i <= n; i++) fragment(owner, `v${i}`, build);
  assert.equal(renders, n + 1);
  fragment(owner, `v${n}`, build);
  fragment(owner, 'v1', build);
  assert.equal(renders, n + 1, 'recent variants are kept');
  fragment(owner, 'v0', build);
  assert.equal(renders, n + 2, 'the oldest was dropped');
});

test("an election's header and dates follow the clock although they are rendered once per variant", () => {
  const election = makeElection({
    key: 'steering',
    startDatetime: new Date('2026-12-10T00:00:00Z'),
    endDatetime: new Date('2026-12-20T00:00:00Z'),
    exceptionDue: new Date('2026-12-15T00:00:00Z'),
  });
  const header = (now: string, phase: 'upcoming' | 'running') => String(ElectionHeader({ election, phase, now: new Date(now) }));
  const dates = (now: string) => String(ElectionDates({ election, now: new Date(now) }));
  assert.match(header('2026-12-07T00:00:00Z', 'upcoming'), /Voting opens .*\(in 3 days\)/);
  assert.match(header('2026-12-08T00:00:00Z', 'upcoming'), /\(in 2 days\)/);
  assert.match(header('2026-12-07T00:00:00Z', 'upcoming'), /\(in 3 days\)/, 'an earlier variant is still right');
  assert.match(header('2026-12-17T00:00:00Z', 'running'), /Voting closes .*\(in 3 days\)/);
  assert.match(header('2026-12-07T00:00:00Z', 'upcoming'), /Voting opens/);
  assert.match(dates('2026-12-07T00:00:00Z'), /Voting opens.*Voting closes.*Exception requests until/s);
  assert.match(dates('2026-12-16T00:00:00Z'), /Voting opened.*Voting closes.*Exception requests closed/s);
  assert.match(dates('2026-12-21T00:00:00Z'), /Voting opened.*Voting closed.*Exception requests closed/s);
  assert.match(dates('2026-12-07T00:00:00Z'), /Voting opens/);
});
