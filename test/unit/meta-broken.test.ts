// Every kind of broken file is reported with its file and line, as a value; the
// election becomes unavailable (ok: false) but keeps what could be read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseElectionFolder } from '../../src/core/meta/election.js';
import type { ElectionEntry, Problem } from '../../src/core/meta/types.js';
import { candidateFile, folder, GOOD_ELECTION } from '../metarepo/fixture.js';

function errors(entry: ElectionEntry): Problem[] {
  return entry.problems.filter((p) => p.severity === 'error');
}

function onlyError(entry: ElectionEntry): Problem {
  const errs = errors(entry);
  assert.equal(errs.length, 1, `expected one error, got ${JSON.stringify(entry.problems, null, 1)}`);
  return errs[0]!;
}

test('bad YAML in election.yaml: error at the broken line, election unavailable, officers still known', () => {
  const yaml = GOOD_ELECTION.replace('organization: Example', 'organization: [Example');
  const entry = parseElectionFolder(folder({ 'election.yaml': yaml }));
  assert.equal(entry.ok, false);
  const errs = errors(entry);
  assert.ok(errs.length >= 1);
  assert.equal(errs[0]!.file, 'elections/test/election.yaml');
  assert.ok(errs.every((e) => e.line !== undefined));
  assert.match(errs[0]!.message, /invalid YAML/);
  // Line 2 holds the unclosed flow sequence; the parser reports it there or just after.
  assert.ok(errs.some((e) => e.line !== undefined && e.line >= 2 && e.line <= 4), JSON.stringify(errs));
});

test('bad YAML keeps name and officers readable when the rest of the map is fine', () => {
  const yaml = `${GOOD_ELECTION}extra: "unterminated\n`;
  const entry = parseElectionFolder(folder({ 'election.yaml': yaml }));
  assert.equal(entry.ok, false);
  assert.ok(!entry.ok);
  assert.equal(entry.name, 'Test election');
  assert.ok(entry.officerSet.has('olivia'));
});

test('end before start: error on the end_datetime line', () => {
  const yaml = GOOD_ELECTION.replace('end_datetime: 2024-01-10 00:00:00', 'end_datetime: 2023-12-31 00:00:00');
  const e = onlyError(parseElectionFolder(folder({ 'election.yaml': yaml })));
  assert.equal(e.file, 'elections/test/election.yaml');
  assert.equal(e.line, 4);
  assert.match(e.message, /end_datetime .* must be after start_datetime/);
});

test('end equal to start is also an error (an election needs a window)', () => {
  const yaml = GOOD_ELECTION.replace('end_datetime: 2024-01-10 00:00:00', 'end_datetime: 2024-01-01 00:00:00');
  assert.match(onlyError(parseElectionFolder(folder({ 'election.yaml': yaml }))).message, /must be after/);
});

test('missing name/start/end are errors naming the key', () => {
  const yaml = GOOD_ELECTION.replace('name: Test election\n', '').replace('start_datetime: 2024-01-01 00:00:00\n', '');
  const entry = parseElectionFolder(folder({ 'election.yaml': yaml }));
  assert.equal(entry.ok, false);
  const messages = errors(entry).map((p) => p.message);
  assert.ok(messages.includes('name is required'));
  assert.ok(messages.includes('start_datetime is required'));
});

test('an impossible date (February 30) is an error, not rolled over to March', () => {
  const yaml = GOOD_ELECTION.replace('end_datetime: 2024-01-10 00:00:00', 'end_datetime: 2024-02-30 00:00:00');
  const e = onlyError(parseElectionFolder(folder({ 'election.yaml': yaml })));
  assert.equal(e.line, 4);
  assert.match(e.message, /end_datetime must be a date and time/);
});

test('exception_due after end is a warning (the election stays available)', () => {
  const yaml = GOOD_ELECTION.replace('exception_due: 2024-01-05 00:00:00', 'exception_due: 2024-02-01 00:00:00');
  const entry = parseElectionFolder(folder({ 'election.yaml': yaml }));
  assert.equal(entry.ok, true);
  assert.deepEqual(entry.problems.map((p) => [p.severity, p.line]), [['warning', 14]]);
});

test('no_winners: not a whole number or below 1 is an error; above the candidate count a warning', () => {
  const bad = parseElectionFolder(folder({ 'election.yaml': GOOD_ELECTION.replace('no_winners: 1', 'no_winners: two') }));
  assert.equal(onlyError(bad).line, 5);
  assert.match(onlyError(bad).message, /no_winners must be a whole number/);
  const zero = parseElectionFolder(folder({ 'election.yaml': GOOD_ELECTION.replace('no_winners: 1', 'no_winners: 0') }));
  assert.match(onlyError(zero).message, /at least 1/);
  const many = parseElectionFolder(folder({ 'election.yaml': GOOD_ELECTION.replace('no_winners: 1', 'no_winners: 3') }));
  assert.equal(many.ok, true);
  assert.deepEqual(many.problems.map((p) => [p.severity, p.line, p.message]), [['warning', 5, 'no_winners is 3 but there are only 2 candidates']]);
});

test('allow_no_opinion must be a boolean', () => {
  const entry = parseElectionFolder(folder({ 'election.yaml': GOOD_ELECTION.replace('allow_no_opinion: True', 'allow_no_opinion: maybe') }));
  assert.equal(onlyError(entry).line, 6);
});

test('officers not a list, or not logins: errors on their lines', () => {
  const notList = parseElectionFolder(folder({ 'election.yaml': GOOD_ELECTION.replace('election_officers:\n  - olivia', 'election_officers: olivia') }));
  assert.match(onlyError(notList).message, /election_officers must be a list of GitHub logins/);
  assert.equal(onlyError(notList).line, 10);
  const badLogin = parseElectionFolder(folder({ 'election.yaml': GOOD_ELECTION.replace('  - olivia', '  - olivia\n  - not a login') }));
  assert.equal(onlyError(badLogin).line, 12);
  assert.match(onlyError(badLogin).message, /"not a login" is not a GitHub login/);
});

test('voters not a list: error in voters.yaml at the value', () => {
  const e = onlyError(parseElectionFolder(folder({ 'voters.yaml': 'eligible_voters: alice\n' })));
  assert.equal(e.file, 'elections/test/voters.yaml');
  assert.equal(e.line, 1);
  assert.match(e.message, /must be a list of GitHub logins/);
});

test('voters.yaml a bare list (no eligible_voters key): error naming what is expected', () => {
  const e = onlyError(parseElectionFolder(folder({ 'voters.yaml': '- alice\n- bob\n' })));
  assert.equal(e.file, 'elections/test/voters.yaml');
  assert.equal(e.line, 1);
  assert.match(e.message, /eligible_voters/);
});

test('a voter entry that is not a login: error on its own line', () => {
  const e = onlyError(parseElectionFolder(folder({ 'voters.yaml': 'eligible_voters:\n  - alice\n  - "@bob"\n  - carol\n' })));
  assert.equal(e.line, 3);
  assert.match(e.message, /without the @/);
});

test('bad YAML in voters.yaml: error with file and line', () => {
  const e = errors(parseElectionFolder(folder({ 'voters.yaml': 'eligible_voters:\n  - alice\n  - [bob\n' })));
  assert.ok(e.length > 0);
  assert.ok(e.every((p) => p.file === 'elections/test/voters.yaml' && p.line !== undefined && p.line >= 3));
});

test('candidate without ID: error naming the file and the header line', () => {
  const text = `${'-'.repeat(61)}\nname: Ann\ninfo:\n  - employer: Acme\n${'-'.repeat(61)}\nBio\n`;
  const e = onlyError(parseElectionFolder(folder({ 'candidate-ann.md': text })));
  assert.equal(e.file, 'elections/test/candidate-ann.md');
  assert.equal(e.line, 1);
  assert.match(e.message, /no ID.*"ID: ann"/);
});

test('candidate with `id:` in lower case: the hint says ID is in capitals', () => {
  const text = `---\nname: Ann\nid: ann\n---\nBio\n`;
  assert.match(onlyError(parseElectionFolder(folder({ 'candidate-ann.md': text }))).message, /in capitals/);
});

test('candidate ID differs from the file name: error on the ID line', () => {
  const e = onlyError(parseElectionFolder(folder({ 'candidate-ann.md': candidateFile('anne') })));
  assert.equal(e.file, 'elections/test/candidate-ann.md');
  assert.equal(e.line, 3);
  assert.match(e.message, /ID "anne" does not match the file name: candidate-ann\.md must have "ID: ann"/);
});

test('candidate ID differing only in case: a warning, the header ID is used', () => {
  const entry = parseElectionFolder(folder({ 'candidate-ann.md': candidateFile('Ann') }));
  assert.equal(entry.ok, true);
  assert.ok(entry.ok);
  assert.deepEqual(entry.election.candidates.map((c) => c.id), ['Ann', 'ben']);
  assert.equal(entry.problems[0]?.severity, 'warning');
});

test('two candidate files with IDs equal but for case: duplicate ID error', () => {
  const entry = parseElectionFolder(folder({ 'candidate-Ben.md': candidateFile('Ben') }));
  const e = onlyError(entry);
  assert.match(e.message, /candidate ID "ben" is also used by elections\/test\/candidate-Ben\.md/);
});

test('unknown candidate file format (no header): error naming the file and first line', () => {
  const e = onlyError(parseElectionFolder(folder({ 'candidate-ann.md': '# Ann\n\nI would like to serve.\n' })));
  assert.equal(e.file, 'elections/test/candidate-ann.md');
  assert.equal(e.line, 1);
  assert.match(e.message, /unknown candidate file format/);
});

test('header that is never closed: error at the opening line', () => {
  const e = onlyError(parseElectionFolder(folder({ 'candidate-ann.md': '\n\n-----\nname: Ann\nID: ann\n' })));
  assert.equal(e.line, 3);
  assert.match(e.message, /never closed/);
});

test('bad YAML in a candidate header: line counted from the top of the file', () => {
  const text = `${'-'.repeat(61)}\nname: Ann\nID: ann\ninfo: [employer\n${'-'.repeat(61)}\nBio\n`;
  const errs = errors(parseElectionFolder(folder({ 'candidate-ann.md': text })));
  assert.ok(errs.length >= 1);
  assert.ok(errs.every((p) => p.file === 'elections/test/candidate-ann.md'));
  assert.ok(errs.some((p) => p.line === 4 || p.line === 5), JSON.stringify(errs));
});

test('a Python tag (!!python/object) is an error at its line, never an object', () => {
  const yaml = GOOD_ELECTION.replace('organization: Example', 'organization: !!python/object/apply:os.system ["id"]');
  const entry = parseElectionFolder(folder({ 'election.yaml': yaml }));
  assert.equal(entry.ok, false);
  const e = errors(entry).find((p) => /unsupported YAML tag/.test(p.message));
  assert.ok(e !== undefined, JSON.stringify(entry.problems));
  assert.equal(e.line, 2);
  assert.match(e.message, /!!python\/object\/apply:os\.system/);
});

test('a custom tag in voters.yaml and in a candidate header is an error too', () => {
  const voters = parseElectionFolder(folder({ 'voters.yaml': 'eligible_voters:\n  - alice\n  - !evil bob\n' }));
  assert.equal(errors(voters)[0]?.line, 3);
  assert.match(errors(voters)[0]?.message ?? '', /unsupported YAML tag !evil/);
  const cand = parseElectionFolder(folder({ 'candidate-ann.md': `---\nname: !!python/name:os.system Ann\nID: ann\n---\n` }));
  assert.equal(errors(cand)[0]?.line, 2);
});

test('an empty election.yaml is one clear error', () => {
  const e = onlyError(parseElectionFolder(folder({ 'election.yaml': '# nothing yet\n' })));
  assert.match(e.message, /election\.yaml is empty/);
});

test('election.yaml that is a list, not a map', () => {
  const e = onlyError(parseElectionFolder(folder({ 'election.yaml': '- name: x\n' })));
  assert.equal(e.line, 1);
  assert.match(e.message, /must be a map/);
});

test('one broken candidate makes the election unavailable, but every problem is listed together', () => {
  const entry = parseElectionFolder(folder({
    'candidate-ann.md': 'no header',
    'voters.yaml': 'eligible_voters: nobody\n',
    'election.yaml': GOOD_ELECTION.replace('no_winners: 1', 'no_winners: -1'),
  }));
  assert.equal(entry.ok, false);
  assert.deepEqual(errors(entry).map((p) => p.file.split('/').pop()), ['candidate-ann.md', 'election.yaml', 'voters.yaml']);
});

test('garbage in any file never throws: random bytes and mangled YAML give problems, not exceptions', () => {
  // A fixed pseudo-random sequence, so a failure can be reproduced.
  let seed = 12345;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pieces = ['---', '-', ':', '- ', '  ', '\n', '"', "'", '[', ']', '{', '}', '!!', '&a', '*a', '#', '|', '>', '%YAML', 'name', 'ID', 'info', '\t', '\u0000', 'é', '2024-02-30'];
  for (let i = 0; i < 300; i++) {
    const text = Array.from({ length: 1 + Math.floor(next() * 40) }, () => pieces[Math.floor(next() * pieces.length)]).join('');
    const target = ['election.yaml', 'voters.yaml', 'candidate-ann.md', 'election_desc.md'][i % 4]!;
    const entry = parseElectionFolder(folder({ [target]: text }));
    // The safety net in parseElectionFolder must not be what caught it.
    assert.ok(entry.problems.every((p) => !p.message.includes('Scrutin bug')), `${JSON.stringify(text)}: ${JSON.stringify(entry.problems)}`);
  }
});
