// `scrutin verify FILE.csv --receipt CODE`: a voter checks that their ballot is in the
// published ballots file (the one on the election's public results page), and sees the
// ranking it was counted with. Reads only the file: no database, no network.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { normalizeReceipt } from '../core/ballot/receipt.js';
import { ballotsWithReceipt, parsePublishedBallots, PublishedCsvError } from '../core/officer/publishedBallots.js';
import { fileError } from './files.js';
import type { Command, CommandIO } from './types.js';
import { UserError } from './types.js';

/** Exit codes (documented in docs/voting.md): 0 found once, 1 not found, 2 usage or unreadable file, 3 found more than once. */
export const VERIFY_FOUND = 0;
export const VERIFY_NOT_FOUND = 1;
const USAGE_ERROR = 2;
export const VERIFY_DUPLICATE = 3;

const usage = [
  'Usage: scrutin verify FILE.csv --receipt CODE',
  '',
  "Looks for your ballot in a published ballots CSV (the election's results page) by",
  'the receipt code you were shown when you voted, and prints the ranking it was counted',
  'with. The code may be typed in any case, with or without dashes.',
  '',
  'Exit codes: 0 the ballot is in the file (once); 1 it is not; 2 a usage error or a',
  'file that cannot be read as a published ballots CSV; 3 the code is in the file more',
  'than once (the file is not what Scrutin published).',
].join('\n');

async function run(args: string[], io: CommandIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { receipt: { type: 'string' } } });
  } catch (error) {
    throw new UserError(`${error instanceof Error ? error.message : String(error)}\n${usage}`, USAGE_ERROR);
  }
  const [file, ...extra] = parsed.positionals;
  if (file === undefined || extra.length > 0) throw new UserError(`give one CSV file\n${usage}`, USAGE_ERROR);
  const given = parsed.values.receipt;
  if (given === undefined) throw new UserError(`--receipt CODE is required\n${usage}`, USAGE_ERROR);
  const receipt = normalizeReceipt(given);
  if (receipt === null)
    throw new UserError(`"${given}" is not a receipt code (25 letters and digits, such as 7K2QM-X4T9B-0AC3D-PP8ZW-N5R1E)`, USAGE_ERROR);
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, file), 'utf8');
  } catch (error) {
    const known = fileError(file, error);
    if (known !== null) throw new UserError(known.message, USAGE_ERROR);
    throw error;
  }
  let ballots;
  try {
    ballots = parsePublishedBallots(text);
  } catch (error) {
    if (error instanceof PublishedCsvError) throw new UserError(`${file}: ${error.message}`, USAGE_ERROR);
    throw error;
  }
  if (!ballots.hasReceipts) throw new UserError(`${file}: this file has no receipt column: the election did not use receipts`, USAGE_ERROR);
  const found = ballotsWithReceipt(ballots, receipt);
  if (found.length === 0) {
    io.out(`Not found: no ballot in ${file} has the receipt ${receipt} (${ballots.ballots.length} ballots checked).`);
    return VERIFY_NOT_FOUND;
  }
  if (found.length > 1) {
    io.out(`The receipt ${receipt} appears on ${found.length} ballots: this file is not as Scrutin published it.`);
    return VERIFY_DUPLICATE;
  }
  const ballot = found[0];
  io.out(`Found: the ballot with receipt ${receipt} is in ${file}, counted with this ranking:`);
  const ranked = ballots.candidates
    .map((id, i) => ({ id, rank: ballot?.ranks[i] ?? null }))
    .filter((c): c is { id: string; rank: number } => c.rank !== null)
    .sort((a, b) => a.rank - b.rank || (a.id < b.id ? -1 : 1));
  if (ranked.length === 0) io.out('  no candidate ranked (an abstention)');
  for (const c of ranked) io.out(`  ${c.rank}. ${c.id}`);
  const unranked = ballots.candidates.filter((_, i) => (ballot?.ranks[i] ?? null) === null);
  if (unranked.length > 0 && ranked.length > 0) io.out(`  no opinion: ${unranked.join(', ')}`);
  return VERIFY_FOUND;
}

export const command: Command = {
  name: 'verify',
  summary: 'Find your ballot in a published ballots CSV by its receipt code',
  usage,
  run,
};
