// `scrutin backup FILE`: a consistent copy of a SQLite database, safe to take while
// `scrutin serve` is writing (SQLite's online backup API, copying every page in one
// step, so the copy is one snapshot). The copy is written beside FILE under a
// temporary name, verified, made self-contained (no -wal file needed) and only then
// renamed to FILE, so a FILE that exists is always a complete backup.
//
// For PostgreSQL and MySQL/MariaDB the right tool is the database's own dump, run
// by the operator with their credentials: the command prints it and exits 2 rather
// than shelling out with a password.
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import type { Config, DbConfig } from '../config.js';
import { configFor, describeDb } from './common.js';
import type { Command, CommandIO } from './types.js';
import { UserError } from './types.js';

/** Quotes a value for a POSIX shell only when it needs it. */
function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

type ServerDb = Extract<DbConfig, { kind: 'postgresql' | 'mysql' }>;

/** The dump command an operator should run for a server database (no password in it). */
export function dumpCommand(db: ServerDb, file: string): string {
  const w = shellWord;
  if (db.kind === 'postgresql') {
    return `pg_dump --host=${w(db.host)} --port=${db.port} --username=${w(db.user)} --format=custom --file=${w(file)} ${w(db.database)}`;
  }
  return `mariadb-dump --host=${w(db.host)} --port=${db.port} --user=${w(db.user)} --single-transaction --default-character-set=utf8mb4 --result-file=${w(file)} ${w(db.database)}`;
}

function explainServerBackup(config: Config, db: ServerDb, file: string, io: CommandIO): never {
  io.out(dumpCommand(db, file));
  const password =
    db.kind === 'postgresql'
      ? 'pg_dump asks for DB_PASSWORD unless PGPASSWORD or ~/.pgpass supplies it'
      : 'give it DB_PASSWORD in ~/.my.cnf ([client] password=...) or add --password to be asked (mysqldump takes the same options)';
  throw new UserError(
    `${describeDb(config)}: \`scrutin backup\` copies SQLite databases only. Run the command above where the database is reachable; ` +
      `${password}. The dump is consistent while Scrutin serves; docs/operations.md explains restoring it.`,
    2,
  );
}

interface Summary {
  pages: number;
  counts: Record<string, number>;
  schemaVersion: number | null;
}

/** Checks the copy, switches it to a self-contained journal mode and counts its rows. */
function verify(path: string): Summary {
  const db = new SqliteDatabase(path, { fileMustExist: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok')
      throw new UserError(
        `the copy failed SQLite's integrity check (${String(integrity)}); the source may be damaged. Nothing was written to the backup name.`,
      );
    // The source runs in WAL mode; a backup must stand alone as one file.
    db.pragma('journal_mode = DELETE');
    const tables = new Set(
      (db.prepare("select name from sqlite_master where type = 'table'").all() as Array<{ name: string }>).map((r) => r.name),
    );
    const counts: Record<string, number> = {};
    for (const table of ['election', 'user', 'voter', 'ballot', 'request']) {
      if (tables.has(table)) counts[table] = (db.prepare(`select count(*) as n from "${table}"`).get() as { n: number }).n;
    }
    const schemaVersion = tables.has('schema_version')
      ? (db.prepare('select max(version) as v from schema_version').get() as { v: number | null }).v
      : null;
    const pages = db.pragma('page_count', { simple: true }) as number;
    return { pages, counts, schemaVersion };
  } finally {
    db.close();
  }
}

async function backupSqlite(source: string, target: string, io: CommandIO): Promise<void> {
  if (source === ':memory:')
    throw new UserError('DB_PATH is :memory:, which lives only inside a running process; there is nothing to back up.');
  if (!existsSync(source)) throw new UserError(`there is no SQLite database at ${source} (check DB_PATH, or DATABASE_URL)`);
  if (resolve(source) === target) throw new UserError('FILE is the database itself; choose another name');
  if (!existsSync(dirname(target)) || !statSync(dirname(target)).isDirectory())
    throw new UserError(`the folder ${dirname(target)} does not exist`);
  const partial = `${target}.partial-${process.pid}`;
  rmSync(partial, { force: true });

  // Read-only: a backup never changes the source. The busy timeout rides out a
  // checkpoint or a migration holding the database for a moment.
  const db = new SqliteDatabase(source, { readonly: true, fileMustExist: true, timeout: 15000 });
  try {
    // The first step only sizes the copy; returning the largest step then copies every
    // page at once, inside one read transaction, so writes during the backup are
    // either wholly in it or wholly not (with WAL they never wait for it).
    await db.backup(partial, { progress: () => 0x7fffffff });
  } catch (error) {
    rmSync(partial, { force: true });
    throw new UserError(`the backup failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    db.close();
  }
  let summary: Summary;
  try {
    summary = verify(partial);
    renameSync(partial, target);
  } finally {
    rmSync(partial, { force: true });
    for (const suffix of ['-journal', '-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
  }
  const c = summary.counts;
  const rows = ['election', 'user', 'voter', 'ballot', 'request']
    .filter((t) => t in c)
    .map((t) => `${t} ${c[t] ?? 0}`)
    .join(', ');
  io.out(
    `Backed up ${source} to ${target}: ${summary.pages} pages, integrity ok${summary.schemaVersion === null ? '' : `, Elekto schema ${summary.schemaVersion}`}.`,
  );
  io.out(`Rows: ${rows === '' ? 'none (the database has no Scrutin tables yet)' : rows}.`);
}

export const command: Command = {
  name: 'backup',
  summary: 'Consistent online backup of a SQLite database (prints the dump command for PostgreSQL/MySQL)',
  usage: [
    'Usage: scrutin backup [--force] FILE',
    '',
    "SQLite: copies the database named by DB_PATH (or DATABASE_URL) to FILE with SQLite's",
    'online backup API. Safe while `scrutin serve` runs: the copy is one consistent',
    'snapshot. The copy is checked (integrity_check) and stands alone (no -wal file).',
    '',
    'PostgreSQL, MySQL/MariaDB: prints the pg_dump or mariadb-dump command for the',
    'configured database and exits 2; run that command yourself.',
    '',
    'Restore: see docs/operations.md ("Backups and restore").',
    '',
    'Options:',
    '  --force   replace FILE if it exists',
  ].join('\n'),
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: { force: { type: 'boolean', default: false } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1 || positionals[0] === undefined || positionals[0] === '') {
      throw new UserError('name one backup file: scrutin backup FILE', 2);
    }
    const target = resolve(io.cwd, positionals[0]);
    const config = configFor(io);
    if (config.db.kind !== 'sqlite') explainServerBackup(config, config.db, target, io);
    if (existsSync(target) && !values.force) throw new UserError(`${target} exists; choose a new name or pass --force to replace it`);
    await backupSqlite(config.db.path, target, io);
    return 0;
  },
};
