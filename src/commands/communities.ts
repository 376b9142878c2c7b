// `scrutin communities list`: each community of the COMMUNITIES file as the database
// and this host see it: the revision its replicas follow, when it last synced (the
// audit trail), its elections, and the problems of the clone on this host.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { metaRevisionSetting } from '../app/syncMeta.js';
import { loadSnapshot } from '../metarepo/load.js';
import { configFor, openStore } from './common.js';
import type { Command } from './types.js';
import { UserError } from './types.js';

const USAGE = [
  'Usage: scrutin communities list [--format text|json]',
  '',
  'For each community of the COMMUNITIES file: the meta revision its replicas follow,',
  'when it last synced (from the audit trail), how many elections the database holds',
  'for it (present and orphaned), and the errors and warnings of its clone on this',
  'host (META_PATH/<key>), or that there is none yet.',
].join('\n');

interface Row {
  key: string;
  name: string;
  isDefault: boolean;
  hosts: string[];
  revision: string | null;
  lastSync: string | null;
  elections: number;
  orphaned: number;
  problems: { errors: number; warnings: number; broken: number } | null;
}

export const command: Command = {
  name: 'communities',
  summary: 'List the communities of the COMMUNITIES file: revision, last sync, problems',
  usage: USAGE,
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({ args, allowPositionals: true, strict: true, options: { format: { type: 'string' } } });
    } catch (error) {
      throw new UserError(`${error instanceof Error ? error.message : String(error)} (see scrutin communities --help)`, 2);
    }
    const [sub, ...rest] = parsed.positionals;
    if (sub !== 'list' || rest.length > 0) throw new UserError('expected `scrutin communities list` (see --help)', 2);
    const format = parsed.values.format ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UserError(`--format must be text or json (got "${format}")`, 2);
    const config = configFor(io);
    if (config.communities === null)
      throw new UserError('COMMUNITIES is not set: this deployment serves one community (see `scrutin elections list`)');
    const store = await openStore(config);
    const rows: Row[] = [];
    try {
      for (const c of config.communities) {
        const view = store.forCommunity(c.key);
        const elections = await view.elections.list();
        const syncs = (await view.audit.list({ electionKey: null, limit: 20 })).filter((a) => a.action === 'meta.sync');
        let problems: Row['problems'] = null;
        if (existsSync(join(c.meta.path, c.meta.electionDir))) {
          const snapshot = await loadSnapshot({ root: c.meta.path, electionDir: c.meta.electionDir, inProcess: true });
          const all = [...snapshot.problems, ...[...snapshot.entries.values()].flatMap((e) => e.problems)];
          const errors = all.filter((p) => p.severity === 'error').length;
          problems = {
            errors,
            warnings: all.length - errors,
            broken: [...snapshot.entries.values()].filter((e) => !e.ok).length,
          };
        }
        rows.push({
          key: c.key,
          name: c.name,
          isDefault: c.isDefault,
          hosts: c.hosts,
          revision: await store.settings.get(metaRevisionSetting(c.key)),
          lastSync: syncs[0]?.at.toISOString() ?? null,
          elections: elections.filter((e) => e.orphanedAt === null).length,
          orphaned: elections.filter((e) => e.orphanedAt !== null).length,
          problems,
        });
      }
    } finally {
      await store.close();
    }
    if (format === 'json') {
      io.out(JSON.stringify({ communities: rows }, null, 2));
      return 0;
    }
    const width = Math.max(3, ...rows.map((r) => r.key.length));
    io.out(`${'KEY'.padEnd(width)}  REVISION      LAST SYNC             ELECTIONS  PROBLEMS`);
    for (const r of rows) {
      const problems =
        r.problems === null
          ? 'no clone on this host'
          : r.problems.errors + r.problems.warnings === 0
            ? 'none'
            : `${r.problems.errors} errors, ${r.problems.warnings} warnings${r.problems.broken > 0 ? `, ${r.problems.broken} elections unavailable` : ''}`;
      io.out(
        `${r.key.padEnd(width)}  ${(r.revision ?? 'none').slice(0, 12).padEnd(12)}  ${(r.lastSync ?? 'never').padEnd(20)}  ${`${r.elections}${r.orphaned > 0 ? ` (+${r.orphaned} orphaned)` : ''}`.padEnd(9)}  ${problems}${r.isDefault ? '  [default]' : ''}${r.hosts.length > 0 ? `  ${r.hosts.join(', ')}` : ''}`,
      );
    }
    return 0;
  },
};
