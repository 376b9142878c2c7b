// `scrutin validate [PATH]`: checks a meta repository (or one election folder) the
// way CI would, and prints `path:line: message` for each problem, then one summary
// line per election. Exit 0 only when there is no error; with --strict, no warning
// either: the server stays lenient (it serves what Elekto served, with warnings),
// while a community's CI can keep its repository clean.
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { readEnvironment } from '../config.js';
import { checkBio } from '../core/meta/bio.js';
import type { BioRules } from '../core/meta/bio.js';
import type { ElectionEntry, Problem } from '../core/meta/types.js';
import { phaseAt } from '../core/election/phase.js';
import { loadElection, loadSnapshot } from '../metarepo/load.js';
import type { Command, CommandIO } from './types.js';
import { UserError } from './types.js';
import { validateCommunities } from './validateCommunities.js';

const USAGE = `Usage: scrutin validate [PATH] [options]
       scrutin validate --communities FILE [--strict]

Checks an Elekto/Scrutin meta repository the way CI should: every file parses, dates
are valid and in order, candidate IDs match their file names, officers and voters are
lists of GitHub logins, show_candidate_fields are present in each candidate's info...
Prints one "path:line: message" per problem and a summary line per election.
Exits 0 when there is no error. Warnings are what the server tolerates, as Elekto
did (an ID that differs from its file name, a voter entry that is not a login, a
misspelt key...): printed, and failing only with --strict. The governance keys of
SPEC §10 (ballot_method, max_selections, max_per_affiliation, affiliation_field,
continuing_members, tie_break) are checked too: a value Scrutin cannot use is a
warning (the server ignores that value and serves the election), as is a candidate
without the affiliation field when a cap is set. See docs/governance.md.

PATH  the meta repository root (default: the current folder), or one election
      folder (a folder holding election.yaml)

Options:
  --election-dir DIR         folder holding the elections, relative to PATH
                             (default: $ELECTION_DIR, else "elections")
  --max-words N              fail when a candidate bio has more than N words
  --required-sections LIST   fail when a bio lacks one of these lines, comma-separated
                             (e.g. "## SIGS,## What I have done")
  --strict                   fail on warnings too (exit 1), to keep the repository clean
  --format text|json|github  output: text (default), json, or GitHub Actions annotations
  --communities FILE         check a COMMUNITIES file instead: the file itself (with
                             file and line), the secret variables it names, and every
                             meta repository it names (cloned into a temporary folder)
  -h, --help                 this help`;

type Format = 'text' | 'json' | 'github';

interface Checked {
  /** Repository root the problem paths are relative to. */
  root: string;
  entries: ElectionEntry[];
  problems: Problem[];
}

interface Options {
  path: string;
  electionDir: string;
  rules: BioRules;
  format: Format;
  strict: boolean;
}

/** `--communities FILE [--strict]`, or null when the command checks one repository. */
function communitiesOption(args: string[]): { file: string; strict: boolean } | null {
  if (!args.some((a) => a === '--communities' || a.startsWith('--communities='))) return null;
  try {
    const { values } = parseArgs({ args, strict: true, options: { communities: { type: 'string' }, strict: { type: 'boolean' } } });
    if (values.communities === undefined || values.communities === '') throw new Error('--communities needs a FILE');
    return { file: values.communities, strict: values.strict === true };
  } catch (error) {
    throw new UserError(
      `${error instanceof Error ? error.message : String(error)} (--communities takes only --strict; see scrutin validate --help)`,
      2,
    );
  }
}

function parseOptions(args: string[], io: CommandIO): Options {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        'election-dir': { type: 'string' },
        'max-words': { type: 'string' },
        'required-sections': { type: 'string' },
        format: { type: 'string' },
        strict: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UserError(`${error instanceof Error ? error.message : String(error)} (see scrutin validate --help)`, 2);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new UserError(`expected at most one PATH, got ${positionals.length} (see scrutin validate --help)`, 2);
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'github')
    throw new UserError(`--format must be text, json or github (got "${format}")`, 2);
  const rules: BioRules = {};
  if (values['max-words'] !== undefined) {
    if (!/^\d+$/.test(values['max-words']) || Number(values['max-words']) < 1)
      throw new UserError(`--max-words must be a whole number of at least 1 (got "${values['max-words']}")`, 2);
    rules.maxWords = Number(values['max-words']);
  }
  if (values['required-sections'] !== undefined) {
    const sections = values['required-sections']
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (sections.length === 0) throw new UserError('--required-sections needs at least one heading, e.g. "## SIGS"', 2);
    rules.requiredSections = sections;
  }
  let envDir: string | undefined;
  try {
    envDir = readEnvironment(io.env, io.cwd).ELECTION_DIR;
  } catch {
    envDir = io.env.ELECTION_DIR;
  }
  const electionDir = (values['election-dir'] ?? (envDir?.trim() || 'elections')).replace(/^(?:\.?\/)+|\/+$/g, '').replace(/^\.$/, '');
  if (electionDir.split('/').includes('..')) throw new UserError('--election-dir must stay inside the repository (no "..")', 2);
  return { path: resolve(io.cwd, positionals[0] ?? '.'), electionDir, rules, format, strict: values.strict === true };
}

/** For a single election folder: the repository root and the key it would have there. */
function locateFolder(folder: string, electionDir: string): { root: string; dir: string; key: string } {
  const parts = folder.split(sep);
  const dirParts = electionDir === '' ? [] : electionDir.split('/');
  // The last place where ELECTION_DIR's segments appear in the path marks the root.
  for (let i = parts.length - dirParts.length - 1; i >= 1; i--) {
    if (dirParts.every((d, j) => parts[i + j] === d)) {
      const below = parts.slice(i + dirParts.length);
      if (below.length === 0) break;
      return { root: parts.slice(0, i).join(sep) || sep, dir: [...dirParts, ...below].join('/'), key: below.join('---') };
    }
  }
  return { root: dirname(folder), dir: basename(folder), key: basename(folder) };
}

async function check(options: Options): Promise<Checked> {
  if (!existsSync(options.path)) throw new UserError(`${options.path} does not exist`, 2);
  if (!statSync(options.path).isDirectory())
    throw new UserError(`${options.path} is not a folder (give the meta repository root or an election folder)`, 2);
  if (existsSync(resolve(options.path, 'election.yaml'))) {
    const where = locateFolder(options.path, options.electionDir);
    const { entry, problems } = await loadElection(where.root, where.dir, where.key);
    return { root: where.root, entries: entry === null ? [] : [entry], problems };
  }
  const snapshot = await loadSnapshot({ root: options.path, electionDir: options.electionDir, inProcess: true });
  return { root: options.path, entries: [...snapshot.entries.values()], problems: [...snapshot.problems] };
}

/** Adds the optional bio rules' problems to each parsed election. */
function withBioRules(entries: ElectionEntry[], rules: BioRules): ElectionEntry[] {
  if (rules.maxWords === undefined && rules.requiredSections === undefined) return entries;
  return entries.map((entry) => {
    if (!entry.ok) return entry;
    const extra = entry.election.candidates.flatMap((c) => checkBio(c, rules));
    return extra.length === 0 ? entry : { ...entry, problems: [...entry.problems, ...extra] };
  });
}

function count(problems: readonly Problem[], severity: Problem['severity']): number {
  return problems.filter((p) => p.severity === severity).length;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function githubEscape(text: string, property: boolean): string {
  const out = text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return property ? out.replace(/:/g, '%3A').replace(/,/g, '%2C') : out;
}

export const command: Command = {
  name: 'validate',
  summary: 'Check a meta repository (or one election folder) the way CI would',
  usage: USAGE,
  run: async (args, io) => {
    const communities = communitiesOption(args);
    if (communities !== null) return validateCommunities(communities.file, io, communities.strict);
    const options = parseOptions(args, io);
    let checked: Checked;
    try {
      checked = await check(options);
    } catch (error) {
      if (error instanceof UserError) throw error;
      throw new UserError(`cannot read ${options.path}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const entries = withBioRules(checked.entries, options.rules);
    const all = [...checked.problems, ...entries.flatMap((e) => e.problems)];
    const errors = count(all, 'error');
    const warnings = count(all, 'warning');
    const failed = errors > 0 || (options.strict && warnings > 0);
    const now = new Date();
    const shown = (file: string): string => relative(io.cwd, resolve(checked.root, file)) || '.';

    if (options.format === 'json') {
      const problemJson = (p: Problem): object => ({
        file: p.file,
        path: shown(p.file),
        line: p.line ?? null,
        severity: p.severity,
        code: p.code ?? null,
        message: p.message,
      });
      io.out(
        JSON.stringify(
          {
            ok: !failed,
            strict: options.strict,
            errors,
            warnings,
            checkedAt: now.toISOString(),
            problems: checked.problems.map(problemJson),
            elections: entries.map((e) => ({
              key: e.key,
              dir: e.dir,
              ok: e.ok,
              name: e.ok ? e.election.name : e.name,
              phase: e.ok ? phaseAt(e.election, now) : null,
              candidates: e.ok ? e.election.candidates.length : null,
              voters: e.ok ? e.election.voters.length : null,
              problems: e.problems.map(problemJson),
            })),
          },
          null,
          2,
        ),
      );
      return failed ? 1 : 0;
    }

    for (const p of all) {
      const where = `${shown(p.file)}${p.line === undefined ? '' : `:${p.line}`}`;
      if (options.format === 'github') {
        const props = `file=${githubEscape(shown(p.file), true)}${p.line === undefined ? '' : `,line=${p.line}`}`;
        io.out(`::${p.severity} ${props}::${githubEscape(p.message, false)}`);
      } else {
        io.out(`${where}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`);
      }
    }
    if (all.length > 0) io.out('');
    const keyWidth = Math.max(0, ...entries.map((e) => e.key.length));
    for (const e of entries) {
      const key = e.key.padEnd(keyWidth);
      if (e.ok) {
        const el = e.election;
        const notes = [
          [count(e.problems, 'error'), 'error'],
          [count(e.problems, 'warning'), 'warning'],
        ] as const;
        const note = notes
          .filter(([n]) => n > 0)
          .map(([n, word]) => plural(n, word))
          .join(', ');
        io.out(
          `${key}  ${phaseAt(el, now).padEnd(9)}  ${plural(el.candidates.length, 'candidate').padStart(14)}  ${plural(el.voters.length, 'voter').padStart(12)}  ${el.name}${note === '' ? '' : `  (${note})`}`,
        );
      } else {
        io.out(
          `${key}  ${'ERRORS'.padEnd(9)}  ${plural(count(e.problems, 'error'), 'error')}: unavailable to voters until fixed${e.name === null ? '' : `  ${e.name}`}`,
        );
      }
    }
    const broken = entries.filter((e) => count(e.problems, 'error') > 0).length;
    const strictNote = options.strict && warnings > 0 ? ' (--strict: warnings fail)' : '';
    io.out(
      `${plural(entries.length, 'election')} (${broken === 0 ? 'all valid' : `${broken} with errors`}); ${plural(errors, 'error')}, ${plural(warnings, 'warning')}${strictNote}`,
    );
    return failed ? 1 : 0;
  },
};
