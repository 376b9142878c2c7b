// `scrutin migrate`: creates or upgrades the database schema (including adopting an
// Elekto database in place). Safe to run repeatedly and from several replicas.
import { parseArgs } from 'node:util';
import { MigrationBlocked } from '../storage/migrate.js';
import { configFor, describeDb, openStore } from './common.js';
import type { Command } from './types.js';
import { UserError } from './types.js';

export const command: Command = {
  name: 'migrate',
  summary: 'Create or upgrade the database schema (adopts Elekto databases)',
  usage: [
    'Usage: scrutin migrate [--check]',
    '',
    'Creates the tables on an empty database, upgrades an Elekto database (schema 1 or 2)',
    "in place without losing a row, and applies Scrutin's own migrations. Running it again",
    'does nothing. Several replicas may run it at once.',
    '',
    'Options:',
    '  --check   only report pending migrations; exit 3 if there are any',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseArgs({ args, options: { check: { type: 'boolean', default: false } }, strict: true });
    const config = configFor(io);
    const store = await openStore(config);
    try {
      if (values.check) {
        const pending = await store.pendingMigrations();
        io.out(pending.length === 0 ? `${describeDb(config)} is up to date.` : `pending migrations: ${pending.join(', ')}`);
        return pending.length === 0 ? 0 : 3;
      }
      const report = await store.migrate();
      io.out(
        report.applied.length === 0
          ? `${describeDb(config)} is up to date; nothing to do.`
          : `${describeDb(config)}: applied ${report.applied.join(', ')}.`,
      );
      return 0;
    } catch (error) {
      if (error instanceof MigrationBlocked) throw new UserError(error.message);
      throw error;
    } finally {
      await store.close();
    }
  },
};
