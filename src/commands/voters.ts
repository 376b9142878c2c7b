// `scrutin voters build`: the voter roll from contribution data. Reads an export of
// login → contributions, keeps those at or above the threshold, adds the approved
// exception requests (a file of logins, and/or the election's requests in the
// configured database), and writes voters.yaml, prints it, shows what would change in
// the committed one, or (--check, for CI) fails when the committed one differs.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseContributions, parseLoginList, type ExportProblem } from '../core/voters/contributions.js';
import { buildRoll, diffRolls, formatRollDiff, readRoll, renderRoll, rollChanged } from '../core/voters/roll.js';
import { fileError } from './files.js';
import type { Command, CommandIO } from './types.js';
import { UserError } from './types.js';

const USAGE_ERROR = 2;

const usage = [
  'Usage: scrutin voters build CONTRIBUTIONS --threshold N [--exceptions FILE] [--election KEY]',
  '                            [--login-column NAME] [--count-column NAME]',
  '                            [--out voters.yaml [--diff | --check]]',
  '',
  "Builds an election's voters.yaml from contribution data: every login with at least",
  'N contributions, plus the approved exception requests, sorted and de-duplicated',
  '(GitHub logins ignore letter case), under a comment naming the source and the date.',
  '',
  'CONTRIBUTIONS is a CSV export with a header (comma, semicolon or tab separated),',
  "such as devstats' developer activity counts, or JSON: an array of objects or an",
  'object of login: count. The login and count columns are found by their usual names',
  '(login, github, username, … and contributions, count, value, …) or named with the',
  'options below. Rows that are not a GitHub login (bots, blanks) are skipped, with a',
  'warning for each.',
  '',
  'Options:',
  '  --threshold N        at least N contributions qualify (required)',
  '  --exceptions FILE    approved exceptions: one login per line ("- login" and # comments allowed)',
  '  --election KEY       also add the requests officers approved for this election in the',
  '                       configured database (DATABASE_URL / DB_* as for `scrutin serve`)',
  '  --community KEY      with COMMUNITIES: the community whose --election it is',
  "  --login-column NAME  the export's login column (or JSON key)",
  "  --count-column NAME  the export's count column (or JSON key)",
  '  --out FILE           write the roll there (without it the roll is printed)',
  '  --diff               with --out: print what would change in FILE instead of writing it',
  '  --check              with --out: like --diff, and exit 1 when FILE lists other voters',
  '',
  'Exit status: 0 done (or, with --check, FILE is up to date); 1 FILE differs (--check) or',
  'an input is missing or malformed; 2 wrong options.',
].join('\n');

interface Options {
  contributions: string;
  threshold: number;
  exceptions: string | undefined;
  election: string | undefined;
  /** With COMMUNITIES: whose --election. */
  community: string | undefined;
  loginColumn: string | undefined;
  countColumn: string | undefined;
  out: string | undefined;
  mode: 'write' | 'diff' | 'check';
}

function parseOptions(args: string[]): Options {
  const [sub, ...rest] = args;
  if (sub !== 'build') {
    throw new UserError(
      sub === undefined
        ? 'which action? `scrutin voters build …` (see `scrutin voters --help`)'
        : `unknown action "${sub}"; the only one is build (see \`scrutin voters --help\`)`,
      USAGE_ERROR,
    );
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: {
        threshold: { type: 'string' },
        exceptions: { type: 'string' },
        election: { type: 'string' },
        community: { type: 'string' },
        'login-column': { type: 'string' },
        'count-column': { type: 'string' },
        out: { type: 'string' },
        diff: { type: 'boolean', default: false },
        check: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new UserError(`${error instanceof Error ? error.message : String(error)} (see \`scrutin voters --help\`)`, USAGE_ERROR);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    throw new UserError(
      positionals.length === 0
        ? 'which contributions export? Give its file (see `scrutin voters --help`)'
        : `expected one contributions file, got ${positionals.length}: ${positionals.join(' ')}`,
      USAGE_ERROR,
    );
  }
  if (values.threshold === undefined) throw new UserError('--threshold N is required: how many contributions qualify', USAGE_ERROR);
  if (!/^\d+$/.test(values.threshold)) throw new UserError(`--threshold must be a whole number, not "${values.threshold}"`, USAGE_ERROR);
  if (values.diff && values.check) throw new UserError('give --diff or --check, not both', USAGE_ERROR);
  if ((values.diff || values.check) && values.out === undefined)
    throw new UserError(`--${values.diff ? 'diff' : 'check'} compares with the committed roll: name it with --out FILE`, USAGE_ERROR);
  return {
    contributions: positionals[0] ?? '',
    threshold: Number(values.threshold),
    exceptions: values.exceptions,
    election: values.election,
    community: values.community,
    loginColumn: values['login-column'],
    countColumn: values['count-column'],
    out: values.out,
    mode: values.check ? 'check' : values.diff ? 'diff' : 'write',
  };
}

async function readInput(io: CommandIO, file: string): Promise<string | null> {
  try {
    return await readFile(resolve(io.cwd, file), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return null;
    throw fileError(file, error) ?? error;
  }
}

async function mustRead(io: CommandIO, file: string): Promise<string> {
  const text = await readInput(io, file);
  if (text === null) throw new UserError(`${file}: no such file`);
  return text;
}

function report(io: CommandIO, file: string, problems: readonly ExportProblem[]): void {
  const where = (p: ExportProblem): string => `${file}${p.line === undefined ? '' : `:${p.line}`}: ${p.message}`;
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new UserError(errors.map(where).join('\n'));
  for (const p of problems) io.err(`scrutin voters: warning: ${where(p)}`);
}

/** Logins whose exception requests officers approved for `key`, from the configured database. */
async function approvedRequests(io: CommandIO, key: string, community: string | undefined): Promise<string[]> {
  // Loaded only here: building from files must not need the database drivers.
  const { communityScope, configFor, openStore } = await import('./common.js');
  const { config, scope } = communityScope(configFor(io), community);
  const root = await openStore(config);
  const store = scope(root);
  try {
    if ((await store.pendingMigrations()).length > 0)
      throw new UserError('the database schema is not up to date: run `scrutin migrate` first');
    const election = await store.elections.findByKey(key);
    if (election === null)
      throw new UserError(
        `no election "${key}" in the database; keys are folder paths below ELECTION_DIR with / written as --- (run \`scrutin sync\` if it is new)`,
      );
    const requests = await store.requests.listByElection(election.id);
    return requests.filter((r) => r.decision === 'approved' && r.login !== '').map((r) => r.login);
  } finally {
    await root.close();
  }
}

/** SOURCE_DATE_EPOCH (the reproducible-builds convention) pins the header's date. */
function today(io: CommandIO): Date {
  const epoch = io.env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000);
  return new Date();
}

export const command: Command = {
  name: 'voters',
  summary: 'Build voters.yaml from contribution data and approved exceptions (or check it in CI)',
  usage,
  async run(args, io) {
    const options = parseOptions(args);
    const read = parseContributions(await mustRead(io, options.contributions), options.contributions, {
      loginColumn: options.loginColumn,
      countColumn: options.countColumn,
    });
    report(io, options.contributions, read.problems);

    const exceptions: string[] = [];
    const sources: string[] = [];
    if (options.exceptions !== undefined) {
      const list = parseLoginList(await mustRead(io, options.exceptions));
      report(io, options.exceptions, list.problems);
      exceptions.push(...list.logins);
      sources.push(options.exceptions);
    }
    if (options.election !== undefined) {
      exceptions.push(...(await approvedRequests(io, options.election, options.community)));
      sources.push(`election ${options.election}`);
    }
    const roll = buildRoll({ contributions: read.rows, threshold: options.threshold, exceptions });
    const rebuild = [
      'scrutin voters build',
      options.contributions,
      `--threshold ${options.threshold}`,
      ...(options.exceptions === undefined ? [] : [`--exceptions ${options.exceptions}`]),
      ...(options.election === undefined ? [] : [`--election ${options.election}`]),
      ...(options.out === undefined ? [] : [`--out ${options.out}`]),
    ].join(' ');
    const text = renderRoll(roll, {
      source: basename(options.contributions),
      threshold: options.threshold,
      exceptionsSource: sources.length === 0 ? null : sources.join(' and '),
      date: today(io),
      command: rebuild,
    });
    if (options.out === undefined) {
      io.out(text);
      return 0;
    }
    const target = resolve(io.cwd, options.out);
    if (options.mode === 'write') {
      // Written beside the target and renamed, so a failure never leaves half a roll.
      const temp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
      await writeFile(temp, text);
      await rename(temp, target);
      io.err(
        `scrutin voters: wrote ${options.out}: ${roll.voters.length} voters (${roll.byContributions} by contributions, ${roll.byException.length} by exception)`,
      );
      return 0;
    }
    const committed = await readInput(io, options.out);
    let before: string[] = [];
    if (committed === null) {
      io.err(`scrutin voters: ${options.out} does not exist yet; every voter is an addition`);
    } else {
      const parsed = readRoll(committed, options.out);
      const errors = parsed.problems.filter((p) => p.severity === 'error');
      if (errors.length > 0)
        throw new UserError(errors.map((p) => `${p.file}${p.line === undefined ? '' : `:${p.line}`}: ${p.message}`).join('\n'));
      before = parsed.logins;
    }
    const diff = diffRolls(before, roll.voters);
    io.out(formatRollDiff(diff, options.out, roll.voters.length));
    return options.mode === 'check' && (committed === null || rollChanged(diff)) ? 1 : 0;
  },
};
