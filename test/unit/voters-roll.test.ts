// Voter rolls from contribution data: reading exports (CSV in its usual dialects, JSON),
// the threshold, approved exceptions, case-insensitive de-duplication, the voters.yaml
// written (read back by the same parser the server uses, so it means what it says),
// and the diff against the committed roll.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseElectionFolder } from '../../src/core/meta/election.js';
import { scanSimpleVoters } from '../../src/core/meta/fastVoters.js';
import { parseContributions, parseContributionsCsv, parseContributionsJson, parseLoginList } from '../../src/core/voters/contributions.js';
import { buildRoll, diffRolls, formatRollDiff, readRoll, renderRoll, rollChanged } from '../../src/core/voters/roll.js';

const DATE = new Date('2026-09-15T12:00:00Z');

test('a devstats-style CSV: columns found by name, counts with separators, bots and blanks skipped aloud', () => {
  const csv =
    '\uFEFFRank,GitHub Login,Contributions\r\n1,alice,"1,204"\r\n2,@Bob,87\r\n3,dependabot[bot],900\r\n4,,12\r\n5,carol,49\r\n6,dave,n/a\r\n7,ALICE,6\r\n\r\n';
  const read = parseContributionsCsv(csv);
  assert.deepEqual(read.rows, [
    { login: 'alice', count: 1210 },
    { login: 'Bob', count: 87 },
    { login: 'carol', count: 49 },
  ]);
  assert.deepEqual(
    read.problems.map((p) => [p.line, p.severity]),
    [
      [4, 'warning'],
      [5, 'warning'],
      [7, 'warning'],
      [8, 'warning'],
    ],
  );
  assert.match(read.problems[0]?.message ?? '', /"dependabot\[bot\]" is not a GitHub login.*row skipped/);
  assert.match(read.problems[2]?.message ?? '', /the count of dave \("n\/a"\) is not a number; row skipped/);
  assert.match(read.problems[3]?.message ?? '', /ALICE appears again; the counts are added/);
});

test('semicolons, tabs and named columns', () => {
  assert.deepEqual(parseContributionsCsv('user;events\nann;3\n').rows, [{ login: 'ann', count: 3 }]);
  assert.deepEqual(parseContributionsCsv('name\tvalue\nann\t1 500\n').rows, [{ login: 'ann', count: 1500 }]);
  const custom = parseContributionsCsv('handle,full name,prs\nann,Ann A,4\n', { loginColumn: 'handle', countColumn: 'PRs' });
  assert.deepEqual(custom.rows, [{ login: 'ann', count: 4 }]);
  const missing = parseContributionsCsv('who,how many\nann,4\n');
  assert.equal(missing.problems[0]?.severity, 'error');
  assert.match(missing.problems[0].message, /no login column found among "who", "how many"; name it with --login-column/);
  assert.match(
    parseContributionsCsv('login,prs\nann,4\n', { countColumn: 'commits' }).problems[0]?.message ?? '',
    /no column named "commits" \(columns: "login", "prs"\)/,
  );
  assert.equal(parseContributionsCsv('').problems[0]?.severity, 'error');
});

test('JSON: an array of objects or an object of login: count', () => {
  assert.deepEqual(parseContributionsJson('[{"login":"ann","contributions":52},{"login":"ben","contributions":"7"}]').rows, [
    { login: 'ann', count: 52 },
    { login: 'ben', count: 7 },
  ]);
  assert.deepEqual(parseContributionsJson('{"ann": 52, "ben": 7}').rows, [
    { login: 'ann', count: 52 },
    { login: 'ben', count: 7 },
  ]);
  const odd = parseContributionsJson('[{"login":"ann"}, 3, {"login":"ben","count":-1}]');
  assert.deepEqual(odd.rows, []);
  assert.deepEqual(
    odd.problems.map((p) => p.line),
    [1, 2, 3],
  );
  assert.match(parseContributionsJson('{nope').problems[0]?.message ?? '', /not valid JSON/);
  assert.equal(parseContributionsJson('"text"').problems[0]?.severity, 'error');
  assert.deepEqual(parseContributions('{"ann": 1}', 'export.JSON').rows, [{ login: 'ann', count: 1 }]);
  assert.deepEqual(parseContributions('login,count\nann,1\n', 'export.csv').rows, [{ login: 'ann', count: 1 }]);
});

test('exception lists: one login a line, comments, "- login" and "@login"; anything else is an error', () => {
  const ok = parseLoginList('# approved by the officers\n- erin\n@Frank  # slack admin\n\ngina\n');
  assert.deepEqual(ok, { logins: ['erin', 'Frank', 'gina'], problems: [] });
  const bad = parseLoginList('erin\nJane Doe\nx@example.com\n');
  assert.deepEqual(bad.logins, ['erin']);
  assert.deepEqual(
    bad.problems.map((p) => [p.line, p.severity]),
    [
      [2, 'error'],
      [3, 'error'],
    ],
  );
});

test('the roll: at least the threshold, exceptions added once, one spelling per login, sorted without case', () => {
  const roll = buildRoll({
    contributions: [
      { login: 'zed', count: 50 },
      { login: 'Amy', count: 51 },
      { login: 'bob', count: 49 },
      { login: 'carl', count: 300 },
    ],
    threshold: 50,
    exceptions: ['BOB', 'amy', 'dina'],
  });
  assert.deepEqual(roll.voters, ['Amy', 'bob', 'carl', 'dina', 'zed']);
  assert.equal(roll.byContributions, 3);
  assert.deepEqual(roll.byException, ['bob', 'dina']);
  assert.equal(roll.below, 1);
});

test("the voters.yaml written reads back, through the server's own parser, as the same voters", () => {
  const roll = buildRoll({
    contributions: ['yes', 'No', '007', 'null', 'on', 'ann', 'y', 'True'].map((login) => ({ login, count: 9 })),
    threshold: 1,
    exceptions: [],
  });
  const text = renderRoll(roll, {
    source: 'devstats.csv',
    threshold: 1,
    exceptionsSource: null,
    date: DATE,
    command: 'scrutin voters build devstats.csv --threshold 1',
  });
  assert.equal(
    text.split('\n').slice(0, 4).join('\n'),
    [
      '# Generated by `scrutin voters build` on 2026-09-15 (UTC) from devstats.csv:',
      '# logins with at least 1 contribution (8).',
      '# Rebuild with: scrutin voters build devstats.csv --threshold 1',
      '# Edit the inputs and rebuild rather than editing this list by hand.',
    ].join('\n'),
  );
  assert.match(text, /\n {2}- "007"\n {2}- ann\n {2}- "No"\n/);
  const entry = parseElectionFolder({
    key: 'k',
    dir: 'elections/k',
    files: new Map([
      ['election.yaml', 'name: K\nstart_datetime: 2026-10-01 00:00:00\nend_datetime: 2026-10-10 00:00:00\n'],
      ['voters.yaml', text],
    ]),
  });
  assert.ok(entry.ok, JSON.stringify(entry.problems));
  assert.deepEqual(entry.election.voters, roll.voters);
  assert.deepEqual(readRoll(text, 'voters.yaml').logins, roll.voters);
  // A plain roll takes the server's fast path and reads the same.
  const plain = renderRoll(
    buildRoll({
      contributions: [
        { login: 'ann', count: 1 },
        { login: 'Ben', count: 1 },
      ],
      threshold: 1,
      exceptions: [],
    }),
    { source: 'x', threshold: 1, exceptionsSource: 'exceptions.txt', date: DATE },
  );
  assert.deepEqual(scanSimpleVoters(plain), ['ann', 'Ben']);
  assert.match(plain, /^# logins with at least 1 contribution \(2\), plus approved exception requests from exceptions\.txt \(0\)\.$/m);
  assert.match(
    renderRoll(buildRoll({ contributions: [], threshold: 5, exceptions: [] }), {
      source: 'x\ny',
      threshold: 5,
      exceptionsSource: null,
      date: DATE,
    }),
    /from x y:\n[\s\S]*\neligible_voters: \[\]\n$/,
  );
});

test('acceptance: a contributions CSV and two approved exceptions give exactly the expected additions and removals', () => {
  const committed = 'eligible_voters:\n  - alice\n  - Bob\n  - mallory   # left the project\n  - erin\n';
  const contributions = parseContributions(
    'login,contributions\nalice,120\nbob,75\ncarol,50\ndave,49\nerin,12\nfrank,51\n',
    'devstats.csv',
  );
  const exceptions = parseLoginList('- erin\n- grace\n');
  const roll = buildRoll({ contributions: contributions.rows, threshold: 50, exceptions: exceptions.logins });
  assert.deepEqual(roll.voters, ['alice', 'bob', 'carol', 'erin', 'frank', 'grace']);
  const diff = diffRolls(readRoll(committed, 'voters.yaml').logins, roll.voters);
  assert.deepEqual(diff, { added: ['carol', 'frank', 'grace'], removed: ['mallory'], respelled: [{ from: 'Bob', to: 'bob' }] });
  assert.ok(rollChanged(diff));
  assert.equal(
    formatRollDiff(diff, 'voters.yaml', roll.voters.length),
    [
      'voters.yaml: 3 to add, 1 to remove (6 voters in the new roll).',
      '+ carol',
      '+ frank',
      '+ grace',
      '- mallory',
      '  Bob is spelt bob in the new roll (the same login)',
      '',
    ].join('\n'),
  );
  const same = diffRolls(['ANN'], ['ann']);
  assert.ok(!rollChanged(same));
  assert.equal(formatRollDiff(diffRolls(['ann'], ['ann']), 'v.yaml', 1), 'v.yaml is up to date: 1 voter.\n');
  assert.match(readRoll('eligible_voters: 3\n', 'v.yaml').problems[0]?.message ?? '', /eligible_voters/);
  assert.match(readRoll('voters:\n  - a\n', 'v.yaml').problems[0]?.message ?? '', /no "eligible_voters:" list/);
});
