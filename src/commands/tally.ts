// `scrutin tally`: counts an officer's ballot CSV offline, the way the results page
// counts stored ballots, so anyone holding the download can check the result.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { BallotCsvError, formatJson, formatMarkdown, formatText, tally, type TallyResult } from '../core/tally/index.js';
import { countCsvFile } from '../tally/readCsv.js';
import type { Command } from './types.js';
import { UserError } from './types.js';

const USAGE_ERROR = 2;
const formats = ['text', 'json', 'markdown'] as const;
type Format = (typeof formats)[number];

const usage = [
  'Usage: scrutin tally FILE.csv [--winners N] [--format text|json|markdown]',
  '',
  'Counts a ballot CSV (the officers\' download) with the Schulze method, winning votes,',
  'and prints the ranking, the winners, any tie for the last seat, and why.',
  '',
  'The CSV has a header row of candidate IDs, then one row per ballot. Each cell is a',
  'rank (1 = most preferred; equal numbers are equally preferred) or "No opinion",',
  'which expresses no preference either way (it is not "last").',
  '',
  'Options:',
  '  --winners N      seats to fill (the election\'s no_winners); default 1, or no_winners with --election',
  '  --format F       text (default), json, or markdown (a draft results.md)',
  '  --election KEY   count the stored ballots of a completed election from the configured',
  '                   database (candidates from the meta repository clone; see `scrutin sync`)',
  '',
  'When candidates tied in the ranking contend for the last seats, no winner is named',
  'for those seats: the output says which candidates tie for which seats.',
  '',
  'Exit status: 0 counted; 1 the file is missing or malformed; 2 wrong options.',
].join('\n');

interface Options {
  file: string | undefined;
  election: string | undefined;
  winners: number | undefined;
  format: Format;
}

function parseOptions(args: string[]): Options {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        winners: { type: 'string' },
        format: { type: 'string', default: 'text' },
        election: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UserError(`${error instanceof Error ? error.message : String(error)} (see \`scrutin tally --help\`)`, USAGE_ERROR);
  }
  const { values, positionals } = parsed;
  const format = formats.find((f) => f === values.format);
  if (format === undefined) {
    throw new UserError(`--format must be text, json or markdown, not "${values.format}"`, USAGE_ERROR);
  }
  let winners: number | undefined;
  if (values.winners !== undefined) {
    if (!/^\d+$/.test(values.winners) || Number(values.winners) < 1) {
      throw new UserError(`--winners must be a whole number from 1, not "${values.winners}"`, USAGE_ERROR);
    }
    winners = Number(values.winners);
  }
  if (positionals.length > 1) throw new UserError(`expected one CSV file, got ${positionals.length}: ${positionals.join(' ')}`, USAGE_ERROR);
  const file = positionals[0];
  if (file !== undefined && values.election !== undefined) {
    throw new UserError('give either a CSV file or --election KEY, not both', USAGE_ERROR);
  }
  if (file === undefined && values.election === undefined) {
    throw new UserError('which ballots? Give a CSV file, the officers\' download (see `scrutin tally --help`)', USAGE_ERROR);
  }
  return { file, election: values.election, winners, format };
}

async function countFile(file: string, cwd: string, seats: number): Promise<TallyResult> {
  const path = resolve(cwd, file);
  try {
    const { candidates, counter } = await countCsvFile(path);
    return tally(candidates, counter, seats);
  } catch (error) {
    if (error instanceof BallotCsvError) throw new UserError(`${file}: ${error.message}`);
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT') throw new UserError(`${file}: no such file`);
    if (code === 'EISDIR') throw new UserError(`${file}: is a folder, not a CSV file`);
    if (code === 'EACCES' || code === 'EPERM') throw new UserError(`${file}: permission denied`);
    throw error;
  }
}

export const command: Command = {
  name: 'tally',
  summary: 'Count a ballot CSV with the Schulze method (ranking, winners, ties, why)',
  usage,
  async run(args, io) {
    const options = parseOptions(args);
    if (options.file === undefined) {
      // Loaded only here: counting a file must not pay for the database drivers.
      const { tallyStoredElection } = await import('./tallyElection.js');
      io.out(await tallyStoredElection({ key: options.election ?? '', winners: options.winners, format: options.format }, io));
      return 0;
    }
    const result = await countFile(options.file, io.cwd, options.winners ?? 1);
    const output = options.format === 'json' ? formatJson(result) : options.format === 'markdown' ? formatMarkdown(result) : formatText(result);
    io.out(output);
    return 0;
  },
};
