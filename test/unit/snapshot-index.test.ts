// The snapshot's indexes (who is on which list, the list order) and the dashboard
// built from them: the same answers a walk over every election would give, case-
// insensitive logins, the order following elections as they open and close.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dashboardOf, mergeDashboards, voterElections } from '../../src/core/election/dashboard.js';
import { listOrder, loginIndex, sortEntries } from '../../src/core/meta/snapshotIndex.js';
import type { ElectionEntry } from '../../src/core/meta/types.js';
import { entryOf, makeElection, snapshotOf } from '../helpers/meta.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const day = 86_400_000;
const at = (days: number) => new Date(NOW.getTime() + days * day);

const running = makeElection({ key: 'run', startDatetime: at(-1), endDatetime: at(2), voters: ['Alice', 'bob'], officers: ['Olivia'] });
const runningLater = makeElection({ key: 'run-late', startDatetime: at(-1), endDatetime: at(5), voters: ['bob'], officers: ['owen'] });
const upcoming = makeElection({ key: 'soon', startDatetime: at(3), endDatetime: at(4), voters: ['alice'], officers: ['owen'] });
const closed = makeElection({ key: 'old', startDatetime: at(-9), endDatetime: at(-8), voters: ['alice'], officers: ['olivia'] });
const broken: ElectionEntry = {
  key: 'broken',
  dir: 'elections/broken',
  ok: false,
  name: 'Broken',
  officerSet: new Set(['olivia']),
  problems: [],
};
const snapshot = snapshotOf([running, runningLater, upcoming, closed].map(entryOf).concat(broken));
const keys = (entries: readonly ElectionEntry[]) => entries.map((e) => e.key);

test('the login index finds every election listing a login, whatever its case, and nothing for a stranger', () => {
  const index = loginIndex(snapshot);
  assert.deepEqual(keys(index.voterOf('ALICE')), ['old', 'run', 'soon']);
  assert.deepEqual(keys(index.voterOf(' bob ')), ['run', 'run-late']);
  assert.deepEqual(keys(index.officerOf('OLIVIA')), ['broken', 'old', 'run'], 'broken elections keep their officers');
  assert.deepEqual(index.voterOf('mallory'), []);
  assert.deepEqual(index.officerOf('alice'), []);
  assert.equal(loginIndex(snapshot), index, 'built once per snapshot');
});

test('the list order equals a full sort, and follows elections as they open and close', () => {
  for (const when of [at(-20), at(-8.5), NOW, at(2.5), at(3.5), at(10)]) {
    const order = listOrder(snapshot, when);
    assert.deepEqual(keys(order.all), keys(sortEntries(snapshot.entries.values(), when)), when.toISOString());
    assert.deepEqual(
      keys(order.running),
      keys(order.all.filter((e) => e.ok && e.election.startDatetime <= when && when < e.election.endDatetime)),
    );
  }
  assert.deepEqual(keys(listOrder(snapshot, NOW).running), ['run', 'run-late'], 'closing soonest first');
  assert.deepEqual(keys(listOrder(snapshot, at(2)).running), ['run-late'], "'run' closed at its end instant");
  assert.deepEqual(keys(listOrder(snapshot, at(3)).running), ['soon', 'run-late']);
  assert.equal(listOrder(snapshot, at(0.1)), listOrder(snapshot, at(0.2)), 'reused while no election opens or closes');
});

test('the dashboard of a voter: open, coming up, voted in, the others, and what they run', () => {
  const alice = dashboardOf(snapshot, 'Alice', new Set(), NOW, { mine: 20, others: 10 });
  assert.deepEqual(keys(alice.open.shown.map((l) => l.entry)), ['run']);
  assert.deepEqual(keys(alice.upcoming.shown.map((l) => l.entry)), ['soon']);
  assert.equal(alice.past.total, 0, 'a closed election she did not vote in is not hers to see here');
  assert.deepEqual(keys(alice.others.shown.map((l) => l.entry)), ['run-late']);
  assert.equal(alice.others.total, 1);
  assert.equal(alice.toVote, 1);
  assert.equal(alice.officer.total, 0);

  // Voted in 'old' and, before being taken off its list, in 'run-late'.
  const voted = new Set(['old', 'run-late', 'no-such-election']);
  const later = dashboardOf(snapshot, 'alice', voted, NOW, { mine: 20, others: 10 });
  assert.deepEqual(
    later.open.shown.map((l) => [l.entry.key, l.eligible, l.voted]),
    [
      ['run', true, false],
      ['run-late', false, true],
    ],
  );
  assert.deepEqual(keys(later.past.shown.map((l) => l.entry)), ['old']);
  assert.equal(later.others.total, 0);
  assert.deepEqual(keys(voterElections(snapshot, 'alice', voted, NOW)), ['run', 'run-late', 'soon', 'old']);

  const olivia = dashboardOf(snapshot, 'olivia', new Set(), NOW, { mine: 20, others: 10 });
  assert.deepEqual(keys(olivia.officer.shown), ['run', 'old', 'broken'], 'in list order, broken last');
});

test('each section shows its first lines and counts them all', () => {
  const many = Array.from({ length: 30 }, (_, i) =>
    makeElection({
      key: `e${String(i).padStart(2, '0')}`,
      startDatetime: at(-1),
      endDatetime: at(1 + i),
      voters: i < 25 ? ['alice'] : ['zed'],
    }),
  );
  const big = snapshotOf(many.map(entryOf));
  const dash = dashboardOf(big, 'alice', new Set(['e00']), NOW, { mine: 20, others: 3 });
  assert.equal(dash.open.shown.length, 20);
  assert.equal(dash.open.total, 25);
  assert.equal(dash.toVote, 24, 'every open election still to vote in, not only those shown');
  assert.deepEqual(keys(dash.others.shown.map((l) => l.entry)), ['e25', 'e26', 'e27']);
  assert.equal(dash.others.total, 5);
});

test("several communities' dashboards as one: each section in list order, cut at the limit, totals summed", () => {
  // Two communities, each with its own snapshot: alice is on three running elections in
  // each (closing on interleaved days) and runs one election in each.
  const community = (prefix: string, days: number[]) =>
    snapshotOf(
      days.map((d, i) =>
        entryOf(
          makeElection({
            key: `${prefix}-${String(i)}`,
            startDatetime: at(-1),
            endDatetime: at(d),
            voters: ['alice'],
            officers: i === 0 ? ['alice'] : ['olivia'],
          }),
        ),
      ),
    );
  const a = community('a', [1, 3, 5]);
  const b = community('b', [2, 4, 6]);
  const limit = { mine: 4, others: 10 };
  const merged = mergeDashboards(
    [
      { dashboard: dashboardOf(a, 'alice', new Set(['a-1']), NOW, limit), tag: 'A' },
      { dashboard: dashboardOf(b, 'alice', new Set(), NOW, limit), tag: 'B' },
    ],
    NOW,
    limit,
  );
  assert.deepEqual(
    merged.open.shown.map(({ line, tag }) => `${tag}:${line.entry.key}`),
    ['A:a-0', 'B:b-0', 'A:a-1', 'B:b-1'],
    'closing soonest first across communities, four shown',
  );
  assert.equal(merged.open.total, 6, 'every community counted');
  assert.equal(merged.toVote, 5, 'voted in one of six');
  assert.deepEqual(
    merged.officer.shown.map(({ line, tag }) => `${tag}:${line.key}`),
    ['A:a-0', 'B:b-0'],
  );
  // The same snapshot serving two communities still gives each its own lines.
  const twice = mergeDashboards(
    [
      { dashboard: dashboardOf(a, 'alice', new Set(), NOW, limit), tag: 1 },
      { dashboard: dashboardOf(a, 'alice', new Set(), NOW, limit), tag: 2 },
    ],
    NOW,
    limit,
  );
  assert.deepEqual(
    twice.open.shown.map(({ line, tag }) => `${String(tag)}:${line.entry.key}`),
    ['1:a-0', '2:a-0', '1:a-1', '2:a-1'],
  );
  assert.deepEqual(mergeDashboards([], NOW, limit).open, { shown: [], total: 0 }, 'no community, nothing');
});
