// Budgets for untrusted YAML (issue 14, item 4): aliases are resolved once per file,
// through one pass over the document, and a file may hold at most MAX_ALIASES of
// them; ordinary anchors and aliases keep working.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Alias } from 'yaml';
import { parseElectionFolder } from '../../src/core/meta/election.js';
import { deref, MAX_ALIASES, parseYaml } from '../../src/core/meta/yaml.js';
import { isSeq } from '../../src/core/meta/yaml.js';
import { folder, GOOD_ELECTION } from '../metarepo/fixture.js';

/** A voters.yaml of one anchored login and `n` aliases to it. */
function aliasVoters(n: number): string {
  return `eligible_voters:\n  - &a alice\n${'  - *a\n'.repeat(n)}`;
}

test('ordinary anchors and aliases keep working: officers reused as voters, an info value reused', () => {
  const yaml = GOOD_ELECTION.replace(
    'election_officers:\n  - olivia',
    'election_officers:\n  - &chair olivia\n  - &second oscar\nextra_officers:\n  - *chair',
  );
  const entry = parseElectionFolder(
    folder({
      'election.yaml': yaml,
      'voters.yaml': 'eligible_voters:\n  - &me alice\n  - bob\n  - *me\n',
      'candidate-ann.md': '---\nname: &n Ann\nID: ann\ninfo:\n  - employer: &e Acme\n  - sponsor: *e\n---\n',
    }),
  );
  assert.ok(entry.ok, JSON.stringify(entry.problems));
  assert.deepEqual(entry.election.officers, ['olivia', 'oscar']);
  assert.deepEqual(entry.election.voters, ['alice', 'bob']);
  assert.deepEqual(entry.election.candidates.find((c) => c.id === 'ann')?.info, [
    { key: 'employer', value: 'Acme' },
    { key: 'sponsor', value: 'Acme' },
  ]);
});

test('an alias stands for the last anchor of its name before it; an alias to nothing is nothing', () => {
  const y = parseYaml('a: &x one\nb: *x\nc: &x two\nd: *x\ne: *nope\n', 'f.yaml');
  const root = y.root as unknown as { items: { value: unknown }[] };
  const values = root.items.map((pair) => deref(y, pair.value));
  assert.equal((values[1] as { value?: unknown } | null)?.value, 'one');
  assert.equal((values[3] as { value?: unknown } | null)?.value, 'two');
  assert.equal(values[4], null);
});

test("aliases are never resolved with the yaml package's per-alias document walk (quadratic: 12,000 aliases took 20 s)", () => {
  const proto = Alias.prototype as { resolve: (...args: unknown[]) => unknown };
  const original = proto.resolve;
  let calls = 0;
  proto.resolve = function (this: Alias, ...args: unknown[]) {
    calls++;
    return original.apply(this, args);
  };
  try {
    const entry = parseElectionFolder(folder({ 'voters.yaml': aliasVoters(MAX_ALIASES) }));
    assert.ok(entry.ok, JSON.stringify(entry.problems));
    assert.deepEqual(entry.election.voters, ['alice']);
  } finally {
    proto.resolve = original;
  }
  assert.equal(calls, 0);
});

test(`at most ${MAX_ALIASES} aliases per file: one more is a clear error of that file, and the election is unavailable`, () => {
  assert.ok(parseElectionFolder(folder({ 'voters.yaml': aliasVoters(MAX_ALIASES) })).ok);
  const entry = parseElectionFolder(folder({ 'voters.yaml': aliasVoters(MAX_ALIASES + 1) }));
  assert.equal(entry.ok, false);
  const errors = entry.problems.filter((p) => p.severity === 'error');
  assert.deepEqual(
    errors.map((p) => [p.file, p.line, p.code]),
    [['elections/test/voters.yaml', 3, 'yaml-too-many-aliases']],
  );
  assert.match(errors[0]?.message ?? '', /101 aliases \(\*name\) in one file; at most 100 are read/);
});

test('the 100 KB alias-heavy voters.yaml of the red-team report is refused as a value, in every kind of file', () => {
  const bomb = aliasVoters(14_000);
  assert.ok(bomb.length > 95_000);
  const voters = parseElectionFolder(folder({ 'voters.yaml': bomb }));
  assert.equal(voters.ok, false);
  assert.ok(voters.problems.some((p) => p.code === 'yaml-too-many-aliases'));
  const header = `---\nname: &n Ann\nID: ann\ninfo:\n${'  - x: *n\n'.repeat(MAX_ALIASES + 1)}---\n`;
  const candidate = parseElectionFolder(folder({ 'candidate-ann.md': header }));
  assert.equal(candidate.ok, false);
  assert.ok(candidate.problems.some((p) => p.code === 'yaml-too-many-aliases' && p.file === 'elections/test/candidate-ann.md'));
  const election = parseElectionFolder(
    folder({ 'election.yaml': `${GOOD_ELECTION}x: &a [1]\ny: [${Array.from({ length: MAX_ALIASES + 1 }, () => '*a').join(', ')}]\n` }),
  );
  assert.equal(election.ok, false);
  assert.ok(election.problems.some((p) => p.code === 'yaml-too-many-aliases'));
});

test('a billion-laughs document is not expanded: nested aliases are read one level at a time', () => {
  const laughs = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i < 10; i++)
    laughs.push(
      `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array.from({ length: 9 }, () => `*${String.fromCharCode(96 + i)}`).join(', ')}]`,
    );
  const y = parseYaml(`${laughs.join('\n')}\n`, 'f.yaml');
  // 81 aliases: within the budget, and reading one never builds the 9^9 expansion.
  assert.equal(y.failed, false);
  const root = y.root as unknown as { items: { value: unknown }[] };
  const last = deref(y, root.items[9]?.value);
  assert.ok(last !== null && isSeq(last));
  assert.equal(last.items.length, 9);
});

test('a value starting with @ or ` (reserved in YAML; PyYAML refuses the file) is read as text, with a warning', () => {
  const entry = parseElectionFolder(
    folder({
      'candidate-ann.md': '---\nname: Ann\nID: ann\ninfo:\n  - employer: Acme\n  - twitter: @ann\n  - slack: `ann`\n---\n',
    }),
  );
  assert.ok(entry.ok, JSON.stringify(entry.problems));
  assert.deepEqual(
    entry.problems.map((p) => [p.line, p.severity, p.code]),
    [
      [6, 'warning', 'yaml-reserved-character'],
      [7, 'warning', 'yaml-reserved-character'],
    ],
  );
  assert.match(entry.problems[0]?.message ?? '', /starting with @ is read as text.*put the value in quotes/);
  assert.deepEqual(entry.election.candidates.find((c) => c.id === 'ann')?.info.slice(1), [
    { key: 'twitter', value: '@ann' },
    { key: 'slack', value: '`ann`' },
  ]);
});

test('a candidate header wrapped in ``` fences is read, with a warning at the first fence', () => {
  const text = `\n${'-'.repeat(61)}\n\`\`\`yaml\nname: Ann\nID: ann\ninfo:\n  - employer: Acme\n\`\`\`\n${'-'.repeat(61)}\n\nBio.\n`;
  const entry = parseElectionFolder(folder({ 'candidate-ann.md': text }));
  assert.ok(entry.ok, JSON.stringify(entry.problems));
  assert.deepEqual(
    entry.problems.map((p) => [p.line, p.code]),
    [[3, 'candidate-header-fenced']],
  );
  const ann = entry.election.candidates.find((c) => c.id === 'ann');
  assert.equal(ann?.name, 'Ann');
  assert.equal(ann.bioMarkdown, 'Bio.');
});
