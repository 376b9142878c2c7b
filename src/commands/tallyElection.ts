// `scrutin tally --election KEY`: the count of a completed election straight from the
// configured database, with its candidates (IDs, names, no_winners) from the meta
// repository clone. It is the same count as the officers' results page
// (src/app/officer/countElection.ts), so the two cannot disagree.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { closeElection } from '../app/eraseLinks.js';
import { countElection, type ElectionCount } from '../app/officer/countElection.js';
import { Refused } from '../app/refusals.js';
import { answerTo } from '../http/answers.js';
import { phaseAt } from '../core/election/phase.js';
import type { Election } from '../core/meta/types.js';
import {
  formatApprovalJson,
  formatApprovalMarkdown,
  formatApprovalText,
  formatJson,
  formatMarkdown,
  formatStvJson,
  formatStvMarkdown,
  formatStvText,
  formatText,
  seatingJson,
  toTallyJson,
} from '../core/tally/index.js';
import { loadSnapshot } from '../metarepo/load.js';
import { communityScope, configFor, openStore } from './common.js';
import type { CommandIO } from './types.js';
import { UserError } from './types.js';

export interface StoredTallyOptions {
  key: string;
  /** --winners; the election's no_winners when absent. */
  winners: number | undefined;
  format: 'text' | 'json' | 'markdown';
  /** --community, with COMMUNITIES. */
  community?: string;
}

function utc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The election from the clone on disk, or one clear line saying what to do. */
async function electionFromClone(key: string, root: string, electionDir: string): Promise<Election> {
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new UserError(`no meta repository clone at ${root} (META_PATH): run \`scrutin sync\` first, then count again`);
  }
  const snapshot = await loadSnapshot({ root, electionDir });
  const entry = snapshot.entries.get(key);
  if (entry === undefined) {
    const where = join(root, electionDir);
    const missingDir = snapshot.problems.find((p) => p.severity === 'error');
    if (missingDir !== undefined && snapshot.entries.size === 0)
      throw new UserError(`no election "${key}": ${missingDir.file}: ${missingDir.message} (run \`scrutin sync\`?)`);
    const known = [...snapshot.entries.keys()];
    const list =
      known.length === 0
        ? 'there are none'
        : `there are ${known.slice(0, 10).join(', ')}${known.length > 10 ? `, and ${known.length - 10} more` : ''}`;
    throw new UserError(
      `no election "${key}" in ${where} (${list}); keys are folder paths below ELECTION_DIR with / written as ---. Run \`scrutin sync\` if it was added recently`,
    );
  }
  if (!entry.ok) {
    const first = entry.problems.find((p) => p.severity === 'error') ?? entry.problems[0];
    const where = first === undefined ? '' : `: ${first.file}${first.line !== undefined ? `:${first.line}` : ''}: ${first.message}`;
    const more = entry.problems.length > 1 ? ` (and ${entry.problems.length - 1} more; see \`scrutin validate\`)` : '';
    throw new UserError(`election "${key}" has errors in its meta files${where}${more}`);
  }
  return entry.election;
}

/**
 * The count as `scrutin tally FILE.csv` prints it with the same method and rules, so
 * anyone holding the ballots CSV and the meta repository gets the same text.
 */
function formatCount(count: ElectionCount, format: StoredTallyOptions['format'], title: string): string {
  const { names } = count;
  if (count.method === 'approval') {
    if (format === 'json') return formatApprovalJson(count.approval, names);
    if (format === 'markdown') return formatApprovalMarkdown(count.approval, { names, title });
    return formatApprovalText(count.approval, names);
  }
  if (count.method === 'stv') {
    if (format === 'json') return formatStvJson(count.stv, names);
    if (format === 'markdown') return formatStvMarkdown(count.stv, { names, title });
    return formatStvText(count.stv, names);
  }
  const { result, seating, notes } = count;
  if (format === 'json')
    return seating === null
      ? formatJson(result, names)
      : `${JSON.stringify({ method: 'schulze', ...toTallyJson(result, names), seating: seatingJson(seating) }, null, 2)}\n`;
  if (format === 'markdown') return formatMarkdown(result, { names, title, notes });
  return formatText(result, names, { notes });
}

export async function tallyStoredElection(options: StoredTallyOptions, io: CommandIO): Promise<string> {
  const { config, scope } = communityScope(configFor(io), options.community);
  const election = await electionFromClone(options.key, config.meta.path, config.meta.electionDir);
  const now = new Date();
  const phase = phaseAt(election, now);
  if (phase !== 'completed') {
    const when = phase === 'upcoming' ? `has not started yet (voting runs from ${utc(election.startDatetime)})` : 'is still running';
    throw new UserError(`election "${options.key}" ${when}: ballots are counted once voting closes at ${utc(election.endDatetime)}`);
  }
  const root = await openStore(config);
  const store = scope(root);
  try {
    const pending = await store.pendingMigrations();
    if (pending.length > 0) throw new UserError('the database schema is not up to date: run `scrutin migrate` first');
    // The close's rewrite of the ballot rows comes before any count (a read-only
    // database user cannot do it: then the count goes on, with a warning).
    await closeElection({ store, log: { info: () => undefined, error: () => undefined }, now }, election).catch((error: unknown) => {
      io.err(
        `scrutin tally: warning: could not rewrite the ballot rows after the close: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
    let count;
    try {
      count = await countElection(store, election, options.winners ?? election.noWinners);
    } catch (error) {
      if (error instanceof Refused) throw new UserError(answerTo(error.refusal).message);
      throw error;
    }
    // Counting from the database is an officer's act like opening the results page.
    await store.audit
      .append({
        at: now,
        electionKey: election.key,
        actor: 'scrutin tally',
        action: 'results.counted',
        detail: `scrutin tally --election: ${count.ballots} ballots counted`,
      })
      .catch((error: unknown) => {
        io.err(
          `scrutin tally: warning: could not record the count in the audit trail: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
    return formatCount(count, options.format, election.name);
  } finally {
    await root.close();
  }
}
