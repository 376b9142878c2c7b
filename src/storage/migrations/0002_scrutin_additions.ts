// Migration 2: what Scrutin adds on top of Elekto's schema 2. Only new nullable
// columns, new indexes and new tables, so Elekto can still run on the database
// (the rollback path in docs/upgrading-from-elekto.md).
//
// The two unique constraints turn "one ballot per voter" and "one exception request
// per voter" from checks into guarantees. An adopted database may already break
// them (Elekto had neither); then the migration stops, names the rows, and changes
// nothing, because only the officers can decide which duplicate is the real one.
import { sql, type Migration } from 'kysely';
import type { DbKind } from '../../config.js';
import { MigrationBlocked } from './0001_elekto_schema.js';
import { createIndex, exec, tableColumns, types, type AnyDb } from './util.js';

interface DuplicateRow {
  election_key: string | null;
  username: string | null;
  election_id: number | null;
  user_id: number | null;
  n: number | string;
}

async function findDuplicates(db: AnyDb, table: 'voter' | 'request', kind: DbKind): Promise<string[]> {
  const q = types(kind).quote;
  const rows = await sql<DuplicateRow>`
    select t.election_id, t.user_id, count(*) as n, min(e.${sql.raw(q('key'))}) as election_key, min(u.username) as username
    from ${sql.table(table)} t
    left join election e on e.id = t.election_id
    left join ${sql.table('user')} u on u.id = t.user_id
    group by t.election_id, t.user_id
    having count(*) > 1`.execute(db);
  return rows.rows.map(
    (r) =>
      `${table}: ${Number(r.n)} rows for election ${r.election_key ?? `#${r.election_id}`} and user ${r.username ?? `#${r.user_id}`} (election_id=${r.election_id}, user_id=${r.user_id})`,
  );
}

export function scrutinAdditions(kind: DbKind): Migration {
  return {
    async up(db: AnyDb) {
      const duplicates = [...(await findDuplicates(db, 'voter', kind)), ...(await findDuplicates(db, 'request', kind))];
      if (duplicates.length > 0) {
        throw new MigrationBlocked(
          "this database holds duplicates that Scrutin's one-per-voter constraints forbid. Nothing was changed. " +
            'Decide with the election officers which row to keep, remove the others by hand, and run `scrutin migrate` again:\n' +
            duplicates.map((d) => `  ${d}`).join('\n'),
        );
      }

      const t = types(kind);
      const q = t.quote;
      const columns = await tableColumns(db);
      const addColumn = async (table: string, column: string, type: string) => {
        if (!(columns.get(table)?.has(column) ?? false)) await exec(db, `ALTER TABLE ${q(table)} ADD COLUMN ${column} ${type}`);
      };
      await addColumn('user', 'github_id', t.bigint);
      await addColumn('election', 'orphaned_at', t.timestamp);
      await addColumn('election', 'links_erased_at', t.timestamp);
      await addColumn('voter', 'kdf', 'VARCHAR(128)');
      await addColumn('request', 'decision', 'VARCHAR(16)');
      await addColumn('request', 'decision_note', 'TEXT');
      await addColumn('request', 'decided_by', 'VARCHAR(255)');
      await addColumn('request', 'decided_at', t.timestamp);

      await createIndex(db, kind, 'voter_election_user_unique', 'voter', ['election_id', 'user_id'], true);
      await createIndex(db, kind, 'request_election_user_unique', 'request', ['election_id', 'user_id'], true);
      await createIndex(db, kind, 'user_github_id_unique', 'user', ['github_id'], true);
      await createIndex(db, kind, 'ballot_voter', 'ballot', ['voter']);

      const create = async (name: string, body: string) => {
        if (!columns.has(name)) await exec(db, `CREATE TABLE ${q(name)} (${body})${t.tableSuffix}`);
      };
      await create(
        'scrutin_setting',
        `name VARCHAR(64) NOT NULL, value TEXT NOT NULL, updated_at ${t.timestamp} NOT NULL, PRIMARY KEY (name)`,
      );
      await create(
        'scrutin_audit',
        `id ${t.serialPk}, at ${t.timestamp} NOT NULL, election_key VARCHAR(255), actor VARCHAR(255), action VARCHAR(64) NOT NULL, detail TEXT, PRIMARY KEY (id)`,
      );
      await create(
        'scrutin_passphrase_attempt',
        `id ${t.serialPk}, user_id INTEGER NOT NULL, election_id INTEGER NOT NULL, attempted_at ${t.timestamp} NOT NULL, PRIMARY KEY (id)`,
      );
      await createIndex(db, kind, 'scrutin_audit_election', 'scrutin_audit', ['election_key', 'id']);
      await createIndex(db, kind, 'scrutin_attempt_user_election', 'scrutin_passphrase_attempt', [
        'user_id',
        'election_id',
        'attempted_at',
      ]);
    },
  };
}
