// The governance keys of election.yaml (SPEC §10) and the pieces they are made of:
// caps as written, the limit a cap gives for a body, affiliation spellings, and the
// --affiliations file of `scrutin tally`. Every bad value gets a located problem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { affiliationKey, infoValue } from '../../src/core/governance/affiliation.js';
import { capLimit, capText, defaultRules, parseCap, type AffiliationCap } from '../../src/core/governance/rules.js';
import {
  candidateAffiliationProblems,
  candidateAffiliations,
  parseAffiliationsFile,
  parseGovernance,
} from '../../src/core/meta/governance.js';

const BASE = 'name: Steering\nstart_datetime: 2026-01-01 00:00:00\nend_datetime: 2026-01-10 00:00:00\nno_winners: 3\n';

function read(extra: string) {
  return parseGovernance(BASE + extra, 'elections/steering/election.yaml');
}

test('without the keys the rules are Schulze and nothing else', () => {
  const { rules, problems } = read('');
  assert.deepEqual(rules, defaultRules());
  assert.deepEqual(problems, []);
  assert.equal(rules.affiliationField, 'employer');
});

test('every key read as written', () => {
  const { rules, problems } = read(
    [
      'ballot_method: approval',
      'max_selections: 5',
      'max_per_affiliation: 1/3',
      'affiliation_field: company',
      'continuing_members:',
      '  - login: alice',
      '    affiliation: Acme',
      '  - {login: bob, affiliation: Initech}',
      'tie_break:',
      '  method: seeded-hash',
      '  seed: "2026-01-01 board minutes"',
      '',
    ].join('\n'),
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(rules, {
    method: 'approval',
    maxSelections: 5,
    cap: { kind: 'fraction', numerator: 1, denominator: 3, bound: 'at-most' },
    affiliationField: 'company',
    continuingMembers: [
      { login: 'alice', affiliation: 'Acme' },
      { login: 'bob', affiliation: 'Initech' },
    ],
    tieBreak: { method: 'seeded-hash', seed: '2026-01-01 board minutes' },
  });
});

test('a seed is hashed as written: never read as a number or a date', () => {
  assert.equal(read('tie_break: {method: seeded-hash, seed: 007}\n').rules.tieBreak?.seed, '007');
  assert.equal(read('tie_break: {method: seeded-hash, seed: 2026-01-01}\n').rules.tieBreak?.seed, '2026-01-01');
  const spaced = read('tie_break: {method: seeded-hash, seed: " x "}\n');
  assert.equal(spaced.rules.tieBreak?.seed, ' x ');
  assert.equal(spaced.problems[0]?.severity, 'warning');
});

// Bad values: [yaml, severity, message pattern, line]. Errors make the election unavailable.
const bad: [string, 'error' | 'warning', RegExp, number][] = [
  ['ballot_method: borda\n', 'error', /unknown ballot_method "borda"; use schulze, approval, stv/, 5],
  ['ballot_method: [stv]\n', 'error', /ballot_method must be one of/, 5],
  ['ballot_method: STV\n', 'warning', /read as "stv"; write it in lower case/, 5],
  ['ballot_method: approval\nmax_selections: 0\n', 'error', /max_selections must be at least 1 \(got 0\)/, 6],
  ['ballot_method: approval\nmax_selections: five\n', 'error', /max_selections must be a whole number from 1 \(got "five"\)/, 6],
  ['ballot_method: approval\nmax_selections: 2.5\n', 'error', /max_selections must be a whole number/, 6],
  ['max_selections: 2\n', 'warning', /only applies to approval ballots; it is ignored with ballot_method schulze/, 5],
  ['max_per_affiliation: 4/3\n', 'error', /more than the whole body; a fraction must be at most 1/, 5],
  ['max_per_affiliation: 0\n', 'error', /a count must be at least 1/, 5],
  ['max_per_affiliation: 0/3\n', 'error', /allows no one/, 5],
  ['max_per_affiliation: 1/0\n', 'error', /divides by zero/, 5],
  ['max_per_affiliation: a third\n', 'error', /neither a whole number \(such as 2\) nor a fraction/, 5],
  ['max_per_affiliation: -1\n', 'error', /neither a whole number/, 5],
  ['max_per_affiliation: <2\n', 'error', /"<" goes with a fraction/, 5],
  ['max_per_affiliation: [1, 3]\n', 'error', /max_per_affiliation: it must be a whole number or a fraction/, 5],
  ['max_per_affiliation: 1/1\n', 'warning', /has no effect/, 5],
  ['max_per_affiliation: 1/5\n', 'warning', /of a body of 3 .* allows no one from any affiliation/, 5],
  ['affiliation_field: ""\n', 'error', /affiliation_field must name a candidate info key/, 5],
  ['continuing_members: alice\n', 'error', /continuing_members must be a list/, 5],
  ['max_per_affiliation: 2\ncontinuing_members:\n  - affiliation: Acme\n', 'error', /each continuing member needs a login/, 7],
  ['max_per_affiliation: 2\ncontinuing_members:\n  - login: "@alice"\n    affiliation: Acme\n', 'error', /write it without the @/, 7],
  [
    'max_per_affiliation: 2\ncontinuing_members:\n  - login: alice\n',
    'warning',
    /"alice" has no affiliation, so the cap does not count them/,
    7,
  ],
  ['max_per_affiliation: 2\ncontinuing_members:\n  - alice\n', 'warning', /has no affiliation.*write "- login: alice"/, 7],
  [
    'max_per_affiliation: 2\ncontinuing_members:\n  - login: alice\n    affiliation: Acme\n    role: chair\n',
    'warning',
    /unknown key "role" in a continuing member/,
    9,
  ],
  [
    'max_per_affiliation: 2\ncontinuing_members:\n  - {login: alice, affiliation: A}\n  - {login: ALICE, affiliation: A}\n',
    'warning',
    /"ALICE" is listed twice; counted once/,
    8,
  ],
  ['continuing_members:\n  - {login: alice, affiliation: Acme}\n', 'warning', /only matter with max_per_affiliation/, 5],
  ['tie_break: seeded-hash\n', 'error', /tie_break must be a map such as \{method: seeded-hash/, 5],
  ['tie_break: {method: coin-flip, seed: x}\n', 'error', /unknown tie_break method "coin-flip"; use seeded-hash/, 5],
  ['tie_break: {seed: x}\n', 'error', /tie_break needs a method/, 5],
  ['tie_break: {method: seeded-hash}\n', 'error', /tie_break needs a seed/, 5],
  ['tie_break: {method: seeded-hash, seed: ""}\n', 'error', /tie_break needs a seed/, 5],
  ['tie_break: {method: seeded-hash, seed: x, when: now}\n', 'warning', /unknown key "when" in tie_break/, 5],
];

for (const [yaml, severity, message, line] of bad) {
  test(`${severity}: ${yaml.trim().replace(/\n/g, ' / ')}`, () => {
    const { problems } = read(yaml);
    const found = problems.find((p) => message.test(p.message));
    assert.ok(found !== undefined, `expected ${String(message)} in ${JSON.stringify(problems)}`);
    assert.equal(found.severity, severity);
    assert.equal(found.file, 'elections/steering/election.yaml');
    assert.equal(found.line, line);
  });
}

test('a bad value leaves the default in place rather than a half-read rule', () => {
  const { rules } = read('ballot_method: borda\nmax_per_affiliation: 5/3\ntie_break: {method: seeded-hash}\n');
  assert.equal(rules.method, 'schulze');
  assert.equal(rules.cap, null);
  assert.equal(rules.tieBreak, null);
});

test('caps as written: counts, fractions (reduced), "<" for less than, exact decimals', () => {
  const cases: [string, AffiliationCap, string][] = [
    ['2', { kind: 'count', max: 2 }, '2'],
    [' 1/3 ', { kind: 'fraction', numerator: 1, denominator: 3, bound: 'at-most' }, '1/3'],
    ['2/6', { kind: 'fraction', numerator: 1, denominator: 3, bound: 'at-most' }, '1/3'],
    ['<1/3', { kind: 'fraction', numerator: 1, denominator: 3, bound: 'less-than' }, '<1/3'],
    ['< 1 / 2', { kind: 'fraction', numerator: 1, denominator: 2, bound: 'less-than' }, '<1/2'],
    ['0.5', { kind: 'fraction', numerator: 1, denominator: 2, bound: 'at-most' }, '1/2'],
    ['.25', { kind: 'fraction', numerator: 1, denominator: 4, bound: 'at-most' }, '1/4'],
    ['0.33', { kind: 'fraction', numerator: 33, denominator: 100, bound: 'at-most' }, '33/100'],
  ];
  for (const [text, cap, back] of cases) {
    assert.deepEqual(parseCap(text), { cap }, text);
    assert.equal(capText(cap), back, text);
  }
  for (const text of ['', 'x', '1.5', '3/2', '1/3/4', '0.0000001']) assert.ok('error' in parseCap(text), text);
});

test('the two readings of "a maximum of one-third" differ only when the body is a multiple of three', () => {
  const atMost: AffiliationCap = { kind: 'fraction', numerator: 1, denominator: 3, bound: 'at-most' };
  const lessThan: AffiliationCap = { kind: 'fraction', numerator: 1, denominator: 3, bound: 'less-than' };
  // body → [at most 1/3, less than 1/3]
  const table: [number, number, number][] = [
    [1, 0, 0],
    [2, 0, 0],
    [3, 1, 0],
    [4, 1, 1],
    [5, 1, 1],
    [6, 2, 1],
    [7, 2, 2],
    [8, 2, 2],
    [9, 3, 2],
    [13, 4, 4],
  ];
  for (const [body, most, less] of table) {
    assert.equal(capLimit(atMost, body), most, `at most 1/3 of ${body}`);
    assert.equal(capLimit(lessThan, body), less, `less than 1/3 of ${body}`);
    assert.ok(most <= body / 3 && most + 1 > body / 3);
    assert.ok(less < body / 3 && less + 1 >= body / 3);
  }
  assert.equal(capLimit({ kind: 'count', max: 2 }, 100), 2);
});

test('affiliations compare without case or spacing; "none" and friends are no affiliation', () => {
  assert.equal(affiliationKey('  Red   Hat '), 'red hat');
  assert.equal(affiliationKey('RED HAT'), affiliationKey('Red Hat'));
  assert.notEqual(affiliationKey('Google'), affiliationKey('Google LLC'));
  assert.equal(affiliationKey('Ｇｏｏｇｌｅ'), 'google'); // full-width letters fold (NFKC)
  for (const none of ['', '  ', 'None', 'n/a', 'Independent', 'self-employed', 'Unaffiliated', '-', null, undefined])
    assert.equal(affiliationKey(none), null, String(none));
  const info = [
    { key: 'employer', value: 'Acme' },
    { key: 'Employer', value: 'ignored' },
    { key: 'slack', value: '@x' },
  ];
  assert.equal(infoValue(info, 'employer'), 'Acme');
  assert.equal(infoValue(info, 'EMPLOYER'), 'Acme');
  assert.equal(infoValue(info, 'company'), null);
});

test('candidates without the affiliation field are named when a cap is set, and only then', () => {
  const candidates = [
    { id: 'ann', file: 'elections/x/candidate-ann.md', info: [{ key: 'employer', value: 'Acme' }] },
    { id: 'ben', file: 'elections/x/candidate-ben.md', info: [{ key: 'slack', value: 'ben' }] },
    { id: 'cat', file: 'elections/x/candidate-cat.md', info: [{ key: 'employer', value: 'Independent' }] },
  ];
  const capped = read('max_per_affiliation: 2\n').rules;
  assert.deepEqual(
    candidateAffiliationProblems(capped, candidates).map((p) => [p.file, p.severity]),
    [
      ['elections/x/candidate-ben.md', 'warning'],
      ['elections/x/candidate-cat.md', 'warning'],
    ],
  );
  assert.deepEqual(candidateAffiliationProblems(defaultRules(), candidates), []);
  assert.deepEqual(
    [...candidateAffiliations(capped, candidates)],
    [
      ['ann', 'Acme'],
      ['ben', null],
      ['cat', 'Independent'],
    ],
  );
});

test('the --affiliations file: candidates and continuing members, problems located', () => {
  const good = parseAffiliationsFile(
    'candidates:\n  ann: Acme\n  ben: ~\ncontinuing_members:\n  - {login: zoe, affiliation: Acme}\n',
    'aff.yaml',
  );
  assert.deepEqual(good.problems, []);
  assert.deepEqual(
    [...good.affiliations],
    [
      ['ann', 'Acme'],
      ['ben', null],
    ],
  );
  assert.deepEqual(good.continuing, [{ login: 'zoe', affiliation: 'Acme' }]);
  const wrong = parseAffiliationsFile('candidates: [ann]\nextra: 1\n', 'aff.yaml');
  assert.deepEqual(wrong.problems.map((p) => [p.line, p.severity]).sort(), [
    [1, 'error'],
    [2, 'warning'],
  ]);
  assert.equal(parseAffiliationsFile('- just a list\n', 'aff.yaml').problems[0]?.severity, 'error');
  assert.equal(
    parseAffiliationsFile('candidates: {ann: [a, b]}\n', 'aff.yaml').problems[0]?.message,
    'the affiliation of "ann" must be text',
  );
  assert.match(parseAffiliationsFile('candidates: {ann: Acme\n', 'aff.yaml').problems[0]?.message ?? '', /invalid YAML/);
});
