// Migration 8: elections keyed by (community, key), for one Scrutin serving several
// communities (issue #17). Every existing row gets the community '' — "the one
// community of a deployment without a COMMUNITIES file" — so an existing database,
// Scrutin's or Elekto's, is unchanged in meaning; a deployment that adds a
// COMMUNITIES file hands those rows to its default community at startup
// (ElectionRepo.adoptUnassigned). Elekto's UNIQUE(key) gives way to
// UNIQUE(community, key): two projects may well both have an election called
// "2025-steering". The audit trail gains the community too.
//
// Nothing is deleted or renumbered: election ids stay, so every ballot, voter row
// (and its sealed passphrase link) and exception request keeps pointing at its
// election. Elekto can still run on the database (it never writes the new column,
// whose default is '').
import { sql, type Migration } from 'kysely';
import type { DbKind } from '../../config.js';
import { MigrationBlocked } from './0001_elekto_schema.js';
import { createIndex, exec, tableColumns, types, type AnyDb } from './util.js';

const COMMUNITY_COLUMN = "community VARCHAR(64) NOT NULL DEFAULT ''";

/** Names of unique constraints or indexes on `election` over the `key` column alone. */
async function uniqueOnKeyAlone(db: AnyDb, kind: DbKind): Promise<{ name: string; constraint: boolean }[]> {
  if (kind === 'postgresql') {
    const r = await sql<{ name: string; constraint: boolean }>`
      select i.relname as name, (c.oid is not null) as "constraint"
      from pg_index x
      join pg_class t on t.oid = x.indrelid
      join pg_namespace n on n.oid = t.relnamespace and n.nspname = current_schema()
      join pg_class i on i.oid = x.indexrelid
      left join pg_constraint c on c.conindid = x.indexrelid and c.contype = 'u'
      where t.relname = 'election' and x.indisunique and not x.indisprimary and x.indnatts = 1
        and x.indkey[0] = (select a.attnum from pg_attribute a where a.attrelid = t.oid and a.attname = 'key')`.execute(db);
    return r.rows.map((row) => ({ name: row.name, constraint: row.constraint }));
  }
  if (kind === 'mysql') {
    const r = await sql<{ name: string }>`
      select index_name as name from information_schema.statistics
      where table_schema = database() and table_name = 'election' and non_unique = 0 and index_name <> 'PRIMARY'
      group by index_name having count(*) = 1 and max(column_name) = 'key'`.execute(db);
    return r.rows.map((row) => ({ name: row.name, constraint: false }));
  }
  const list = await sql<{
    name: string;
    unique: number;
    origin: string;
  }>`select name, "unique", origin from pragma_index_list('election')`.execute(db);
  const out: { name: string; constraint: boolean }[] = [];
  for (const index of list.rows) {
    if (index.unique !== 1 || index.origin === 'pk') continue;
    const cols = await sql<{ name: string }>`select name from pragma_index_info(${index.name})`.execute(db);
    if (cols.rows.length === 1 && cols.rows[0]?.name === 'key') out.push({ name: index.name, constraint: index.origin === 'u' });
  }
  return out;
}

/**
 * SQLite cannot drop a table constraint: the table is rebuilt without it, column for
 * column as it is (whatever an adopted database holds), with the same ids. The
 * migration runs with foreign keys off (migrate.ts), as SQLite's documented procedure
 * for changing a table requires: dropping `election` with them on would cascade to
 * every ballot. The foreign keys are checked before the transaction commits.
 */
async function rebuildSqliteElection(db: AnyDb): Promise<void> {
  const enforced = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
  if ((enforced.rows[0]?.foreign_keys ?? 0) !== 0) {
    throw new MigrationBlocked('rebuilding the election table needs foreign keys off for the migration; nothing was changed');
  }
  const columns = await sql<{ name: string; type: string; notnull: number; dflt_value: string | null; pk: number }>`
    select name, type, "notnull", dflt_value, pk from pragma_table_info('election') order by cid`.execute(db);
  const q = (id: string) => `"${id.replaceAll('"', '""')}"`;
  const defs = columns.rows.map((c) =>
    [q(c.name), c.type, c.notnull === 1 ? 'NOT NULL' : '', c.dflt_value === null ? '' : `DEFAULT ${c.dflt_value}`]
      .filter((part) => part !== '')
      .join(' '),
  );
  const pk = columns.rows.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
  const names = columns.rows.map((c) => q(c.name)).join(', ');
  // Indexes the table had besides its constraints, made again after the rebuild.
  const indexes = await sql<{ sql: string | null }>`
    select sql from sqlite_master where type = 'index' and tbl_name = 'election' and sql is not null`.execute(db);
  await exec(db, `CREATE TABLE election_v8 (${[...defs, `PRIMARY KEY (${pk.map((c) => q(c.name)).join(', ')})`].join(', ')})`);
  await exec(db, `INSERT INTO election_v8 (${names}) SELECT ${names} FROM election`);
  await exec(db, 'DROP TABLE election');
  await exec(db, 'ALTER TABLE election_v8 RENAME TO election');
  for (const index of indexes.rows) if (index.sql !== null) await exec(db, index.sql);
  const broken = await sql<{ table: string }>`select "table" from pragma_foreign_key_check`.execute(db);
  if (broken.rows.length > 0) throw new Error(`the election table rebuild broke ${broken.rows.length} foreign keys; rolled back`);
}

export function communities(kind: DbKind): Migration {
  return {
    async up(db: AnyDb) {
      const t = types(kind);
      const columns = await tableColumns(db);
      const countElections = async () =>
        Number((await sql<{ n: number | string }>`select count(*) as n from election`.execute(db)).rows[0]?.n ?? 0);
      const before = await countElections();
      if (!(columns.get('election')?.has('community') ?? false)) await exec(db, `ALTER TABLE election ADD COLUMN ${COMMUNITY_COLUMN}`);
      if (!(columns.get('scrutin_audit')?.has('community') ?? false))
        await exec(db, `ALTER TABLE ${t.quote('scrutin_audit')} ADD COLUMN ${COMMUNITY_COLUMN}`);

      const unique = await uniqueOnKeyAlone(db, kind);
      if (kind === 'sqlite') {
        if (unique.some((u) => u.constraint)) await rebuildSqliteElection(db);
        for (const u of await uniqueOnKeyAlone(db, kind)) await exec(db, `DROP INDEX "${u.name}"`);
      } else {
        // The new index first: the key stays unique within a community at every moment.
        await createIndex(db, kind, 'election_community_key', 'election', ['community', 'key'], true);
        for (const u of unique) {
          if (kind === 'postgresql')
            await exec(db, u.constraint ? `ALTER TABLE election DROP CONSTRAINT "${u.name}"` : `DROP INDEX "${u.name}"`);
          else await exec(db, `ALTER TABLE election DROP INDEX \`${u.name}\``);
        }
      }
      await createIndex(db, kind, 'election_community_key', 'election', ['community', 'key'], true);
      await createIndex(db, kind, 'scrutin_audit_community_election', 'scrutin_audit', ['community', 'election_key', 'id']);
      const after = await countElections();
      if (after !== before) throw new MigrationBlocked(`election count changed during the migration (${before} → ${after}); aborted`);
    },
  };
}
