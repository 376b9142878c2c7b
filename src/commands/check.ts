// `scrutin check`: the ballot consistency check, for operators (after a crash, a restore,
// an upgrade) and for the crash tests. Read-only.
import { parseArgs } from 'node:util';
import { checkConsistency, type ElectionCheck } from '../app/checkConsistency.js';
import { configFor, describeDb, openStore } from './common.js';
import type { Command } from './types.js';
import { UserError } from './types.js';

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function summary(e: ElectionCheck): string {
  const links = e.linksErased ? 'links erased' : plural(e.links, 'sealed link');
  const verdict = e.problems.length === 0 ? 'consistent' : plural(e.problems.length, 'problem');
  return `${e.key}: ${plural(e.voters, 'voter')}, ${plural(e.ballots, 'ballot')} of ${plural(e.candidates, 'candidate')}, ${links}: ${verdict}`;
}

export const command: Command = {
  name: 'check',
  summary: 'Check that every vote has exactly one whole ballot (after a crash, restore or upgrade)',
  usage: [
    'Usage: scrutin check [--election KEY]',
    '',
    'Reads the configured database and checks, for each election, that the number of',
    'ballots equals the number of voters who voted, that every ballot has exactly one row',
    'per candidate with a valid rank, and that every sealed voter link is well-formed',
    '(and gone once erased by delete_after). Prints one line per problem and a summary',
    'per election. Changes nothing.',
    '',
    'Exit status: 0 when everything is consistent, 1 when a problem was found.',
    '',
    'Options:',
    '  --election KEY   check only this election',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseArgs({ args, options: { election: { type: 'string' } }, strict: true });
    const config = configFor(io);
    const store = await openStore(config);
    try {
      const pending = await store.pendingMigrations();
      if (pending.length > 0)
        throw new UserError(`the ${describeDb(config)} is not up to date (pending: ${pending.join(', ')}); run \`scrutin migrate\` first`);
      const report = await checkConsistency(store, values.election === undefined ? {} : { electionKey: values.election });
      for (const line of report.general) io.out(line);
      for (const e of report.elections) {
        for (const p of e.problems) io.out(`${e.key}: ${p}`);
        io.out(summary(e));
      }
      const bad = report.elections.filter((e) => e.problems.length > 0).length;
      if (report.consistent) {
        io.out(`${plural(report.elections.length, 'election')} checked: consistent.`);
        return 0;
      }
      io.out(
        `${plural(report.elections.length, 'election')} checked: ${bad > 0 ? `${plural(bad, 'election')} with problems` : 'problems found'}${report.general.length > 0 ? `, ${plural(report.general.length, 'general problem')}` : ''}.`,
      );
      return 1;
    } finally {
      await store.close();
    }
  },
};
