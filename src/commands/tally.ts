// `scrutin tally`: counts an officer's ballot CSV offline, the way the results page
// counts stored ballots, so anyone holding the download can check the result — with
// the election's method (Schulze, approval or STV), its declared tie-break and its
// seat cap given as options.
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describeSeating } from '../core/governance/describe.js';
import {
  BALLOT_METHODS,
  parseCap,
  type AffiliationCap,
  type BallotMethod,
  type ContinuingMember,
  type TieBreakRule,
} from '../core/governance/rules.js';
import { governSchulze } from '../core/governance/schulze.js';
import { noRules, type SeatRules } from '../core/governance/seats.js';
import { parseAffiliationsFile } from '../core/meta/governance.js';
import {
  ApprovalCsvParser,
  BallotCsvError,
  CsvBallotCount,
  CsvRankedBallots,
  TooManyLotsError,
  alternatives,
  alternativesJson,
  approvalResult,
  countStv,
  describeAlternatives,
  escapeMarkdown,
  formatApprovalJson,
  formatApprovalMarkdown,
  formatApprovalText,
  formatMarkdown,
  formatStvJson,
  formatStvMarkdown,
  formatStvText,
  formatText,
  seatingJson,
  tally,
  toTallyJson,
} from '../core/tally/index.js';
import { fileError, streamFile } from './files.js';
import type { Command, CommandIO } from './types.js';
import { UserError } from './types.js';

const USAGE_ERROR = 2;
const formats = ['text', 'json', 'markdown'] as const;
type Format = (typeof formats)[number];

const usage = [
  'Usage: scrutin tally FILE.csv [--method schulze|approval|stv] [--seats N] [--format text|json|markdown]',
  '                              [--tie-break-seed SEED] [--max-per-affiliation CAP --affiliations FILE]',
  '                              [--max-selections N] [--compare]',
  '       scrutin tally --election KEY [--seats N] [--format text|json|markdown]',
  '',
  "Counts a ballot CSV (the officers' download) and prints the result, the winners,",
  'any tie for the last seats, and why. The CSV has a header row of candidate IDs, then',
  'one row per ballot:',
  '  schulze, stv  each cell a rank (1 = most preferred; equal numbers are equally',
  '                preferred) or "No opinion", which expresses no preference (not "last");',
  '                an empty cell is unranked too (a notice on stderr says how many)',
  '  approval      each cell 1 (approved) or blank / 0 (not approved)',
  '',
  'Options:',
  '  --method M                schulze (default: Schulze, winning votes), approval, or stv',
  "                            (Scottish STV, SSI 2007/42); the election's ballot_method",
  "  --seats N                 seats to fill (the election's no_winners); default 1, or no_winners",
  '                            with --election. --winners N is the same option',
  '  --format F                text (default), json, or markdown (a draft results.md)',
  "  --tie-break-seed SEED     break ties with the election's declared seeded-hash draw",
  '                            (tie_break: {method: seeded-hash, seed: SEED}; see docs/tally.md)',
  '  --max-per-affiliation CAP seat cap per affiliation: N, or a fraction a/b (at most) or <a/b',
  '                            (less than) of the whole body, seats + continuing members',
  '  --affiliations FILE       with a cap: YAML mapping "candidates:" (ID: affiliation) and',
  '                            "continuing_members:" (- login: …, affiliation: …)',
  '  --max-selections N        approval: refuse ballots approving more than N candidates',
  '  --compare                 schulze: also show ranked pairs and instant-runoff on the same',
  '                            ballots, for information only',
  '  --community KEY           with COMMUNITIES: the community whose --election to count',
  '  --election KEY            count the stored ballots of a completed election from the configured',
  '                            database, with its candidates and its rules (ballot_method,',
  '                            max_per_affiliation, continuing_members, tie_break) from the meta',
  '                            repository clone (see `scrutin sync` and docs/governance.md)',
  '',
  'Without a tie-break, candidates tied for the last seats are reported and no winner',
  'is named for those seats.',
  '',
  'Exit status: 0 counted; 1 a file is missing or malformed; 2 wrong options.',
].join('\n');

interface Options {
  file: string | undefined;
  election: string | undefined;
  community: string | undefined;
  method: BallotMethod;
  seats: number | undefined;
  format: Format;
  tieBreak: TieBreakRule | null;
  cap: AffiliationCap | null;
  affiliations: string | undefined;
  maxSelections: number | null;
  compare: boolean;
}

function usageError(message: string): UserError {
  return new UserError(message, USAGE_ERROR);
}

function wholeNumber(option: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw usageError(`${option} must be a whole number from 1, not "${value}"`);
  return Number(value);
}

function parseOptions(args: string[]): Options {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        method: { type: 'string', default: 'schulze' },
        seats: { type: 'string' },
        winners: { type: 'string' },
        format: { type: 'string', default: 'text' },
        election: { type: 'string' },
        community: { type: 'string' },
        'tie-break-seed': { type: 'string' },
        'max-per-affiliation': { type: 'string' },
        affiliations: { type: 'string' },
        'max-selections': { type: 'string' },
        compare: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw usageError(`${error instanceof Error ? error.message : String(error)} (see \`scrutin tally --help\`)`);
  }
  const { values, positionals } = parsed;
  const format = formats.find((f) => f === values.format);
  if (format === undefined) throw usageError(`--format must be text, json or markdown, not "${values.format}"`);
  const method = BALLOT_METHODS.find((m) => m === values.method);
  if (method === undefined) throw usageError(`--method must be ${BALLOT_METHODS.join(', ')}, not "${values.method}"`);

  const seatsGiven = values.seats === undefined ? undefined : wholeNumber('--seats', values.seats);
  const winnersGiven = values.winners === undefined ? undefined : wholeNumber('--winners', values.winners);
  if (seatsGiven !== undefined && winnersGiven !== undefined && seatsGiven !== winnersGiven) {
    throw usageError(`--seats ${seatsGiven} and --winners ${winnersGiven} disagree; give one of them`);
  }

  let tieBreak: TieBreakRule | null = null;
  if (values['tie-break-seed'] !== undefined) {
    if (values['tie-break-seed'].trim() === '') throw usageError('--tie-break-seed needs the seed the election declared');
    tieBreak = { method: 'seeded-hash', seed: values['tie-break-seed'] };
  }
  let cap: AffiliationCap | null = null;
  if (values['max-per-affiliation'] !== undefined) {
    const read = parseCap(values['max-per-affiliation']);
    if ('error' in read) throw usageError(`--max-per-affiliation: ${read.error}`);
    cap = read.cap;
    if (values.affiliations === undefined) throw usageError('--max-per-affiliation needs --affiliations FILE: whose affiliation is what');
  } else if (values.affiliations !== undefined) {
    throw usageError('--affiliations is only used with --max-per-affiliation');
  }
  let maxSelections: number | null = null;
  if (values['max-selections'] !== undefined) {
    maxSelections = wholeNumber('--max-selections', values['max-selections']);
    if (method !== 'approval') throw usageError('--max-selections applies to --method approval only');
  }
  if (values.compare && method !== 'schulze')
    throw usageError('--compare shows other methods beside a Schulze count; it goes with --method schulze');

  if (positionals.length > 1) throw usageError(`expected one CSV file, got ${positionals.length}: ${positionals.join(' ')}`);
  const file = positionals[0];
  if (file !== undefined && values.election !== undefined) throw usageError('give either a CSV file or --election KEY, not both');
  if (file === undefined && values.election === undefined)
    throw usageError("which ballots? Give a CSV file, the officers' download (see `scrutin tally --help`)");
  if (values.election !== undefined) {
    const fileOnly = ['method', 'tie-break-seed', 'max-per-affiliation', 'max-selections', 'compare'].filter((o) =>
      args.some((a) => a === `--${o}` || a.startsWith(`--${o}=`)),
    );
    if (fileOnly.length > 0)
      throw usageError(
        `--${fileOnly[0] ?? ''} is for counting a CSV file; with --election the count follows the election's own election.yaml`,
      );
  }
  if (values.community !== undefined && values.election === undefined) throw usageError('--community goes with --election KEY');
  return {
    file,
    election: values.election,
    community: values.community,
    method,
    seats: seatsGiven ?? winnersGiven,
    format,
    tieBreak,
    cap,
    affiliations: values.affiliations,
    maxSelections,
    compare: values.compare,
  };
}

/** Runs a file operation, turning file-system and CSV errors into one line about `label`. */
async function fileStep<T>(label: string, step: () => Promise<T>, kind = 'a CSV file'): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof BallotCsvError) throw new UserError(`${label}: ${error.message}`);
    throw fileError(label, error, kind) ?? error;
  }
}

async function seatRules(options: Options, candidates: readonly string[], io: CommandIO): Promise<SeatRules> {
  const rules = noRules();
  rules.tieBreak = options.tieBreak;
  if (options.cap === null || options.affiliations === undefined) return rules;
  const label = options.affiliations;
  const text = await fileStep(label, () => readFile(resolve(io.cwd, label), 'utf8'), 'a YAML file');
  const parsed = parseAffiliationsFile(text, label);
  const where = (p: { file: string; line?: number; message: string }): string =>
    `${p.file}${p.line === undefined ? '' : `:${p.line}`}: ${p.message}`;
  const errors = parsed.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new UserError(errors.map(where).join('\n'));
  for (const p of parsed.problems) io.err(`scrutin tally: warning: ${where(p)}`);
  const known = new Set(candidates);
  for (const id of parsed.affiliations.keys())
    if (!known.has(id)) io.err(`scrutin tally: warning: ${label}: "${id}" is not a candidate in the ballots; ignored`);
  const missing = candidates.filter((id) => !parsed.affiliations.has(id));
  if (missing.length > 0) io.err(`scrutin tally: warning: ${label}: no affiliation for ${missing.join(', ')}; the cap does not count them`);
  const continuing: ContinuingMember[] = parsed.continuing;
  return { ...rules, cap: options.cap, affiliations: parsed.affiliations, continuing };
}

/** SPEC §10: an empty cell is unranked. Say so, since it can also be a rank deleted by mistake. */
function blankNotice(label: string, blanks: { cells: number; first: { row: number; column: number } | null }, io: CommandIO): void {
  if (blanks.cells === 0 || blanks.first === null) return;
  io.err(
    `scrutin tally: notice: ${label}: ${blanks.cells} empty ${blanks.cells === 1 ? 'cell was' : 'cells were'} read as unranked ("No opinion"), the first at row ${blanks.first.row}, column ${blanks.first.column}`,
  );
}

async function countSchulze(options: Options, path: string, io: CommandIO): Promise<string> {
  const count = new CsvBallotCount();
  const ranked = options.compare ? new CsvRankedBallots() : null;
  await fileStep(options.file ?? '', () => streamFile(path, ...(ranked === null ? [count] : [count, ranked])));
  const { candidates, counter, blanks } = await fileStep(options.file ?? '', () => Promise.resolve(count.end()));
  blankNotice(options.file ?? '', blanks, io);
  const base = tally(candidates, counter, options.seats ?? 1);
  const rules = await seatRules(options, candidates, io);
  const { result, seating } = governSchulze(base, rules);
  const withRules = rules.cap !== null || rules.tieBreak !== null;
  const notes = withRules ? describeSeating(seating, (id) => id) : [];
  const alt = ranked === null ? null : alternatives(base, ranked.end(), rules.tieBreak);
  if (options.format === 'json') {
    const json = {
      method: 'schulze',
      ...toTallyJson(result),
      ...(withRules ? { seating: seatingJson(seating) } : {}),
      ...(alt === null ? {} : { alternatives: alternativesJson(alt) }),
    };
    return `${JSON.stringify(json, null, 2)}\n`;
  }
  if (options.format === 'markdown') {
    const md = formatMarkdown(result, { notes });
    return alt === null
      ? md
      : `${md}\n## Other methods (for information only)\n\n${describeAlternatives(alt)
          .map((l) => `- ${escapeMarkdown(l)}`)
          .join('\n')}\n`;
  }
  const text = formatText(result, undefined, { notes });
  return alt === null
    ? text
    : `${text}\nOther methods on the same ballots (for information only):\n${describeAlternatives(alt)
        .map((l) => `  ${l}`)
        .join('\n')}\n`;
}

async function countFile(options: Options, io: CommandIO): Promise<string> {
  const label = options.file ?? '';
  const path = resolve(io.cwd, label);
  const seats = options.seats ?? 1;
  if (options.method === 'schulze') return countSchulze(options, path, io);
  if (options.method === 'approval') {
    const parser = new ApprovalCsvParser({ maxSelections: options.maxSelections });
    await fileStep(label, () => streamFile(path, parser));
    const count = await fileStep(label, () => Promise.resolve(parser.end()));
    const result = approvalResult(count, seats, await seatRules(options, count.candidates, io), options.maxSelections);
    return options.format === 'json'
      ? formatApprovalJson(result)
      : options.format === 'markdown'
        ? formatApprovalMarkdown(result)
        : formatApprovalText(result);
  }
  const ranked = new CsvRankedBallots();
  await fileStep(label, () => streamFile(path, ranked));
  const ballots = await fileStep(label, () => Promise.resolve(ranked.end()));
  blankNotice(label, ranked.blanks, io);
  let result;
  try {
    result = countStv(ballots, { seats, rules: await seatRules(options, ballots.candidates, io) });
  } catch (error) {
    if (error instanceof TooManyLotsError) throw new UserError(`${label}: ${error.message}`);
    throw error;
  }
  return options.format === 'json'
    ? formatStvJson(result)
    : options.format === 'markdown'
      ? formatStvMarkdown(result)
      : formatStvText(result);
}

export const command: Command = {
  name: 'tally',
  summary: 'Count a ballot CSV (Schulze, approval or STV): ranking, winners, ties, why',
  usage,
  async run(args, io) {
    const options = parseOptions(args);
    if (options.file === undefined) {
      // Loaded only here: counting a file must not pay for the database drivers.
      const { tallyStoredElection } = await import('./tallyElection.js');
      io.out(
        await tallyStoredElection(
          {
            key: options.election ?? '',
            winners: options.seats,
            format: options.format,
            ...(options.community !== undefined ? { community: options.community } : {}),
          },
          io,
        ),
      );
      return 0;
    }
    io.out(await countFile(options, io));
    return 0;
  },
};
