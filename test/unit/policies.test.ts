import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canRequestException, canRevoke, canSeeCount, canSeePublishedResults, canUseOfficerArea, canViewBallot, canVote, isEligible, isOfficer,
} from '../../src/policies/election.js';
import { entryOf, makeElection } from '../helpers/meta.js';

const election = makeElection({
  key: 'e',
  voters: ['Alice', 'bob'],
  officers: ['Olivia'],
  startDatetime: new Date('2026-03-01T00:00:00Z'),
  endDatetime: new Date('2026-03-10T00:00:00Z'),
  exceptionDue: new Date('2026-03-05T12:00:00Z'),
});
const before = new Date('2026-02-28T23:59:59Z');
const start = new Date('2026-03-01T00:00:00Z');
const lastSecond = new Date('2026-03-09T23:59:59Z');
const end = new Date('2026-03-10T00:00:00Z');
const afterEnd = new Date('2026-03-10T00:00:01Z');

test('eligibility and officers compare logins case-insensitively', () => {
  assert.equal(isEligible(election, 'ALICE'), true);
  assert.equal(isEligible(election, 'alice '), true);
  assert.equal(isEligible(election, 'carol'), false);
  assert.equal(isOfficer(entryOf(election), 'olivia'), true);
  assert.equal(isOfficer(entryOf(election), 'alice'), false);
  const other = makeElection({ key: 'other', officers: ['oscar'] });
  assert.equal(isOfficer(entryOf(other), 'olivia'), false, 'an officer of another election is nobody here');
});

test('canVote: only eligible voters who have not voted, in [start, end), to the second', () => {
  const cases: Array<[Date, string, boolean, boolean | number]> = [
    [before, 'alice', false, 403],
    [start, 'alice', false, true],
    [lastSecond, 'ALICE', false, true],
    [end, 'alice', false, 403],
    [afterEnd, 'alice', false, 403],
    [start, 'carol', false, 403],
    [start, 'bob', true, 409],
  ];
  for (const [now, login, hasVoted, expected] of cases) {
    const d = canVote(election, { login, hasVoted }, now);
    if (expected === true) assert.deepEqual(d, { ok: true }, `${login} at ${now.toISOString()}`);
    else {
      assert.ok(!d.ok, `${login} at ${now.toISOString()}`);
      assert.equal(d.status, expected);
    }
  }
  const closed = canVote(election, { login: 'alice', hasVoted: false }, afterEnd);
  assert.ok(!closed.ok && /closed at 2026-03-10 00:00 UTC/.test(closed.reason));
  // Another account already cast a ballot under this login: one ballot per login.
  const taken = canVote(election, { login: 'alice', hasVoted: false, loginTaken: true }, start);
  assert.ok(!taken.ok && taken.status === 409 && /under the login alice, by another GitHub account/.test(taken.reason));
  assert.equal(canVote(election, { login: 'alice', hasVoted: false, loginTaken: false }, start).ok, true);
});

test('canRevoke: only after voting and only while running', () => {
  assert.equal(canRevoke(election, { login: 'alice', hasVoted: true }, lastSecond).ok, true);
  assert.equal(canRevoke(election, { login: 'alice', hasVoted: true }, end).ok, false);
  assert.equal(canRevoke(election, { login: 'alice', hasVoted: false }, lastSecond).ok, false);
});

test('canViewBallot: after voting, until links are erased (delete_after once completed)', () => {
  assert.equal(canViewBallot(election, { login: 'alice', hasVoted: true, linksErased: false }, afterEnd).ok, true);
  assert.equal(canViewBallot(election, { login: 'alice', hasVoted: true, linksErased: true }, lastSecond).ok, false);
  const erasing = makeElection({ ...election, key: 'd', deleteAfter: true });
  assert.equal(canViewBallot(erasing, { login: 'alice', hasVoted: true, linksErased: false }, lastSecond).ok, true);
  const gone = canViewBallot(erasing, { login: 'alice', hasVoted: true, linksErased: false }, afterEnd);
  assert.ok(!gone.ok && gone.status === 410);
});

test('canRequestException: ineligible users, once, before exception_due', () => {
  assert.equal(canRequestException(election, { login: 'carol', hasRequested: false }, start).ok, true);
  assert.equal(canRequestException(election, { login: 'carol', hasRequested: false }, before).ok, true);
  assert.equal(canRequestException(election, { login: 'carol', hasRequested: false }, new Date('2026-03-05T11:59:59Z')).ok, true);
  assert.equal(canRequestException(election, { login: 'carol', hasRequested: false }, new Date('2026-03-05T12:00:00Z')).ok, false);
  assert.equal(canRequestException(election, { login: 'carol', hasRequested: true }, start).ok, false);
  assert.equal(canRequestException(election, { login: 'Bob', hasRequested: false }, start).ok, false);
});

test('published results only once completed and when results.md exists', () => {
  assert.equal(canSeePublishedResults(election, afterEnd).ok, false, 'no results.md');
  const withResults = makeElection({ ...election, key: 'r', resultsHtml: '<p>Winner</p>' });
  assert.equal(canSeePublishedResults(withResults, lastSecond).ok, false);
  assert.equal(canSeePublishedResults(withResults, end).ok, true);
});

test('officer area and count: this election\'s officers; the count only after the close', () => {
  const entry = entryOf(election);
  assert.equal(canUseOfficerArea(entry, 'OLIVIA').ok, true);
  assert.equal(canUseOfficerArea(entry, 'alice').ok, false);
  assert.equal(canSeeCount(entry, 'olivia', lastSecond).ok, false);
  assert.equal(canSeeCount(entry, 'olivia', end).ok, true);
  assert.equal(canSeeCount(entry, 'alice', end).ok, false);
  const broken = { key: 'b', dir: 'elections/b', ok: false as const, name: null, officerSet: new Set(['olivia']), problems: [] };
  assert.equal(canUseOfficerArea(broken, 'olivia').ok, true, 'officers see a broken election to fix it');
  assert.equal(canSeeCount(broken, 'olivia', end).ok, false);
});
