// candidate-<ID>.md in every shape Elekto accepts, and the fast paths agreeing with
// the full YAML parser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCandidate } from '../../src/core/meta/candidate.js';
import type { Candidate } from '../../src/core/meta/types.js';
import { scanSimpleHeader } from '../../src/core/meta/fastHeader.js';
import { scanSimpleVoterLines, scanSimpleVoters } from '../../src/core/meta/fastVoters.js';
import { parseElectionFolder } from '../../src/core/meta/election.js';
import { folder } from '../metarepo/fixture.js';

const DASHES = '-'.repeat(61);

function candidate(text: string, fileName = 'candidate-ann.md'): Candidate {
  const parsed = parseCandidate(`elections/x/${fileName}`, fileName, text);
  assert.ok(parsed.candidate !== null, JSON.stringify(parsed.problems));
  return parsed.candidate;
}

test('info as a list of one-key maps, or as a plain map: same fields in file order', () => {
  const list = candidate(`${DASHES}\nname: Ann Lee\nID: ann\ninfo:\n  - employer: Acme\n  - slack: ann\n${DASHES}\nBio`);
  const map = candidate(`${DASHES}\nname: Ann Lee\nID: ann\ninfo:\n  employer: Acme\n  slack: ann\n${DASHES}\nBio`);
  assert.deepEqual(list.info, [
    { key: 'employer', value: 'Acme' },
    { key: 'slack', value: 'ann' },
  ]);
  assert.deepEqual(map.info, list.info);
  assert.equal(list.name, 'Ann Lee');
});

test('no info, null info, and values YAML would retype keep their written text', () => {
  assert.deepEqual(candidate(`---\nname: Ann\nID: ann\n---\n`).info, []);
  assert.deepEqual(candidate(`---\nname: Ann\nID: ann\ninfo:\n---\n`).info, []);
  const typed = candidate(`---\nname: Ann\nID: ann\ninfo:\n  - since: 2020-01-01\n  - github: 007\n  - remote: yes\n  - pronouns:\n---\n`);
  assert.deepEqual(typed.info, [
    { key: 'since', value: '2020-01-01' },
    { key: 'github', value: '007' },
    { key: 'remote', value: 'yes' },
    { key: 'pronouns', value: '' },
  ]);
});

test('an ID that YAML reads as a number still matches its file name', () => {
  assert.equal(candidate(`---\nname: Ann\nID: 007\n---\n`, 'candidate-007.md').id, '007');
});

test('the header opens with 3 or more dashes and closes with 3 or more; a --- rule in the bio stays in the bio', () => {
  const c = candidate(`---\nname: Ann\nID: ann\n${DASHES}\n\nFirst part.\n\n---\n\nSecond part.\n`);
  assert.equal(c.bioMarkdown, 'First part.\n\n---\n\nSecond part.');
  assert.match(c.bioHtml, /<p>First part\.<\/p>\n<hr>\n<p>Second part\.<\/p>/);
});

test('blank lines before the header are allowed; header line numbers count them', () => {
  const parsed = parseCandidate('elections/x/candidate-ann.md', 'candidate-ann.md', `\n\n${DASHES}\nname: Ann\nID: anne\n${DASHES}\n`);
  assert.equal(parsed.candidate?.id, 'anne');
  assert.equal(parsed.problems[0]?.code, 'candidate-id-mismatch');
  assert.equal(parsed.problems[0].line, 5);
});

test('an empty bio is the empty string (the page shows "No profile submitted.")', () => {
  const c = candidate(`${DASHES}\nname: Ann\nID: ann\n${DASHES}\n\n   \n`);
  assert.equal(c.bioMarkdown, '');
  assert.equal(c.bioHtml, '');
  assert.equal(candidate(`${DASHES}\nname: Ann\nID: ann\n${DASHES}`).bioMarkdown, '');
});

test('show_candidate_fields missing from a candidate info: warning on the info line', () => {
  const entry = parseElectionFolder(
    folder({ 'candidate-ann.md': `${DASHES}\nname: Ann\nID: ann\ninfo:\n  - slack: ann\n${DASHES}\nBio\n` }),
  );
  assert.ok(entry.ok);
  assert.deepEqual(
    entry.problems.map((p) => [p.file, p.line, p.severity]),
    [['elections/test/candidate-ann.md', 4, 'warning']],
  );
  assert.match(entry.problems[0]?.message ?? '', /"employer"/);
});

test('other files in the folder (README.md, nomination-template.md, OWNERS) are ignored', () => {
  const entry = parseElectionFolder(folder({ 'README.md': 'not a candidate', 'nomination-template.md': 'x', OWNERS: 'approvers: [a]' }));
  assert.ok(entry.ok);
  assert.equal(entry.election.candidates.length, 2);
});

// The fast paths must give exactly what the full parser gives, and defer to it when unsure.
const headerCases = [
  'name: Ann Lee\nID: ann\ninfo:\n  - employer: Acme, Inc.\n  - slack: ann-lee',
  'name: José Müller\nID: jose\ninfo:\n- Language: Latin',
  'ID: ann\nname: Ann (she/her)\ninfo:\n    - employer: Red Hat\n    - title: Sr. Engineer & Lead',
  'name: Ann\nID: ann',
];
const deferCases = [
  'name: "Ann"\nID: ann', // quoted
  'name: Ann # comment\nID: ann', // comment
  'name: Ann\nID: ann\ninfo:\n  employer: Acme', // map form
  'name: Ann\nID: ann\nextra: 1', // unknown key
  'name: Ann\nname: Bob\nID: ann', // duplicate
  'name: null\nID: ann', // YAML null
  'name: Ann\nID: ann\ninfo:\n  - employer: http://x', // colon
  'name: Ann\nID: ann\ninfo:\n  - a: b\n   - c: d', // uneven indentation
  'name: Ann\nID: !!python/object x', // a tag
];

test('fast candidate header: agrees with the YAML parser on simple headers, defers on the rest', () => {
  for (const header of headerCases) {
    const fast = scanSimpleHeader(header);
    assert.ok(fast !== null, header);
    // Same file through the full parser: a leading blank line defeats nothing, so force
    // the full path by adding a comment line the fast path refuses.
    const slow = candidate(`---\n# full parser\n${header}\n---\n`, `candidate-${fast.id}.md`);
    assert.equal(fast.name, slow.name, header);
    assert.equal(fast.id, slow.id, header);
    assert.deepEqual(fast.info, slow.info, header);
  }
  for (const header of deferCases) assert.equal(scanSimpleHeader(header), null, header);
});

test('fast voters scan: agrees with the YAML parser on simple lists, defers on the rest', () => {
  const simple = ['eligible_voters:\n  - alice\n  - Bob  # note\n\n  - carol-d\n', '# c\neligible_voters:\n- alice\n- bob\n'];
  for (const text of simple) {
    const fast = scanSimpleVoters(text);
    assert.ok(fast !== null, text);
    const slow = parseElectionFolder(folder({ 'voters.yaml': `# full parser\n%YAML 1.1\n---\n${text}` }));
    assert.ok(slow.ok, JSON.stringify(slow.problems));
    assert.deepEqual(fast, slow.election.voters);
    // Each login's line is its line in the file.
    const lines = scanSimpleVoterLines(text)?.lines ?? [];
    const fileLines = text.split('\n');
    assert.deepEqual(
      lines.map((n) =>
        fileLines[n - 1]
          ?.trim()
          .replace(/^- +/, '')
          .replace(/ +#.*$/, ''),
      ),
      fast,
    );
  }
  for (const text of [
    'eligible_voters: [alice]\n',
    'eligible_voters:\n  - alice\n - bob\n',
    'eligible_voters:\n  - "alice"\n',
    'eligible_voters:\n  - null\n',
    'eligible_voters:\n\t- alice\n',
    'voters:\n  - alice\n',
    'eligible_voters:\n  - alice#x\n',
    'eligible_voters:\n  - alice\nother: 1\n',
    '---\neligible_voters:\n  - alice\n',
  ]) {
    assert.equal(scanSimpleVoters(text), null, text);
  }
});
