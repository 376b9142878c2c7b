import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerTo } from '../../src/http/answers.js';
import {
  canRequestException,
  canRevoke,
  canSeeCount,
  canSeePublishedResults,
  canUseOfficerArea,
  canViewBallot,
  canVote,
  isEligible,
  isOfficer,
  type Decision,
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
  const cases: Array<[Date, string, boolean, true | string]> = [
    [before, 'alice', false, 'not-started'],
    [start, 'alice', false, true],
    [lastSecond, 'ALICE', false, true],
    [end, 'alice', false, 'voting-closed'],
    [afterEnd, 'alice', false, 'voting-closed'],
    [start, 'carol', false, 'not-eligible'],
    [start, 'bob', true, 'already-voted'],
  ];
  for (const [now, login, hasVoted, expected] of cases) {
    const d = canVote(election, { login, hasVoted }, now);
    if (expected === true) assert.deepEqual(d, { ok: true }, `${login} at ${now.toISOString()}`);
    else {
      assert.ok(!d.ok, `${login} at ${now.toISOString()}`);
      assert.equal(d.code, expected);
    }
  }
  const closed = canVote(election, { login: 'alice', hasVoted: false }, afterEnd);
  assert.deepEqual(closed, { ok: false, code: 'voting-closed', closedAt: end });
  // Another account already cast a ballot under this login: one ballot per login.
  const taken = canVote(election, { login: 'alice', hasVoted: false, loginTaken: true }, start);
  assert.deepEqual(taken, { ok: false, code: 'login-taken', login: 'alice' });
  assert.equal(canVote(election, { login: 'alice', hasVoted: false, loginTaken: false }, start).ok, true);
});

test("the words and statuses of the refusals (the HTTP edge's table)", () => {
  const statuses = (d: Decision) => (d.ok ? true : answerTo(d).status);
  assert.deepEqual(
    [
      [before, 'alice', false],
      [end, 'alice', false],
      [start, 'carol', false],
      [start, 'bob', true],
    ].map(([now, login, hasVoted]) => statuses(canVote(election, { login: login as string, hasVoted: hasVoted as boolean }, now as Date))),
    [403, 403, 403, 409],
  );
  const closed = canVote(election, { login: 'alice', hasVoted: false }, afterEnd);
  assert.ok(!closed.ok && /closed on Tue 10 March 2026, 00:00 UTC/.test(answerTo(closed).message));
  const taken = canVote(election, { login: 'alice', hasVoted: false, loginTaken: true }, start);
  assert.ok(
    !taken.ok && answerTo(taken).status === 409 && /under the login alice, by another GitHub account/.test(answerTo(taken).message),
  );
  const gone = canViewBallot(
    makeElection({ ...election, key: 'd', deleteAfter: true }),
    { login: 'alice', hasVoted: true, linksErased: false },
    afterEnd,
  );
  assert.equal(statuses(gone), 410);
  // Every code the policies give has words of its own, and no sentence is reused for two codes.
  const samples: Decision[] = [
    canVote(election, { login: 'alice', hasVoted: false }, before),
    closed,
    canVote(election, { login: 'carol', hasVoted: false }, start),
    canVote(election, { login: 'bob', hasVoted: true }, start),
    taken,
    canRevoke(election, { login: 'alice', hasVoted: false }, start),
    canRevoke(election, { login: 'alice', hasVoted: true }, end),
    canViewBallot(election, { login: 'alice', hasVoted: false, linksErased: false }, start),
    gone,
    canRequestException(election, { login: 'bob', hasRequested: false }, start),
    canRequestException(election, { login: 'carol', hasRequested: true }, start),
    canRequestException(election, { login: 'carol', hasRequested: false }, afterEnd),
    canSeePublishedResults(election, start),
    canSeePublishedResults(election, afterEnd),
    canUseOfficerArea(entryOf(election), 'alice'),
    canSeeCount(entryOf(election), 'olivia', start),
  ];
  const words = samples.map((d) => (d.ok ? '' : answerTo(d).message));
  assert.ok(
    words.every((w) => w !== ''),
    'every sample is a refusal',
  );
  assert.equal(new Set(words).size, words.length, words.join('\n'));
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
  assert.ok(!gone.ok && gone.code === 'links-erased');
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

test("officer area and count: this election's officers; the count only after the close", () => {
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
