// YAML 1.1 as PyYAML reads Elekto's files, and the timestamp forms operators write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseElectionFolder } from '../../src/core/meta/election.js';
import type { Election } from '../../src/core/meta/types.js';
import { parseTimestamp } from '../../src/core/meta/timestamp.js';
import { ELECTION_KEYS, electionValue } from '../../src/core/meta/keys.js';
import { isMap, isScalar, mapEntries, parseYaml, scalarText } from '../../src/core/meta/yaml.js';
import { folder, GOOD_ELECTION } from '../metarepo/fixture.js';

function election(yaml: string, voters?: string): Election {
  const entry = parseElectionFolder(folder({ 'election.yaml': yaml, ...(voters === undefined ? {} : { 'voters.yaml': voters }) }));
  assert.ok(entry.ok, JSON.stringify(entry.problems));
  return entry.election;
}

const base = (lines: Record<string, string>): string => {
  let yaml = GOOD_ELECTION;
  for (const [key, value] of Object.entries(lines)) yaml = yaml.replace(new RegExp(`^${key}:.*$`, 'm'), `${key}: ${value}`);
  return yaml;
};

test('timestamps: every accepted form gives the instant an operator means', () => {
  const cases: [string, string][] = [
    ['2024-09-27 11:59:59', '2024-09-27T11:59:59.000Z'], // bare: UTC
    ['"2024-09-27 11:59:59"', '2024-09-27T11:59:59.000Z'], // quoted: same
    ["'2024-09-27T11:59:59'", '2024-09-27T11:59:59.000Z'],
    ['2024-09-27T11:59:59Z', '2024-09-27T11:59:59.000Z'],
    ['2024-09-27T11:59:59+02:00', '2024-09-27T09:59:59.000Z'],
    ['2024-09-27 11:59:59 -05:00', '2024-09-27T16:59:59.000Z'],
    ['"2024-09-27T11:59:59.250-0130"', '2024-09-27T13:29:59.250Z'],
    ['2024-09-27', '2024-09-27T00:00:00.000Z'], // a date alone: midnight UTC
    ['"2024-09-27"', '2024-09-27T00:00:00.000Z'],
    ['2024-9-7 1:02:03', '2024-09-07T01:02:03.000Z'], // YAML 1.1 allows one-digit parts
  ];
  for (const [written, iso] of cases) {
    const e = election(base({ start_datetime: written, end_datetime: '2030-01-01 00:00:00', exception_due: written }));
    assert.equal(e.startDatetime.toISOString(), iso, written);
    assert.equal(e.exceptionDue.toISOString(), iso, written);
  }
});

test('parseTimestamp rejects what is not a valid instant', () => {
  for (const bad of [
    '2024-13-01',
    '2024-02-30',
    '2023-02-29',
    '2024-01-01 24:00:00',
    '2024-01-01 10:61:00',
    'tomorrow',
    '1727438399',
    '2024-01-01T10:00:00+15:00',
    '',
  ]) {
    assert.equal(parseTimestamp(bad), null, bad);
  }
  assert.equal(parseTimestamp('2024-02-29')?.toISOString(), '2024-02-29T00:00:00.000Z');
});

test('parseTimestamp: offsets that cross a day, month or year boundary, and early years', () => {
  assert.equal(parseTimestamp('2023-03-01T00:30:00+01:00')?.toISOString(), '2023-02-28T23:30:00.000Z');
  assert.equal(parseTimestamp('2024-03-01T00:30:00+01:00')?.toISOString(), '2024-02-29T23:30:00.000Z');
  assert.equal(parseTimestamp('2024-12-31T23:30:00-01:00')?.toISOString(), '2025-01-01T00:30:00.000Z');
  assert.equal(parseTimestamp('0024-01-01')?.toISOString(), '0024-01-01T00:00:00.000Z');
});

test('a number where a timestamp belongs is a located error', () => {
  const entry = parseElectionFolder(folder({ 'election.yaml': base({ start_datetime: '1727438399' }) }));
  assert.equal(entry.ok, false);
  assert.equal(entry.problems[0]?.line, 3);
});

test('booleans as PyYAML reads them: True/yes/on are true, False/no/off false', () => {
  for (const [written, value] of [
    ['True', true],
    ['yes', true],
    ['on', true],
    ['TRUE', true],
    ['false', false],
    ['No', false],
    ['off', false],
  ] as const) {
    assert.equal(election(base({ allow_no_opinion: written })).allowNoOpinion, value, written);
  }
  // `y`/`n` are strings for PyYAML, so not booleans here either.
  assert.equal(parseElectionFolder(folder({ 'election.yaml': base({ allow_no_opinion: 'y' }) })).ok, false);
});

test('defaults: allow_no_opinion true, delete_after false, no_winners 1, exception_due = start, officers empty', () => {
  const yaml = 'name: Minimal\nstart_datetime: 2024-01-01\nend_datetime: 2024-02-01\n';
  const e = election(yaml);
  assert.equal(e.allowNoOpinion, true);
  assert.equal(e.deleteAfter, false);
  assert.equal(e.noWinners, 1);
  assert.equal(e.exceptionDue.getTime(), e.startDatetime.getTime());
  assert.deepEqual(e.officers, []);
  assert.deepEqual(e.showCandidateFields, []);
  assert.equal(e.organization, null);
  assert.equal(e.eligibilityHtml, '');
});

test('show_candidate_fields null, missing or empty list: no fields', () => {
  assert.deepEqual(election(base({ show_candidate_fields: '' }).replace('  - employer\n', '')).showCandidateFields, []);
  assert.deepEqual(election(base({ show_candidate_fields: '[]' }).replace('  - employer\n', '')).showCandidateFields, []);
  assert.deepEqual(election(base({ show_candidate_fields: 'null' }).replace('  - employer\n', '')).showCandidateFields, []);
});

test('exceptions_due is ignored, as Elekto ignores it: requests close at the start, with a "did you mean" warning', () => {
  const only = parseElectionFolder(folder({ 'election.yaml': GOOD_ELECTION.replace('exception_due:', 'exceptions_due:') }));
  assert.ok(only.ok);
  assert.equal(only.election.exceptionDue.toISOString(), only.election.startDatetime.toISOString());
  assert.deepEqual(
    only.problems.map((p) => [p.severity, p.line, p.code]),
    [['warning', 14, 'misspelt-key']],
  );
  assert.match(only.problems[0]?.message ?? '', /"exceptions_due" is ignored.*did you mean "exception_due"\?.*close when voting opens/);
  const both = parseElectionFolder(folder({ 'election.yaml': `${GOOD_ELECTION}exceptions_due: 2024-01-07 00:00:00\n` }));
  assert.ok(both.ok);
  assert.equal(both.election.exceptionDue.toISOString(), '2024-01-05T00:00:00.000Z');
  assert.deepEqual(
    both.problems.map((p) => [p.severity, p.code]),
    [['warning', 'misspelt-key']],
  );
});

test('every extension key of SPEC §10 is known (no warning); a misspelling of one, or of an Elekto key, gets "did you mean"', () => {
  const extensions =
    'ballot_method: approval\nmax_selections: 2\nmax_per_affiliation: 1\naffiliation_field: employer\ncontinuing_members: []\ntie_break: {method: seeded-hash, seed: x}\nballot_receipts: true\n';
  const known = parseElectionFolder(folder({ 'election.yaml': `${GOOD_ELECTION}${extensions}` }));
  assert.ok(known.ok);
  assert.deepEqual(known.problems, []);
  const typos: [string, string][] = [
    ['ballot_methd: schulze', 'ballot_method'],
    ['max_selection: 2', 'max_selections'],
    ['max-per-affiliation: 2', 'max_per_affiliation'],
    ['afiliation_field: employer', 'affiliation_field'],
    ['continuing_member: []', 'continuing_members'],
    ['tiebreak: {}', 'tie_break'],
    ['ballot_reciepts: true', 'ballot_receipts'],
    ['Name2: x', 'name'],
    ['organisation: x', 'organization'],
    ['no_winner: 2', 'no_winners'],
    ['delete-after: true', 'delete_after'],
    ['show_candidate_field: []', 'show_candidate_fields'],
    ['election_officer: []', 'election_officers'],
    ['START_DATETIME: 2024-01-01', 'start_datetime'],
    ['eligibilty: x', 'eligibility'],
  ];
  for (const [line, meant] of typos) {
    const e = parseElectionFolder(folder({ 'election.yaml': `${GOOD_ELECTION}${line}\n` }));
    assert.ok(e.ok, line);
    assert.deepEqual(
      e.problems.map((p) => [p.line, p.code]),
      [[15, 'misspelt-key']],
      line,
    );
    assert.match(e.problems[0]?.message ?? '', new RegExp(`did you mean "${meant}"`), line);
  }
  // Keys that are merely unknown stay silent (Elekto ignores them, and so do we).
  assert.deepEqual(parseElectionFolder(folder({ 'election.yaml': `${GOOD_ELECTION}notes: x\ndate: x\n` })).problems, []);
});

test('candidate header keys: a case variant is read, a misspelling gets "did you mean"', () => {
  const e = parseElectionFolder(folder({ 'candidate-ann.md': '---\nName: Ann\nID: ann\nInfo:\n  - employer: Acme\nnmae: x\n---\n' }));
  assert.ok(e.ok);
  assert.deepEqual(
    e.problems.map((p) => [p.line, p.code]),
    [
      [2, 'candidate-key-case'],
      [6, 'misspelt-key'],
    ],
  );
  const ann = e.election.candidates.find((c) => c.id === 'ann');
  assert.equal(ann?.name, 'Ann');
  assert.deepEqual(ann.info, [{ key: 'employer', value: 'Acme' }]);
});

test('unknown keys are ignored; a near-miss of a known key gets a warning', () => {
  const e = parseElectionFolder(folder({ 'election.yaml': `${GOOD_ELECTION}custom_note: hello\nexeption_due: 2024-01-02\n` }));
  assert.ok(e.ok);
  assert.deepEqual(
    e.problems.map((p) => [p.severity, p.line]),
    [['warning', 16]],
  );
  assert.match(e.problems[0]?.message ?? '', /did you mean "exception_due"/);
});

test('a duplicated key: the last value is used (as PyYAML does), with a warning', () => {
  const e = parseElectionFolder(folder({ 'election.yaml': `${GOOD_ELECTION}name: Renamed\n` }));
  assert.ok(e.ok);
  assert.equal(e.election.name, 'Renamed');
  assert.equal(e.problems[0]?.line, 15);
});

test('voters: comments, duplicates and case are harmless; order and first spelling kept', () => {
  const voters = '# eligible\neligible_voters:\n  - Alice   # chair\n  - bob\n\n  - ALICE\n  - carol\n';
  const e = election(GOOD_ELECTION, voters);
  assert.deepEqual(e.voters, ['Alice', 'bob', 'carol']);
  assert.deepEqual([...e.voterSet], ['alice', 'bob', 'carol']);
});

test('voters whose names YAML would read as other types keep their written text', () => {
  // 007 is octal 7, `no` false and `null` null for YAML 1.1; GitHub logins all the same.
  const e = parseElectionFolder(folder({ 'voters.yaml': 'eligible_voters:\n  - 007\n  - "no"\n  - yes\n  - 1e3\n  - ~\n' }));
  assert.ok(e.ok);
  assert.deepEqual(e.election.voters, ['007', 'no', 'yes', '1e3']);
  // The `~` (null) entry is skipped with a warning on its line.
  assert.deepEqual(
    e.problems.map((p) => [p.severity, p.line]),
    [['warning', 6]],
  );
});

test('voters.yaml with an empty list or missing: nobody can vote, with a warning, not an error', () => {
  const empty = parseElectionFolder(folder({ 'voters.yaml': 'eligible_voters:\n' }));
  assert.ok(empty.ok);
  assert.deepEqual(empty.election.voters, []);
  const missing = parseElectionFolder(folder({ 'voters.yaml': undefined }));
  assert.ok(missing.ok);
  assert.equal(missing.problems[0]?.severity, 'warning');
});

test('Windows line endings and a byte-order mark are read like plain files', () => {
  const crlf = `\uFEFF${GOOD_ELECTION.replace(/\n/g, '\r\n')}`;
  const e = election(crlf, 'eligible_voters:\r\n  - alice\r\n');
  assert.equal(e.name, 'Test election');
  assert.deepEqual(e.voters, ['alice']);
});

test('aliases resolve; a merge key is reported and ignored', () => {
  const yaml = GOOD_ELECTION.replace('election_officers:\n  - olivia', 'election_officers: &o\n  - olivia');
  const e = election(yaml, 'eligible_voters:\n  - alice\n');
  assert.deepEqual(e.officers, ['olivia']);
  const merged = parseElectionFolder(folder({ 'election.yaml': `${GOOD_ELECTION}defaults: &d {no_winners: 2}\n<<: *d\n` }));
  assert.ok(merged.ok);
  assert.equal(merged.election.noWinners, 1);
  assert.deepEqual(
    merged.problems.map((p) => [p.severity, p.line]),
    [['warning', 16]],
  );
  assert.match(merged.problems[0]?.message ?? '', /merge keys/);
});

test('a billion-laughs alias bomb does not hang or throw', () => {
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 0; i < 9; i++)
    bomb.push(
      `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`,
    );
  const entry = parseElectionFolder(folder({ 'election.yaml': `${GOOD_ELECTION}${bomb.join('\n')}\n` }));
  assert.equal(entry.ok, true);
});

test('election.yaml is read only by keys the misspelling check knows, so none it reads is ever reported as a typo', () => {
  const y = parseYaml('ballot_method: approval\nballot_methd: stv\n', 'election.yaml');
  assert.ok(y.root !== null && isMap(y.root));
  const entries = mapEntries(y, y.root, []);
  const value = electionValue(entries, 'ballot_method');
  assert.ok(value !== null && isScalar(value));
  assert.equal(scalarText(value), 'approval');
  // The readers (election.ts, governance.ts) go through electionValue, whose key is typed
  // with the known keys: reading another key is a type error, which `npm run typecheck` catches.
  // @ts-expect-error -- not a known key: it would be reported as a misspelling of ballot_method.
  electionValue(entries, 'ballot_methd');
  assert.ok(!ELECTION_KEYS.includes('ballot_methd'));
});
