// Small helpers that let migrations be re-run safely: on MySQL, DDL commits as it
// goes, so a migration interrupted half-way must be able to start again and skip
// what is already done. Every step checks before it acts.
import { sql, type Kysely } from 'kysely';
import type { DbKind } from '../../config.js';

// Migrations work on tables that may not match the current types yet.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDb = Kysely<any>;

export async function tableColumns(db: AnyDb): Promise<Map<string, Set<string>>> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: false });
  return new Map(tables.map((t) => [t.name, new Set(t.columns.map((c) => c.name))]));
}

export async function exec(db: AnyDb, statement: string): Promise<void> {
  await sql.raw(statement).execute(db);
}

export async function hasIndex(db: AnyDb, kind: DbKind, table: string, index: string): Promise<boolean> {
  if (kind === 'sqlite') {
    const r = await sql<{ n: number | string }>`select count(*) as n from sqlite_master where type = 'index' and name = ${index}`.execute(
      db,
    );
    return Number(r.rows[0]?.n ?? 0) > 0;
  }
  if (kind === 'postgresql') {
    const r = await sql<{
      n: number | string;
    }>`select count(*) as n from pg_indexes where schemaname = current_schema() and indexname = ${index}`.execute(db);
    return Number(r.rows[0]?.n ?? 0) > 0;
  }
  const r = await sql<{
    n: number | string;
  }>`select count(*) as n from information_schema.statistics where table_schema = database() and table_name = ${table} and index_name = ${index}`.execute(
    db,
  );
  return Number(r.rows[0]?.n ?? 0) > 0;
}

export async function createIndex(db: AnyDb, kind: DbKind, name: string, table: string, columns: string[], unique = false): Promise<void> {
  if (await hasIndex(db, kind, table, name)) return;
  const q = (id: string) => (kind === 'mysql' ? `\`${id}\`` : `"${id}"`);
  await exec(db, `CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${q(name)} ON ${q(table)} (${columns.map(q).join(', ')})`);
}

/** Column types that differ between engines. */
export function types(kind: DbKind) {
  return {
    serialPk: kind === 'postgresql' ? 'SERIAL NOT NULL' : kind === 'mysql' ? 'INTEGER NOT NULL AUTO_INCREMENT' : 'INTEGER NOT NULL',
    timestamp: kind === 'postgresql' ? 'TIMESTAMP WITHOUT TIME ZONE' : 'DATETIME',
    binary: kind === 'postgresql' ? 'BYTEA' : 'BLOB',
    bool: kind === 'mysql' ? 'BOOL' : 'BOOLEAN',
    bigint: kind === 'sqlite' ? 'INTEGER' : 'BIGINT',
    quote: (id: string) => (kind === 'mysql' ? `\`${id}\`` : `"${id}"`),
    /** MySQL needs an explicit engine/charset to behave like the others. */
    tableSuffix: kind === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin' : '',
  };
}
