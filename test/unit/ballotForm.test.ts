import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expressesPreference, NO_OPINION_RANK } from '../../src/core/ballot/rank.js';
import {
  MAX_PASSPHRASE_LENGTH,
  ballotFromRows,
  ballotRows,
  checkPassphrase,
  parseBallotForm,
  type BallotFormResult,
  type FieldError,
} from '../../src/core/ballot/ballotForm.js';
import { defaultRules } from '../../src/core/governance/rules.js';
import { makeCandidate, makeElection } from '../helpers/meta.js';

// Three candidates ann, ben, cat (names ANN, BEN, CAT), no-opinion allowed unless said.
const open = makeElection({ key: 'e1' });
const strict = makeElection({ key: 'e2', allowNoOpinion: false });

function ok(result: BallotFormResult) {
  if (!result.ok) assert.fail(`expected a valid ballot, got ${JSON.stringify(result.errors)}`);
  return result;
}
function errors(result: BallotFormResult): FieldError[] {
  if (result.ok) assert.fail('expected errors');
  return result.errors;
}

test('a full ranking with a tie becomes one choice per candidate in election order', () => {
  const r = ok(parseBallotForm({ 'candidate@cat': '1', 'candidate@ann': '2', 'candidate@ben': '2', csrf_token: 'x', password: '' }, open));
  assert.deepEqual(r.ballot.choices, [
    { candidateId: 'ann', rank: 2 },
    { candidateId: 'ben', rank: 2 },
    { candidateId: 'cat', rank: 1 },
  ]);
  assert.equal(r.expressesPreference, true);
});

test('no opinion may be written three ways when the election allows it', () => {
  for (const value of ['', 'no-opinion', '100000000']) {
    const r = ok(parseBallotForm({ 'candidate@ann': '1', 'candidate@ben': value, 'candidate@cat': '3' }, open));
    assert.deepEqual(r.ballot.choices[1], { candidateId: 'ben', rank: null }, value);
  }
});

test('no opinion is refused, per candidate, when the election does not allow it', () => {
  const errs = errors(parseBallotForm({ 'candidate@ann': '1', 'candidate@ben': '', 'candidate@cat': '100000000' }, strict));
  assert.deepEqual(
    errs.map((e) => e.field),
    ['candidate@ben', 'candidate@cat'],
  );
  assert.match(errs[0]!.message, /rank every candidate/);
  assert.match(errs[0]!.message, /BEN/);
  assert.match(errs[0]!.message, /1 to 3/);
});

test('a missing candidate is an error naming that candidate', () => {
  const errs = errors(parseBallotForm({ 'candidate@ann': '1', 'candidate@cat': '2' }, open));
  assert.equal(errs.length, 1);
  assert.equal(errs[0]!.field, 'candidate@ben');
  assert.match(errs[0]!.message, /BEN/);
  assert.match(errs[0]!.message, /No opinion/);
  // Where no opinion is not allowed, the message does not offer it.
  const strictErrs = errors(parseBallotForm({ 'candidate@ann': '1', 'candidate@cat': '2' }, strict));
  assert.doesNotMatch(strictErrs[0]!.message, /No opinion/);
});

test('an unknown candidate field is an error, even next to a complete ballot', () => {
  const errs = errors(parseBallotForm({ 'candidate@ann': '1', 'candidate@ben': '2', 'candidate@cat': '3', 'candidate@dan': '1' }, open));
  assert.deepEqual(
    errs.map((e) => e.field),
    ['candidate@dan'],
  );
  assert.match(errs[0]!.message, /not a candidate/);
  // A field whose name differs only in case is not the candidate either.
  assert.equal(
    errors(parseBallotForm({ 'candidate@ann': '1', 'candidate@ben': '2', 'candidate@cat': '3', 'candidate@Ann': '1' }, open))[0]!.field,
    'candidate@Ann',
  );
});

test('a candidate posted twice is an error, not the first or last value', () => {
  const errs = errors(parseBallotForm({ 'candidate@ann': ['1', '2'], 'candidate@ben': '2', 'candidate@cat': '3' }, open));
  assert.deepEqual(
    errs.map((e) => e.field),
    ['candidate@ann'],
  );
  assert.match(errs[0]!.message, /more than one/);
});

test('ranks must be whole numbers from 1 to the number of candidates', () => {
  for (const bad of ['0', '4', '-1', '1.5', '1e0', 'first', '２', '0x1', '99999999', '100000001', '1 2']) {
    const errs = errors(parseBallotForm({ 'candidate@ann': bad, 'candidate@ben': '1', 'candidate@cat': '2' }, open));
    assert.deepEqual(
      errs.map((e) => e.field),
      ['candidate@ann'],
      `"${bad}" should be refused`,
    );
    assert.match(errs[0]!.message, /whole number from 1 to 3/);
  }
  // Surrounding whitespace is harmless; 3 is the largest rank with three candidates.
  const r = ok(parseBallotForm({ 'candidate@ann': ' 3 ', 'candidate@ben': '1', 'candidate@cat': '2' }, open));
  assert.equal(r.ballot.choices[0]!.rank, 3);
});

test('a non-text value (a nested object) is refused', () => {
  const errs = errors(parseBallotForm({ 'candidate@ann': { x: 1 }, 'candidate@ben': '1', 'candidate@cat': '2' }, open));
  assert.equal(errs[0]!.field, 'candidate@ann');
});

test('every problem is reported at once', () => {
  const errs = errors(parseBallotForm({ 'candidate@ann': '9', 'candidate@zed': '1' }, open));
  assert.deepEqual(errs.map((e) => e.field).sort(), ['candidate@ann', 'candidate@ben', 'candidate@cat', 'candidate@zed']);
});

test('a ballot with no preference between any two candidates is flagged as an abstention', () => {
  const cases: [Record<string, string>, boolean][] = [
    [{ 'candidate@ann': '', 'candidate@ben': '', 'candidate@cat': '' }, false],
    [{ 'candidate@ann': '1', 'candidate@ben': '1', 'candidate@cat': '1' }, false],
    [{ 'candidate@ann': '2', 'candidate@ben': '2', 'candidate@cat': '' }, false],
    // One ranked candidate beside unranked ones compares with nobody (SPEC §7).
    [{ 'candidate@ann': '1', 'candidate@ben': '', 'candidate@cat': '' }, false],
    [{ 'candidate@ann': '1', 'candidate@ben': '3', 'candidate@cat': '' }, true],
    [{ 'candidate@ann': '3', 'candidate@ben': '3', 'candidate@cat': '2' }, true],
  ];
  for (const [form, expected] of cases) {
    const r = ok(parseBallotForm(form, open));
    assert.equal(r.expressesPreference, expected, JSON.stringify(form));
    assert.equal(expressesPreference(r.ballot.choices.map((c) => c.rank)), expected);
  }
});

test('candidate IDs with unusual characters are matched exactly', () => {
  const e = makeElection({ key: 'e3', candidates: [makeCandidate('jane.doe'), makeCandidate('o@k'), makeCandidate('__proto__')] });
  const r = ok(parseBallotForm({ 'candidate@jane.doe': '1', 'candidate@o@k': '2', 'candidate@__proto__': '3' }, e));
  assert.deepEqual(
    r.ballot.choices.map((c) => c.rank),
    [1, 2, 3],
  );
});

test("stored rows: one per candidate, unranked ones with Elekto's sentinel, and back again", () => {
  const r = ok(parseBallotForm({ 'candidate@ann': '2', 'candidate@ben': 'no-opinion', 'candidate@cat': '1' }, open));
  const rows = ballotRows(r.ballot);
  assert.deepEqual(rows, [
    { candidate: 'ann', rank: 2 },
    { candidate: 'ben', rank: 100000000 },
    { candidate: 'cat', rank: 1 },
  ]);
  assert.equal(NO_OPINION_RANK, 100000000);
  assert.deepEqual(ballotFromRows(rows), r.ballot);
  // An abstention still stores a row for every candidate.
  const abstain = ok(parseBallotForm({ 'candidate@ann': '', 'candidate@ben': '', 'candidate@cat': '' }, open));
  assert.deepEqual(
    ballotRows(abstain.ballot).map((x) => x.rank),
    [NO_OPINION_RANK, NO_OPINION_RANK, NO_OPINION_RANK],
  );
  assert.deepEqual(ballotFromRows([{ candidate: 'ann', rank: null }]).choices, [{ candidateId: 'ann', rank: null }]);
});

test('passphrase: empty or absent means none', () => {
  assert.deepEqual(checkPassphrase(undefined, 6), { ok: true, passphrase: null });
  assert.deepEqual(checkPassphrase('', 6), { ok: true, passphrase: null });
});

test('passphrase: the minimum counts characters, not bytes or UTF-16 units', () => {
  assert.equal(checkPassphrase('12345', 6).ok, false);
  assert.deepEqual(checkPassphrase('123456', 6), { ok: true, passphrase: '123456' });
  // Six emoji are six characters (twelve UTF-16 units, 24 bytes).
  assert.equal(checkPassphrase('🗳🗳🗳🗳🗳🗳', 7).ok, false);
  assert.equal(checkPassphrase('🗳🗳🗳🗳🗳🗳', 6).ok, true);
  // Three emoji are six UTF-16 units but only three characters.
  const short = checkPassphrase('🗳🗳🗳', 6);
  assert.equal(short.ok, false);
  assert.equal(short.error.field, 'password');
  assert.match(short.error.message, /at least 6 characters/);
});

test('passphrase: kept exactly as typed, bounded above, text only', () => {
  assert.deepEqual(checkPassphrase('  spaced out  ', 6), { ok: true, passphrase: '  spaced out  ' });
  assert.equal(checkPassphrase('é'.repeat(MAX_PASSPHRASE_LENGTH), 6).ok, true);
  const long = checkPassphrase('é'.repeat(MAX_PASSPHRASE_LENGTH + 1), 6);
  assert.equal(long.ok, false);
  assert.match(long.error.message, /at most 1024/);
  assert.equal(checkPassphrase(['abcdefg', 'abcdefg'], 6).ok, false);
  assert.equal(checkPassphrase('abc\uD800defg', 6).ok, false);
});

// Approval (ballot_method: approval, max_selections: 2) and STV ballots.
const approvalUpTo2 = makeElection({ key: 'e3', rules: { ...defaultRules(), method: 'approval', maxSelections: 2 } });
const stvBallot = makeElection({ key: 'e4', rules: { ...defaultRules(), method: 'stv' } });

test('approval: ticked boxes are rank 1, the others no opinion, in the storage every method shares', () => {
  const r = ok(parseBallotForm({ 'candidate@ann': 'approve', 'candidate@cat': '1', password: '' }, approvalUpTo2));
  assert.deepEqual(r.ballot.choices, [
    { candidateId: 'ann', rank: 1 },
    { candidateId: 'ben', rank: null },
    { candidateId: 'cat', rank: 1 },
  ]);
  assert.equal(r.expressesPreference, true, 'approving anyone is a vote, even with the same rank');
  assert.deepEqual(
    ballotRows(r.ballot).map((row) => row.rank),
    [1, NO_OPINION_RANK, 1],
  );
  const none = ok(parseBallotForm({ 'candidate@ben': '' }, approvalUpTo2));
  assert.equal(none.expressesPreference, false, 'approving nobody is an abstention to confirm');
});

test('approval: more than max_selections is refused on the group of boxes; bad values on their own box', () => {
  const tooMany = errors(
    parseBallotForm({ 'candidate@ann': 'approve', 'candidate@ben': 'approve', 'candidate@cat': 'approve' }, approvalUpTo2),
  );
  assert.deepEqual(tooMany, [{ field: 'approvals', message: 'You selected 3 candidates; this election allows at most 2. Untick one.' }]);
  for (const bad of ['yes', '2', 'No opinion', ['approve', 'approve'], { x: 1 }]) {
    const errs = errors(parseBallotForm({ 'candidate@ann': bad }, approvalUpTo2));
    assert.deepEqual(
      errs.map((e) => e.field),
      ['candidate@ann'],
      JSON.stringify(bad),
    );
  }
  const unknown = errors(parseBallotForm({ 'candidate@zed': 'approve' }, approvalUpTo2));
  assert.equal(unknown[0]?.field, 'candidate@zed');
  const anyNumber = makeElection({ key: 'e5', rules: { ...defaultRules(), method: 'approval' } });
  ok(parseBallotForm({ 'candidate@ann': 'approve', 'candidate@ben': 'approve', 'candidate@cat': 'approve' }, anyNumber));
});

test('STV: a strict order is required; two candidates on one rank are named on both fields', () => {
  ok(parseBallotForm({ 'candidate@ann': '2', 'candidate@ben': '1', 'candidate@cat': '' }, stvBallot));
  const shared = errors(parseBallotForm({ 'candidate@ann': '1', 'candidate@ben': '1', 'candidate@cat': '2' }, stvBallot));
  assert.deepEqual(
    shared.map((e) => e.field),
    ['candidate@ann', 'candidate@ben'],
  );
  assert.match(shared[0]?.message ?? '', /ANN and BEN share rank 1\. This election counts by STV/);
  // The same ballot is fine under Schulze, where equal ranks are a tie.
  ok(parseBallotForm({ 'candidate@ann': '1', 'candidate@ben': '1', 'candidate@cat': '2' }, open));
});
