// `scrutin validate` as a community's CI runs it: the sample passes and lists its
// elections; each kind of broken file fails with the file and line named and no
// stack trace; bio rules and JSON output for CI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { command } from '../../src/commands/validate.js';
import type { CommandIO } from '../../src/commands/types.js';
import { UserError } from '../../src/commands/types.js';
import { runCli } from '../helpers/cli.js';
import { copyFixture, tempDir } from '../metarepo/fixture.js';

async function validate(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CommandIO = { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), env, cwd };
  const code = await command.run(args, io);
  return { code, out, err };
}

function withRepo(fn: (root: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const tmp = tempDir('scrutin-validate-');
    try {
      copyFixture(tmp.path);
      await fn(tmp.path);
    } finally {
      tmp.cleanup();
    }
  };
}

test(
  'the sample repository passes (as a user runs it): exit 0, the three elections listed with phase and counts',
  withRepo(async (root) => {
    const r = await runCli(['validate'], {}, root);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^2021---GB\s+completed\s+3 candidates\s+8 voters\s+Select our 2021 General Board Rep$/m);
    assert.match(r.stdout, /^2021---TOC\s+completed\s+2 candidates\s+8 voters\s+2021 Steering Committee Election\s+\(2 warnings\)$/m);
    assert.match(r.stdout, /^name_the_app\s+completed\s+5 candidates\s+5 voters\s+Select The Name of the Application\s+\(1 warning\)$/m);
    assert.match(r.stdout, /^elections\/2021\/TOC\/election\.yaml:5: warning: no_winners is 4/m);
    assert.match(
      r.stdout,
      /^elections\/name_the_app\/election\.yaml:15: warning: unknown key "exceptions_due" is ignored, as Elekto ignores it; did you mean "exception_due"\?/m,
    );
    assert.match(r.stdout, /^3 elections \(all valid\); 0 errors, 3 warnings$/m);
  }),
);

test(
  '--strict fails on warnings: the same report, exit 1, and the summary says why',
  withRepo(async (root) => {
    const r = await runCli(['validate', '--strict'], {}, root);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^elections\/name_the_app\/election\.yaml:15: warning: unknown key "exceptions_due"/m);
    assert.match(r.stdout, /^3 elections \(all valid\); 0 errors, 3 warnings \(--strict: warnings fail\)$/m);
    const folder = await validate(['--strict', 'elections/2021/GB'], root);
    assert.equal(folder.code, 0, 'an election with no warning passes --strict');
  }),
);

test(
  'PATH may be given; paths print relative to the current folder',
  withRepo(async (root) => {
    const r = await validate([root], join(root, 'elections'));
    assert.equal(r.code, 0);
    assert.match(r.out, /^2021\/TOC\/election\.yaml:5: warning:/m);
  }),
);

const broken: [string, string, string, RegExp][] = [
  [
    'bad YAML',
    'elections/2021/GB/election.yaml',
    'name: Select\norganization: [Kubernetes\nstart_datetime: 2023-08-01\n',
    /^elections\/2021\/GB\/election\.yaml:\d+: invalid YAML/m,
  ],
  ['no dates', 'elections/2021/GB/election.yaml', 'name: X\n', /^elections\/2021\/GB\/election\.yaml:1: start_datetime is required/m],
  [
    'a candidate nobody can identify',
    'elections/2021/GB/candidate-.md',
    '-----\nname: Davanum Srinivas\n-----\nBio\n',
    /^elections\/2021\/GB\/candidate-\.md:1: the candidate header has no ID, and the file name \(candidate-\.md\) gives none/m,
  ],
  [
    'two candidates with one ID',
    'elections/2021/GB/candidate-davanum.md',
    '-----\nname: Davanum Srinivas\nID: dims\n-----\nBio\n',
    /^elections\/2021\/GB\/candidate-dims\.md: candidate ID "dims" is also used by/m,
  ],
  [
    'a Python tag',
    'elections/2021/GB/election.yaml',
    'name: X\nstart_datetime: 2023-08-01\nend_datetime: 2023-09-01\norganization: !!python/object/apply:os.system ["true"]\n',
    /^elections\/2021\/GB\/election\.yaml:4: unsupported YAML tag !!python\/object\/apply:os\.system/m,
  ],
  [
    'an alias bomb',
    'elections/2021/GB/voters.yaml',
    `eligible_voters:\n  - &a dims\n${'  - *a\n'.repeat(500)}`,
    /^elections\/2021\/GB\/voters\.yaml:3: 500 aliases \(\*name\) in one file; at most 100 are read/m,
  ],
];

for (const [what, file, text, expected] of broken) {
  test(
    `a broken file fails validation with file and line: ${what}`,
    withRepo(async (root) => {
      writeFileSync(join(root, file), text);
      const r = await validate([], root);
      assert.equal(r.code, 1);
      assert.match(r.out, expected);
      assert.match(r.out, /^2021---GB\s+ERRORS\s+\d+ errors?: unavailable to voters until fixed/m);
      // The other elections are still listed as valid.
      assert.match(r.out, /^name_the_app\s+completed/m);
      assert.match(r.out, /3 elections \(1 with errors\)/);
    }),
  );
}

// What Elekto served stays valid: a warning with file and line, an error only with --strict.
const tolerated: [string, string, string, RegExp][] = [
  [
    'end before start',
    'elections/2021/GB/election.yaml',
    'name: X\nstart_datetime: 2023-08-01 00:00:00\nend_datetime: 2023-07-01 00:00:00\n',
    /^elections\/2021\/GB\/election\.yaml:3: warning: end_datetime \(2023-07-01T00:00:00\.000Z\) is not after start_datetime/m,
  ],
  [
    'candidate without ID',
    'elections/2021/GB/candidate-dims.md',
    '-----\nname: Davanum Srinivas\ninfo:\n  - employer: VMware\n-----\nBio\n',
    /^elections\/2021\/GB\/candidate-dims\.md:1: warning: the candidate header has no ID; "dims" from the file name is used/m,
  ],
  [
    'ID not matching the file name',
    'elections/2021/GB/candidate-dims.md',
    '-----\nname: Davanum Srinivas\nID: davanum\ninfo:\n  - employer: VMware\n-----\nBio\n',
    /^elections\/2021\/GB\/candidate-dims\.md:3: warning: ID "davanum" differs from the file name \(candidate-dims\.md\)/m,
  ],
  [
    'voters not a list',
    'elections/2021/GB/voters.yaml',
    'eligible_voters: dims, liggitt\n',
    /^elections\/2021\/GB\/voters\.yaml:1: warning: eligible_voters should be a list/m,
  ],
  [
    'a voter that is an e-mail address',
    'elections/2021/GB/voters.yaml',
    'eligible_voters:\n  - dims\n  - dims@example.com\n',
    /^elections\/2021\/GB\/voters\.yaml:3: warning: eligible_voters: "dims@example\.com" is an e-mail address, not a GitHub login/m,
  ],
  [
    'unknown candidate file format',
    'elections/2021/GB/candidate-paris.md',
    'Paris Pittman\n\nI am running.\n',
    /^elections\/2021\/GB\/candidate-paris\.md:1: warning: the file has no header/m,
  ],
  [
    'a misspelt key',
    'elections/2021/GB/election.yaml',
    'name: X\nstart_datetime: 2023-08-01\nend_datetime: 2023-09-01\nballot_methd: schulze\n',
    /^elections\/2021\/GB\/election\.yaml:4: warning: unknown key "ballot_methd" is ignored; did you mean "ballot_method"\?/m,
  ],
];

for (const [what, file, text, expected] of tolerated) {
  test(
    `a file Elekto tolerated is a warning (an error with --strict): ${what}`,
    withRepo(async (root) => {
      writeFileSync(join(root, file), text);
      const r = await validate([], root);
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, expected);
      assert.match(r.out, /^2021---GB\s+completed\s+/m);
      assert.match(r.out, /3 elections \(all valid\); 0 errors/);
      const strict = await validate(['--strict'], root);
      assert.equal(strict.code, 1);
      assert.match(strict.out, expected);
    }),
  );
}

test(
  'a broken repository through the real CLI: exit 1, no stack trace',
  withRepo(async (root) => {
    writeFileSync(join(root, 'elections/2021/GB/voters.yaml'), 'eligible_voters:\n  - dims\n  - [oops\n');
    const r = await runCli(['validate'], {}, root);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /elections\/2021\/GB\/voters\.yaml:\d+: invalid YAML/);
    assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at .*\(.*:\d+:\d+\)/);
  }),
);

test(
  'one election folder can be validated on its own, with its key',
  withRepo(async (root) => {
    const r = await validate(['elections/2021/TOC'], root);
    assert.equal(r.code, 0);
    assert.match(r.out, /^2021---TOC\s+completed\s+2 candidates/m);
    assert.match(r.out, /^elections\/2021\/TOC\/election\.yaml:5: warning/m);
    assert.match(r.out, /^1 election \(all valid\)/m);
  }),
);

test(
  'ELECTION_DIR from the environment, or --election-dir; a wrong one is an error naming it',
  withRepo(async (root) => {
    const wrong = await validate([], root, { ELECTION_DIR: 'elekto' });
    assert.equal(wrong.code, 1);
    assert.match(wrong.out, /ELECTION_DIR "elekto" does not exist/);
    assert.match(wrong.out, /^0 elections/m);
    const flag = await validate(['--election-dir', 'elections/2021'], root, { ELECTION_DIR: 'elekto' });
    assert.equal(flag.code, 0);
    assert.match(flag.out, /^GB\s+completed/m);
    assert.match(flag.out, /^TOC\s+completed/m);
  }),
);

test(
  '--max-words and --required-sections apply the Kubernetes-style bio rules',
  withRepo(async (root) => {
    const r = await validate(['--max-words', '100', '--required-sections', '## SIGS, ## What I have done'], root);
    assert.equal(r.code, 1);
    // lachie83's bio is longer than 100 words; GB and name_the_app bios lack the sections.
    assert.match(r.out, /^elections\/2021\/TOC\/candidate-lachie83\.md: the bio has \d+ words; the limit is 100$/m);
    assert.match(r.out, /^elections\/2021\/GB\/candidate-paris\.md: the bio has no "## SIGS" section$/m);
    assert.doesNotMatch(r.out, /candidate-jberkus\.md: the bio has no "## SIGS"/);
    const lenient = await validate(['--max-words', '1000', '--required-sections', '## SIGS', 'elections/2021/TOC'], root);
    assert.equal(lenient.code, 0, lenient.out);
  }),
);

test(
  "--format json: machine-readable elections and problems, with each problem's kind",
  withRepo(async (root) => {
    writeFileSync(join(root, 'elections/name_the_app/candidate-e6n.md'), '---\nname: [E6N\n---\n');
    const r = await validate(['--format', 'json'], root);
    assert.equal(r.code, 1);
    const report = JSON.parse(r.out) as {
      ok: boolean;
      strict: boolean;
      errors: number;
      warnings: number;
      elections: {
        key: string;
        ok: boolean;
        name: string | null;
        phase: string | null;
        candidates: number | null;
        voters: number | null;
        problems: { file: string; line: number | null; severity: string; code: string | null; message: string }[];
      }[];
    };
    assert.equal(report.ok, false);
    assert.equal(report.strict, false);
    assert.ok(report.errors >= 1);
    assert.deepEqual(
      report.elections.map((e) => [e.key, e.ok, e.phase, e.candidates, e.voters]),
      [
        ['2021---GB', true, 'completed', 3, 8],
        ['2021---TOC', true, 'completed', 2, 8],
        ['name_the_app', false, null, null, null],
      ],
    );
    const problem = report.elections[2]?.problems[0];
    assert.deepEqual(problem && [problem.file, problem.line, problem.severity], ['elections/name_the_app/candidate-e6n.md', 2, 'error']);
    assert.deepEqual(
      report.elections[2]?.problems.filter((p) => p.severity === 'warning').map((p) => [p.line, p.code]),
      [[15, 'misspelt-key']],
    );
    assert.equal(report.elections[2].name, 'Select The Name of the Application');
    const clean = JSON.parse((await validate(['--format', 'json', '--strict', 'elections/2021/TOC'], root)).out) as {
      ok: boolean;
      strict: boolean;
      warnings: number;
    };
    assert.deepEqual([clean.ok, clean.strict, clean.warnings], [false, true, 2]);
  }),
);

test(
  '--format github: workflow annotations',
  withRepo(async (root) => {
    const r = await validate(['--format', 'github'], root);
    assert.equal(r.code, 0);
    assert.match(r.out, /^::warning file=elections\/2021\/TOC\/election\.yaml,line=5::no_winners is 4/m);
  }),
);

test(
  'usage mistakes are one clear line with exit code 2',
  withRepo(async (root) => {
    const cases: [string[], RegExp][] = [
      [['--max-words', 'lots'], /--max-words must be a whole number/],
      [['--format', 'xml'], /--format must be text, json or github/],
      [['--bogus'], /Unknown option '--bogus'/],
      [['a', 'b'], /at most one PATH/],
      [['missing-folder'], /does not exist/],
    ];
    for (const [args, message] of cases) {
      await assert.rejects(
        validate(args, root),
        (error: unknown) => error instanceof UserError && error.exitCode === 2 && message.test(error.message),
      );
    }
    mkdirSync(join(root, 'empty'));
    const empty = await validate(['empty'], root);
    assert.equal(empty.code, 1);
    assert.match(empty.out, /ELECTION_DIR "elections" does not exist/);
  }),
);

test(
  'the governance keys of SPEC §10: each bad value is a located warning (the server ignores it), and --strict fails',
  withRepo(async (root) => {
    const dir = join(root, 'elections', '2021', 'GB');
    const yaml = [
      'ballot_method: ranked-choice',
      'max_selections: 0',
      'max_per_affiliation: 1/0',
      'continuing_members: alice',
      'tie_break: {method: seeded-hash}',
      '',
    ].join('\n');
    const { readFileSync } = await import('node:fs');
    const base = readFileSync(join(dir, 'election.yaml'), 'utf8');
    const first = base.trimEnd().split('\n').length + 1;
    writeFileSync(join(dir, 'election.yaml'), `${base.trimEnd()}\n${yaml}`);
    const lenient = await validate(['elections/2021/GB'], root);
    assert.equal(lenient.code, 0, 'warnings only: the election is still served');
    const at = (offset: number) => `elections/2021/GB/election.yaml:${first + offset}: warning: `;
    assert.ok(lenient.out.includes(`${at(0)}unknown ballot_method "ranked-choice"; use schulze, approval, stv (ignored`), lenient.out);
    assert.ok(lenient.out.includes(`${at(1)}max_selections must be at least 1 (got 0)`), lenient.out);
    assert.ok(lenient.out.includes(`${at(2)}max_per_affiliation: "1/0" divides by zero`), lenient.out);
    assert.ok(lenient.out.includes(`${at(3)}continuing_members must be a list`), lenient.out);
    assert.ok(lenient.out.includes(`${at(4)}tie_break needs a seed`), lenient.out);
    const strict = await validate(['--strict', 'elections/2021/GB'], root);
    assert.equal(strict.code, 1);

    // A cap whose candidates do not all say their employer: named, per candidate file.
    writeFileSync(join(dir, 'election.yaml'), `${base.trimEnd()}\nmax_per_affiliation: 1\naffiliation_field: company\n`);
    const missing = await validate(['elections/2021/GB'], root);
    assert.match(
      missing.out,
      /elections\/2021\/GB\/candidate-[^:]+\.md:\d+: warning: candidate \S+ has no "company" in info, so max_per_affiliation does not count them/,
    );
  }),
);
