// Every kind of broken file is reported with its file and line, as a value; the
// election becomes unavailable (ok: false) but keeps what could be read. What Elekto
// tolerated is a warning instead, and the election stays available (issue 13).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findCandidate } from '../../src/core/meta/candidate.js';
import { parseElectionFolder } from '../../src/core/meta/election.js';
import { phaseAt } from '../../src/core/election/phase.js';
import type { ElectionEntry, Problem } from '../../src/core/meta/types.js';
import { candidateFile, folder, GOOD_ELECTION } from '../metarepo/fixture.js';

function errors(entry: ElectionEntry): Problem[] {
  return entry.problems.filter((p) => p.severity === 'error');
}

function onlyWarning(entry: ElectionEntry): Problem {
  assert.ok(entry.ok, `expected the election to stay available: ${JSON.stringify(entry.problems, null, 1)}`);
  assert.equal(entry.problems.length, 1, `expected one warning, got ${JSON.stringify(entry.problems, null, 1)}`);
  assert.equal(entry.problems[0]!.severity, 'warning');
  return entry.problems[0]!;
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
  assert.ok(
    errs.some((e) => e.line !== undefined && e.line >= 2 && e.line <= 4),
    JSON.stringify(errs),
  );
});

test('bad YAML keeps name and officers readable when the rest of the map is fine', () => {
  const yaml = `${GOOD_ELECTION}extra: "unterminated\n`;
  const entry = parseElectionFolder(folder({ 'election.yaml': yaml }));
  assert.equal(entry.ok, false);
  assert.ok(!entry.ok);
  assert.equal(entry.name, 'Test election');
  assert.ok(entry.officerSet.has('olivia'));
});

test('end before start: a warning on the end_datetime line; shown, never running, delete_after held back', () => {
  const yaml = GOOD_ELECTION.replace('end_datetime: 2024-01-10 00:00:00', 'end_datetime: 2023-12-31 00:00:00')
    .replace('delete_after: False', 'delete_after: True')
    .replace('exception_due: 2024-01-05 00:00:00\n', '');
  const entry = parseElectionFolder(folder({ 'election.yaml': yaml }));
  const w = onlyWarning(entry);
  assert.equal(w.file, 'elections/test/election.yaml');
  assert.equal(w.line, 4);
  assert.equal(w.code, 'no-voting-window');
  assert.match(w.message, /end_datetime .* is not after start_datetime .*nobody can vote/);
  assert.ok(entry.ok);
  const e = entry.election;
  // As in Elekto: upcoming before the start, completed from it; never a voting window.
  for (const at of ['2023-12-30T00:00:00Z', '2023-12-31T12:00:00Z', '2024-01-01T00:00:00Z', '2024-01-05T00:00:00Z']) {
    assert.notEqual(phaseAt(e, new Date(at)), 'running', at);
  }
  assert.equal(phaseAt(e, new Date('2023-12-31T12:00:00Z')), 'upcoming');
  assert.equal(phaseAt(e, new Date('2024-01-02T00:00:00Z')), 'completed');
  assert.equal(e.deleteAfter, false, 'links are not erased because of a typo in the dates');
});

test('end equal to start is the same warning (an election needs a window)', () => {
  const yaml = GOOD_ELECTION.replace('end_datetime: 2024-01-10 00:00:00', 'end_datetime: 2024-01-01 00:00:00').replace(
    'exception_due: 2024-01-05 00:00:00\n',
    '',
  );
  assert.match(onlyWarning(parseElectionFolder(folder({ 'election.yaml': yaml }))).message, /is not after start_datetime/);
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
  assert.deepEqual(
    entry.problems.map((p) => [p.severity, p.line]),
    [['warning', 14]],
  );
});

test('no_winners: not a whole number or below 1 is an error; above the candidate count a warning', () => {
  const bad = parseElectionFolder(folder({ 'election.yaml': GOOD_ELECTION.replace('no_winners: 1', 'no_winners: two') }));
  assert.equal(onlyError(bad).line, 5);
  assert.match(onlyError(bad).message, /no_winners must be a whole number/);
  const zero = parseElectionFolder(folder({ 'election.yaml': GOOD_ELECTION.replace('no_winners: 1', 'no_winners: 0') }));
  assert.match(onlyError(zero).message, /at least 1/);
  const many = parseElectionFolder(folder({ 'election.yaml': GOOD_ELECTION.replace('no_winners: 1', 'no_winners: 3') }));
  assert.equal(many.ok, true);
  assert.deepEqual(
    many.problems.map((p) => [p.severity, p.line, p.message]),
    [['warning', 5, 'no_winners is 3 but there are only 2 candidates']],
  );
});

test('allow_no_opinion must be a boolean', () => {
  const entry = parseElectionFolder(
    folder({ 'election.yaml': GOOD_ELECTION.replace('allow_no_opinion: True', 'allow_no_opinion: maybe') }),
  );
  assert.equal(onlyError(entry).line, 6);
});

test('officers as one login, or entries that are not logins: warnings on their lines; the rest are officers', () => {
  const notList = parseElectionFolder(
    folder({ 'election.yaml': GOOD_ELECTION.replace('election_officers:\n  - olivia', 'election_officers: olivia') }),
  );
  assert.match(onlyWarning(notList).message, /election_officers should be a list/);
  assert.equal(onlyWarning(notList).line, 10);
  assert.ok(notList.ok && notList.election.officerSet.has('olivia'));
  const badLogin = parseElectionFolder(folder({ 'election.yaml': GOOD_ELECTION.replace('  - olivia', '  - olivia\n  - not a login') }));
  assert.equal(onlyWarning(badLogin).line, 12);
  assert.equal(onlyWarning(badLogin).code, 'officer-not-login');
  assert.match(onlyWarning(badLogin).message, /"not a login" is not a GitHub login/);
  assert.ok(badLogin.ok);
  assert.deepEqual(badLogin.election.officers, ['olivia']);
  const map = parseElectionFolder(
    folder({ 'election.yaml': GOOD_ELECTION.replace('election_officers:\n  - olivia', 'election_officers: {olivia: yes}') }),
  );
  assert.match(onlyError(map).message, /election_officers must be a list of GitHub logins/);
});

test('voters written as one login: a warning in voters.yaml at the value; that login may vote', () => {
  const entry = parseElectionFolder(folder({ 'voters.yaml': 'eligible_voters: alice\n' }));
  const w = onlyWarning(entry);
  assert.equal(w.file, 'elections/test/voters.yaml');
  assert.equal(w.line, 1);
  assert.match(w.message, /should be a list/);
  assert.ok(entry.ok);
  assert.deepEqual(entry.election.voters, ['alice']);
  const map = parseElectionFolder(folder({ 'voters.yaml': 'eligible_voters:\n  alice: yes\n' }));
  assert.match(onlyError(map).message, /must be a list of GitHub logins/);
});

test('voters.yaml a bare list (no eligible_voters key): a warning naming what is expected; nobody may vote', () => {
  const entry = parseElectionFolder(folder({ 'voters.yaml': '- alice\n- bob\n' }));
  const w = onlyWarning(entry);
  assert.equal(w.file, 'elections/test/voters.yaml');
  assert.equal(w.line, 1);
  assert.equal(w.code, 'voters-not-a-map');
  assert.match(w.message, /eligible_voters/);
  assert.ok(entry.ok);
  assert.deepEqual(entry.election.voters, []);
});

test('voters.yaml without eligible_voters, or with it empty: a warning; nobody may vote', () => {
  for (const text of ['voters:\n  - alice\n', 'eligible_voters:\n', 'eligible_voters: ~\n']) {
    const entry = parseElectionFolder(folder({ 'voters.yaml': text }));
    const w = entry.problems.find((p) => p.code === 'voters-empty');
    assert.ok(w !== undefined, `${text}: ${JSON.stringify(entry.problems)}`);
    assert.ok(entry.ok && entry.election.voters.length === 0, text);
  }
  const typo = parseElectionFolder(folder({ 'voters.yaml': 'eligble_voters:\n  - alice\n' }));
  assert.ok(
    typo.problems.some((p) => p.code === 'misspelt-key' && /did you mean "eligible_voters"/.test(p.message)),
    JSON.stringify(typo.problems),
  );
});

test('a voter entry that is not a login: a warning on its own line; it is left out, the others vote', () => {
  const entry = parseElectionFolder(folder({ 'voters.yaml': 'eligible_voters:\n  - alice\n  - "@bob"\n  - carol\n' }));
  const w = onlyWarning(entry);
  assert.equal(w.line, 3);
  assert.equal(w.code, 'voter-not-login');
  assert.match(w.message, /without the @/);
  assert.ok(entry.ok);
  assert.deepEqual(entry.election.voters, ['alice', 'carol']);
});

test('bad YAML in voters.yaml: error with file and line', () => {
  const e = errors(parseElectionFolder(folder({ 'voters.yaml': 'eligible_voters:\n  - alice\n  - [bob\n' })));
  assert.ok(e.length > 0);
  assert.ok(e.every((p) => p.file === 'elections/test/voters.yaml' && p.line !== undefined && p.line >= 3));
});

test('candidate without ID: a warning naming the file and the header line; the file name gives the ID', () => {
  const text = `${'-'.repeat(61)}\nname: Ann\ninfo:\n  - employer: Acme\n${'-'.repeat(61)}\nBio\n`;
  const entry = parseElectionFolder(folder({ 'candidate-ann.md': text }));
  const w = onlyWarning(entry);
  assert.equal(w.file, 'elections/test/candidate-ann.md');
  assert.equal(w.line, 1);
  assert.equal(w.code, 'candidate-id-missing');
  assert.match(w.message, /no ID; "ann" from the file name is used.*"ID: ann"/);
  assert.ok(entry.ok);
  assert.deepEqual(
    entry.election.candidates.map((c) => c.id),
    ['ann', 'ben'],
  );
});

test('candidate without ID and a file name without one (candidate-.md): an error, never a silent drop', () => {
  const text = `${'-'.repeat(61)}\nname: Ann\n${'-'.repeat(61)}\nBio\n`;
  const e = onlyError(parseElectionFolder(folder({ 'candidate-.md': text })));
  assert.equal(e.file, 'elections/test/candidate-.md');
  assert.equal(e.code, 'candidate-no-id');
});

test('candidate with `id:` in lower case: read as the ID, with a warning that says "ID:"', () => {
  const entry = parseElectionFolder(folder({ 'candidate-ann.md': `---\nname: Ann\nid: ann\ninfo:\n  employer: Acme\n---\nBio\n` }));
  const w = onlyWarning(entry);
  assert.equal(w.code, 'candidate-key-case');
  assert.equal(w.line, 3);
  assert.match(w.message, /"id:" is read as "ID:"/);
  assert.ok(entry.ok && entry.election.candidates.some((c) => c.id === 'ann' && c.name === 'Ann'));
});

test('candidate ID differs from the file name: a warning on the ID line; the header ID is on the ballot', () => {
  const entry = parseElectionFolder(folder({ 'candidate-ann.md': candidateFile('anne') }));
  const w = onlyWarning(entry);
  assert.equal(w.file, 'elections/test/candidate-ann.md');
  assert.equal(w.line, 3);
  assert.equal(w.code, 'candidate-id-mismatch');
  assert.match(w.message, /ID "anne" differs from the file name \(candidate-ann\.md\): ballots record "anne"/);
  assert.ok(entry.ok);
  const anne = entry.election.candidates.find((c) => c.id === 'anne');
  assert.equal(anne?.fileId, 'ann');
  assert.equal(findCandidate(entry.election.candidates, 'anne'), anne);
  assert.equal(findCandidate(entry.election.candidates, 'ann'), anne, 'the profile answers to the file name too');
  assert.equal(findCandidate(entry.election.candidates, 'nobody'), undefined);
});

test("a file-name ID that is another candidate's header ID: the profile URL finds the header ID first", () => {
  const entry = parseElectionFolder(folder({ 'candidate-ann.md': candidateFile('ben'), 'candidate-ben.md': candidateFile('cat') }));
  assert.ok(entry.ok, JSON.stringify(entry.problems));
  assert.equal(findCandidate(entry.election.candidates, 'ben')?.file, 'elections/test/candidate-ann.md');
  assert.equal(findCandidate(entry.election.candidates, 'cat')?.file, 'elections/test/candidate-ben.md');
});

test('candidate ID differing only in case: a warning, the header ID is used', () => {
  const entry = parseElectionFolder(folder({ 'candidate-ann.md': candidateFile('Ann') }));
  assert.equal(entry.ok, true);
  assert.ok(entry.ok);
  assert.deepEqual(
    entry.election.candidates.map((c) => c.id),
    ['Ann', 'ben'],
  );
  assert.equal(entry.problems[0]?.severity, 'warning');
});

test('two candidate files with IDs equal but for case: duplicate ID error', () => {
  const entry = parseElectionFolder(folder({ 'candidate-Ben.md': candidateFile('Ben') }));
  const e = onlyError(entry);
  assert.match(e.message, /candidate ID "ben" is also used by elections\/test\/candidate-Ben\.md/);
});

test('a candidate file with no header: a warning naming the file and first line; listed by its file name', () => {
  const entry = parseElectionFolder(folder({ 'candidate-ann.md': '# Ann\n\nI would like to serve.\n' }));
  const w = entry.problems.find((p) => p.code === 'candidate-no-header');
  assert.ok(w !== undefined, JSON.stringify(entry.problems));
  assert.equal(w.file, 'elections/test/candidate-ann.md');
  assert.equal(w.line, 1);
  assert.ok(entry.ok);
  const ann = entry.election.candidates.find((c) => c.id === 'ann');
  assert.equal(ann?.name, 'ann');
  assert.match(ann.bioHtml, /<h2>Ann<\/h2>/);
});

test('a file starting with "candidate" but not named candidate-<ID>.md: read as Elekto reads it, or ignored with a warning when it has no header', () => {
  const read = parseElectionFolder(folder({ 'candidates.md': candidateFile('cat') }));
  assert.ok(read.ok);
  assert.ok(read.election.candidates.some((c) => c.id === 'cat'));
  assert.equal(read.problems.find((p) => p.file.endsWith('candidates.md'))?.code, 'candidate-file-name');
  const ignored = parseElectionFolder(folder({ 'candidates.md': '# The candidates\n\nSee the files.\n' }));
  assert.ok(ignored.ok);
  assert.equal(ignored.election.candidates.length, 2);
  assert.equal(ignored.problems.find((p) => p.file.endsWith('candidates.md'))?.code, 'candidate-file-ignored');
});

test('files starting with "candidate" that Scrutin did not read before never make an election unavailable', () => {
  // A backup of a candidate (same ID), whatever the sort order of the names.
  for (const name of ['candidate-ann.md.orig', 'candidate ann.md', 'candidate+ann.md']) {
    const backup = parseElectionFolder(folder({ [name]: candidateFile('ann') }));
    assert.ok(backup.ok, `${name}: ${JSON.stringify(backup.problems)}`);
    assert.equal(backup.election.candidates.find((c) => c.id === 'ann')?.file, 'elections/test/candidate-ann.md', name);
    assert.deepEqual(
      backup.problems.map((p) => [p.file, p.code]),
      [[`elections/test/${name}`, 'candidate-file-ignored']],
      name,
    );
    assert.match(backup.problems[0]?.message ?? '', /candidate ID "ann" is already elections\/test\/candidate-ann\.md's/);
  }
  // A header without an ID, in a file not named candidate-<ID>.md.
  const noId = parseElectionFolder(folder({ 'candidate_notes.md': '---\nname: Notes\n---\n' }));
  assert.ok(noId.ok, JSON.stringify(noId.problems));
  assert.deepEqual(
    noId.problems.map((p) => p.code),
    ['candidate-file-ignored'],
  );
  // A header whose YAML does not parse, in a file not named candidate-<ID>.md.
  const broken = parseElectionFolder(folder({ 'candidates.md': '---\nname: [oops\n---\n' }));
  assert.ok(broken.ok, JSON.stringify(broken.problems));
  assert.deepEqual(
    broken.problems.map((p) => [p.severity, p.code]),
    [['warning', 'candidate-file-ignored']],
  );
  assert.match(
    broken.problems[0]?.message ?? '',
    /candidates\.md is not named candidate-<ID>\.md and its header cannot be read \(invalid YAML/,
  );
});

test('header that is never closed: a warning at the opening line; the candidate is listed by its file name', () => {
  const entry = parseElectionFolder(folder({ 'candidate-ann.md': '\n\n-----\nname: Ann\nID: ann\n' }));
  const w = entry.problems.find((p) => p.code === 'candidate-no-header');
  assert.equal(w?.line, 3);
  assert.match(w.message, /never closed/);
  assert.ok(entry.ok && entry.election.candidates.some((c) => c.id === 'ann'));
});

test('bad YAML in a candidate header: line counted from the top of the file', () => {
  const text = `${'-'.repeat(61)}\nname: Ann\nID: ann\ninfo: [employer\n${'-'.repeat(61)}\nBio\n`;
  const errs = errors(parseElectionFolder(folder({ 'candidate-ann.md': text })));
  assert.ok(errs.length >= 1);
  assert.ok(errs.every((p) => p.file === 'elections/test/candidate-ann.md'));
  assert.ok(
    errs.some((p) => p.line === 4 || p.line === 5),
    JSON.stringify(errs),
  );
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
  const entry = parseElectionFolder(
    folder({
      'candidate-ann.md': '---\nname: [Ann\nID: ann\n---\n',
      'voters.yaml': 'eligible_voters: {nobody: 1}\n',
      'election.yaml': GOOD_ELECTION.replace('no_winners: 1', 'no_winners: -1'),
    }),
  );
  assert.equal(entry.ok, false);
  assert.deepEqual(
    errors(entry).map((p) => p.file.split('/').pop()),
    ['candidate-ann.md', 'election.yaml', 'voters.yaml'],
  );
});

test('garbage in any file never throws: random bytes and mangled YAML give problems, not exceptions', () => {
  // A fixed pseudo-random sequence, so a failure can be reproduced.
  let seed = 12345;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pieces = [
    '---',
    '-',
    ':',
    '- ',
    '  ',
    '\n',
    '"',
    "'",
    '[',
    ']',
    '{',
    '}',
    '!!',
    '&a',
    '*a',
    '#',
    '|',
    '>',
    '%YAML',
    'name',
    'ID',
    'info',
    '\t',
    '\u0000',
    'é',
    '2024-02-30',
  ];
  for (let i = 0; i < 300; i++) {
    const text = Array.from({ length: 1 + Math.floor(next() * 40) }, () => pieces[Math.floor(next() * pieces.length)]).join('');
    const target = ['election.yaml', 'voters.yaml', 'candidate-ann.md', 'election_desc.md'][i % 4]!;
    const entry = parseElectionFolder(folder({ [target]: text }));
    // The safety net in parseElectionFolder must not be what caught it.
    assert.ok(
      entry.problems.every((p) => !p.message.includes('Scrutin bug')),
      `${JSON.stringify(text)}: ${JSON.stringify(entry.problems)}`,
    );
  }
});
