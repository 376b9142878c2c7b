// `scrutin sync`: what `serve` does at start, once, from the command line: migrate the
// database, clone or update the meta repository, read it, bring the `election` table
// in line (nothing is ever deleted), erase the links of completed `delete_after`
// elections, and print what changed and every problem found.
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { catalogueFor } from '../app/metaService.js';
import { syncMeta } from '../app/syncMeta.js';
import type { Problem } from '../core/meta/types.js';
import type { CatalogueLogger } from '../metarepo/catalogue.js';
import { redact } from '../metarepo/git.js';
import { MigrationBlocked } from '../storage/migrate.js';
import type { Config } from '../config.js';
import type { Store } from '../storage/store.js';
import { configFor, describeDb, openStore } from './common.js';
import type { Command, CommandIO } from './types.js';
import { UserError } from './types.js';

/** Git's notes and the catalogue's warnings go to stderr; routine progress stays quiet. */
function cliLog(io: CommandIO): CatalogueLogger & { error: (obj: object, msg: string) => void } {
  const line = (obj: object, msg: string): void => {
    const detail = Object.entries(obj)
      .filter(([k]) => k === 'note' || k === 'error' || k === 'election')
      .map(([, v]) => String(v));
    io.err(`scrutin sync: ${msg}${detail.length > 0 ? `: ${detail.join('; ')}` : ''}`);
  };
  return { info: () => undefined, warn: line, error: line };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export const command: Command = {
  name: 'sync',
  summary: 'Clone or update the meta repository and bring the election table in line',
  usage: [
    'Usage: scrutin sync [--community KEY]',
    '',
    'Does once what `scrutin serve` does at start: migrates the database, clones',
    'META_REPO into META_PATH (or fetches and resets it to origin/META_BRANCH), reads',
    'the elections under ELECTION_DIR, and brings the `election` table in line: new',
    'elections are added, renamed ones get their new name, elections whose folder',
    'disappeared are marked orphaned (their ballots are kept; see `scrutin elections`),',
    'and orphans whose folder came back are restored. Nothing is ever deleted.',
    'Completed elections with `delete_after: true` have their voter-ballot links erased.',
    '',
    'With META_REPO unset, a META_PATH folder holding ELECTION_DIR is read as it is.',
    '',
    'Prints what changed, the revision, and every problem as path:line: message.',
    'Exits 1 when the repository could not be updated (nothing is changed then).',
    '',
    'With COMMUNITIES, every community is synced in turn (one failing does not stop the',
    'others), or only the one named by --community KEY.',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseArgs({ args, options: { community: { type: 'string' } }, strict: true });
    const config = configFor(io);
    if (config.communities === null) {
      if (values.community !== undefined) throw new UserError('--community needs COMMUNITIES to be set', 2);
      return syncOne(config, io, (store) => store);
    }
    const chosen = config.communities.filter((c) => values.community === undefined || c.key === values.community);
    if (chosen.length === 0) throw new UserError(`no community "${values.community ?? ''}" in the COMMUNITIES file`, 2);
    let code = 0;
    for (const c of chosen) {
      io.out(`${code === 0 && c === chosen[0] ? '' : '\n'}Community ${c.key} (${c.name})`);
      code = Math.max(code, await syncOne({ ...config, meta: c.meta }, io, (store) => store.forCommunity(c.key)));
    }
    return code;
  },
};

/** One meta repository into the election table: the single community's, or one community's. */
async function syncOne(config: Config, io: CommandIO, scope: (store: Store) => Store): Promise<number> {
  {
    const log = cliLog(io);
    const clock = (): Date => new Date();
    const configured = catalogueFor(config, clock, log);
    if (configured === null) {
      throw new UserError(
        `there is no meta repository to sync: set META_REPO, or point META_PATH at a folder holding ${config.meta.electionDir === '' ? 'the elections' : `"${config.meta.electionDir}"`} (META_PATH is ${config.meta.path})`,
      );
    }
    const root = await openStore(config);
    const store = scope(root);
    try {
      try {
        const report = await store.migrate();
        if (report.applied.length > 0) io.out(`Migrated the ${describeDb(config)}: ${report.applied.join(', ')}`);
      } catch (error) {
        if (error instanceof MigrationBlocked) throw new UserError(error.message);
        throw error;
      }
      const meta = config.meta;
      io.out(
        configured.mode === 'git'
          ? `Meta repository ${redact(meta.repo ?? '', meta.token)} (branch ${meta.branch}) in ${meta.path}`
          : `Meta folder ${meta.path} (META_REPO is unset: read as it is)`,
      );

      const outcome = await configured.catalogue.requestSync({ reason: 'scrutin sync', force: true });
      if (outcome.status === 'failed') {
        io.err(`scrutin sync: the meta repository could not be updated, so nothing was changed: ${outcome.error}`);
        return 1;
      }
      const snapshot = configured.catalogue.current();
      const result = await syncMeta({ store, log, now: clock() }, snapshot);

      const entries = [...snapshot.entries.values()];
      const broken = entries.filter((e) => !e.ok).length;
      const problems: Problem[] = [...snapshot.problems, ...entries.flatMap((e) => e.problems)];
      const warnings = problems.filter((p) => p.severity === 'warning').length;
      const was =
        result.previousRevision === null
          ? 'none recorded before'
          : result.previousRevision === result.revision
            ? 'unchanged'
            : `was ${result.previousRevision}`;
      io.out(`Revision ${result.revision ?? '(not a git checkout)'} (${was})`);
      const notes = [
        ...(broken > 0 ? [`${broken} with errors: unavailable to voters until fixed`] : []),
        // Warnings are what Elekto tolerated: served as Elekto served it, listed below for the officers.
        ...(warnings > 0 ? [`${plural(warnings, 'warning')}, listed below`] : []),
      ];
      io.out(`${plural(entries.length, 'election')} in the repository${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`);
      const { added, renamed, orphaned, restored } = result.change;
      io.out(`Election table: ${added.length} added, ${renamed.length} renamed, ${orphaned.length} orphaned, ${restored.length} restored`);
      const nameOf = (key: string): string => {
        const entry = snapshot.entries.get(key);
        const name = entry === undefined ? null : entry.ok ? entry.election.name : entry.name;
        return name === null ? '' : `  ${name}`;
      };
      for (const key of added) io.out(`  added     ${key}${nameOf(key)}`);
      for (const key of renamed) io.out(`  renamed   ${key}${nameOf(key)}`);
      for (const key of orphaned) io.out(`  orphaned  ${key}  (its folder is gone; its ballots are kept: see \`scrutin elections list\`)`);
      for (const key of restored) io.out(`  restored  ${key}${nameOf(key)}`);
      for (const key of result.erased) io.out(`Erased the voter-ballot links of ${key} (delete_after, completed)`);
      for (const key of result.eraseFailed)
        io.err(`scrutin sync: erasing the voter-ballot links of ${key} failed; the next sync tries again`);

      if (problems.length > 0) {
        io.out('');
        const shown = (file: string): string => relative(io.cwd, resolve(meta.path, file)) || '.';
        for (const p of problems)
          io.out(`${shown(p.file)}${p.line === undefined ? '' : `:${p.line}`}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`);
      }
      return result.eraseFailed.length > 0 ? 1 : 0;
    } finally {
      await root.close();
    }
  }
}
