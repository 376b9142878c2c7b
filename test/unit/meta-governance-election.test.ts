// The governance keys as the server reads them from an election folder: into
// Election.rules, leniently (a value Scrutin cannot use is a located warning and is
// ignored, so the election is still served), and an Elekto election unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseElectionFolder, type ElectionFolder } from '../../src/core/meta/election.js';
import { defaultRules } from '../../src/core/governance/rules.js';

const YAML = [
  'name: Steering',
  'start_datetime: 2026-01-01 00:00:00',
  'end_datetime: 2026-01-10 00:00:00',
  'no_winners: 2',
  'election_officers:',
  '  - olivia',
  '',
].join('\n');
const DASHES = '-'.repeat(20);
const candidate = (id: string, info: string) => `${DASHES}\nname: ${id.toUpperCase()}\nID: ${id}\ninfo:\n${info}${DASHES}\n\nBio.\n`;

function folder(extra: string, files: Record<string, string> = {}): ElectionFolder {
  return {
    key: 'steering',
    dir: 'elections/steering',
    files: new Map(
      Object.entries({
        'election.yaml': `${YAML}${extra}`,
        'voters.yaml': 'eligible_voters:\n  - alice\n',
        'candidate-ann.md': candidate('ann', '  - employer: Acme\n'),
        'candidate-ben.md': candidate('ben', '  - company: Beta\n'),
        ...files,
      }),
    ),
  };
}

test('an Elekto election: default rules, no new problem', () => {
  const entry = parseElectionFolder(folder(''));
  assert.ok(entry.ok);
  assert.deepEqual(entry.election.rules, defaultRules());
  assert.deepEqual(entry.problems, []);
});

test('the keys are read into Election.rules', () => {
  const entry = parseElectionFolder(folder('ballot_method: approval\nmax_selections: 2\ntie_break: {method: seeded-hash, seed: "s 1"}\n'));
  assert.ok(entry.ok);
  assert.equal(entry.election.rules.method, 'approval');
  assert.equal(entry.election.rules.maxSelections, 2);
  assert.deepEqual(entry.election.rules.tieBreak, { method: 'seeded-hash', seed: 's 1' });
});

test('values Scrutin cannot use are warnings with file and line, ignored, and the election is served', () => {
  const entry = parseElectionFolder(folder('ballot_method: ranked\nmax_per_affiliation: 5/3\ntie_break: {method: coin}\n'));
  assert.ok(entry.ok, 'the election stays available');
  assert.deepEqual(entry.election.rules, defaultRules(), 'each wrong key is ignored');
  assert.deepEqual(
    entry.problems.map((p) => [p.file, p.line, p.severity, p.code]),
    [
      ['elections/steering/election.yaml', 7, 'warning', 'governance-ignored'],
      ['elections/steering/election.yaml', 8, 'warning', 'governance-ignored'],
      ['elections/steering/election.yaml', 9, 'warning', 'governance-ignored'],
    ],
  );
  assert.match(entry.problems[0]?.message ?? '', /unknown ballot_method "ranked".*\(ignored: the election is served without it\)/);
});

test('a cap names each candidate without the affiliation field, in their file', () => {
  const entry = parseElectionFolder(folder('max_per_affiliation: 1\n'));
  assert.ok(entry.ok);
  assert.deepEqual(
    entry.problems.map((p) => [p.file, p.line, p.code]),
    [['elections/steering/candidate-ben.md', 4, 'affiliation-missing']],
  );
  const byCompany = parseElectionFolder(folder('max_per_affiliation: 1\naffiliation_field: company\n'));
  assert.ok(byCompany.ok);
  assert.deepEqual(
    byCompany.problems.map((p) => p.file),
    ['elections/steering/candidate-ann.md'],
  );
});
