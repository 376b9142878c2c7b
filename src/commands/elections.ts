// `scrutin elections list` and `scrutin elections purge KEY`: the election table as the
// database holds it, orphans included (a sync never deletes; SPEC §2), and the one
// explicit way to delete an election's data.
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import type { Store } from '../storage/store.js';
import { configFor, openStore } from './common.js';
import type { Command, CommandIO } from './types.js';
import { UserError } from './types.js';

const USAGE = [
  'Usage: scrutin elections list [--format text|json] [--community KEY]',
  '       scrutin elections purge KEY [--yes] [--community KEY]',
  '',
  'list   every election in the database: key, name, whether its folder is still in',
  '       the meta repository (present) or gone (orphaned, as of the last sync), how',
  '       many people voted, how many ballots and exception requests it holds.',
  '',
  'purge  deletes one election and everything attached to it (ballots, voter records,',
  '       exception requests, passphrase attempts) in one transaction. Without --yes it',
  '       only prints what it would delete. Meant for orphans: an election still in the',
  '       meta repository comes back, empty, at the next sync.',
  '',
  'With COMMUNITIES, --community KEY names the community whose elections to list or',
  'purge (two communities may have elections with the same key).',
].join('\n');

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

async function requestCounts(store: Store): Promise<Map<number, number>> {
  const rows = await store.db
    .selectFrom('request')
    .select(['election_id', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('election_id', 'is not', null)
    .groupBy('election_id')
    .execute();
  const out = new Map<number, number>();
  for (const r of rows) if (r.election_id !== null) out.set(r.election_id, Number(r.n));
  return out;
}

async function list(store: Store, format: string, io: CommandIO): Promise<number> {
  const rows = await store.elections.list();
  const counts = await store.ballots.countsByElection();
  const requests = await requestCounts(store);
  const items = rows.map((r) => ({
    key: r.key,
    name: r.name,
    status: r.orphanedAt === null ? 'present' : 'orphaned',
    orphanedAt: r.orphanedAt?.toISOString() ?? null,
    linksErasedAt: r.linksErasedAt?.toISOString() ?? null,
    voted: counts.get(r.id)?.voters ?? 0,
    ballots: counts.get(r.id)?.ballots ?? 0,
    requests: requests.get(r.id) ?? 0,
  }));
  if (format === 'json') {
    io.out(JSON.stringify({ elections: items }, null, 2));
    return 0;
  }
  if (items.length === 0) {
    io.out('No elections in the database yet (run `scrutin sync`, or start the server).');
    return 0;
  }
  const header = { key: 'KEY', status: 'STATUS', voted: 'VOTED', ballots: 'BALLOTS', requests: 'REQUESTS' };
  const width = (f: (i: (typeof items)[number]) => string, title: string) => Math.max(title.length, ...items.map((i) => f(i).length));
  const w = {
    key: width((i) => i.key, header.key),
    status: width((i) => i.status, header.status),
    voted: width((i) => String(i.voted), header.voted),
    ballots: width((i) => String(i.ballots), header.ballots),
    requests: width((i) => String(i.requests), header.requests),
  };
  const line = (key: string, status: string, voted: string, ballots: string, reqs: string, name: string) =>
    `${key.padEnd(w.key)}  ${status.padEnd(w.status)}  ${voted.padStart(w.voted)}  ${ballots.padStart(w.ballots)}  ${reqs.padStart(w.requests)}  ${name}`.trimEnd();
  io.out(line(header.key, header.status, header.voted, header.ballots, header.requests, 'NAME'));
  for (const i of items) io.out(line(i.key, i.status, String(i.voted), String(i.ballots), String(i.requests), i.name ?? ''));
  const orphans = items.filter((i) => i.status === 'orphaned').length;
  io.out(
    `${plural(items.length, 'election')}${orphans > 0 ? `, ${orphans} orphaned (folder gone from the meta repository; data kept until \`scrutin elections purge KEY\`)` : ''}`,
  );
  return 0;
}

function operator(io: CommandIO): string {
  const name =
    io.env.USER ??
    io.env.LOGNAME ??
    (() => {
      try {
        return userInfo().username;
      } catch {
        return 'unknown';
      }
    })();
  return `cli:${name}`;
}

async function purge(store: Store, key: string, yes: boolean, io: CommandIO): Promise<number> {
  const row = await store.elections.findByKey(key);
  if (row === null) throw new UserError(`there is no election "${key}" in the database (see \`scrutin elections list\`)`);
  const counts = await store.elections.purgeCounts(row.id);
  const ballots = (await store.ballots.countsOf(row.id)).ballots;
  const what = `${plural(ballots, 'ballot')} (${plural(counts.ballots, 'ballot row')}), ${plural(counts.voters, 'voter record')}, ${plural(counts.requests, 'exception request')}, and the election row`;
  io.out(
    `Election ${key}${row.name === null ? '' : ` (${row.name})`}: ${row.orphanedAt === null ? 'still in the meta repository as of the last sync' : `orphaned since ${row.orphanedAt.toISOString()}`}`,
  );
  io.out(`Purging deletes ${what}.`);
  if (row.orphanedAt === null) io.out('Its folder is still in the meta repository, so the next sync creates it again, with no ballots.');
  if (!yes) {
    io.err(`Nothing was deleted. To delete it, run: scrutin elections purge ${key} --yes`);
    return 1;
  }
  const deleted = await store.transaction(async (tx) => {
    // Counted again inside the transaction: what the audit entry records is what went.
    const now = new Date();
    const inside = await tx.elections.purgeCounts(row.id);
    await tx.elections.purge(row.id);
    await tx.audit.append({
      at: now,
      electionKey: key,
      actor: operator(io),
      action: 'election.purge',
      detail: `purged ${row.name ?? key}: ${inside.ballots} ballot rows, ${inside.voters} voter records, ${inside.requests} exception requests`,
    });
    return inside;
  });
  io.out(
    `Deleted ${key}: ${plural(deleted.ballots, 'ballot row')}, ${plural(deleted.voters, 'voter record')}, ${plural(deleted.requests, 'exception request')}.`,
  );
  return 0;
}

export const command: Command = {
  name: 'elections',
  summary: 'List the elections in the database (orphans included); purge one explicitly',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: { yes: { type: 'boolean', default: false }, format: { type: 'string', default: 'text' }, community: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    const [sub, ...rest] = positionals;
    if (sub !== 'list' && sub !== 'purge')
      throw new UserError(
        `say what to do: \`scrutin elections list\` or \`scrutin elections purge KEY\`${sub === undefined ? '' : ` (not "${sub}")`}`,
      );
    if (values.format !== 'text' && values.format !== 'json') throw new UserError(`--format must be text or json (not "${values.format}")`);
    if (sub === 'list' && rest.length > 0) throw new UserError('`scrutin elections list` takes no arguments');
    if (sub === 'purge' && rest.length !== 1) throw new UserError('`scrutin elections purge` takes exactly one election key');
    const config = configFor(io);
    const community = values.community;
    if (community !== undefined && !(config.communities ?? []).some((c) => c.key === community))
      throw new UserError(`no community "${community}" in the COMMUNITIES file (see \`scrutin communities list\`)`);
    if (community === undefined && config.communities !== null)
      throw new UserError('COMMUNITIES is set: name the community with --community KEY (see `scrutin communities list`)');
    const root = await openStore(config);
    const store = community === undefined ? root : root.forCommunity(community);
    try {
      if ((await store.pendingMigrations()).length > 0)
        throw new UserError('the database is not migrated yet: run `scrutin migrate` (or start the server) first');
      return sub === 'list' ? await list(store, values.format, io) : await purge(store, rest[0] ?? '', values.yes, io);
    } finally {
      await root.close();
    }
  },
};
