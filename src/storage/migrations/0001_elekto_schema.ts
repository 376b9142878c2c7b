// Migration 1: arrive at Elekto's schema version 2, whatever we start from.
//  - an empty database: create Elekto's tables exactly as Elekto 0.6+ does;
//  - an Elekto 0.5 database (schema 1: no schema_version, integer ballot ids with
//    timestamps, no salt/ballot_id on voter): apply the upgrade Elekto documents for
//    PostgreSQL, and its equivalent on MySQL/MariaDB and SQLite;
//  - an Elekto schema-2 database: nothing to do.
// Ballots are counted before and after; a difference aborts the migration.
import { sql, type Migration } from 'kysely';
import type { DbKind } from '../../config.js';
import { createIndex, exec, tableColumns, types, type AnyDb } from './util.js';

export class MigrationBlocked extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationBlocked';
  }
}

async function createElektoTables(db: AnyDb, kind: DbKind, existing: Set<string>): Promise<void> {
  const t = types(kind);
  const q = t.quote;
  const create = async (name: string, body: string) => {
    if (!existing.has(name)) await exec(db, `CREATE TABLE ${q(name)} (${body})${t.tableSuffix}`);
  };
  await create(
    'user',
    `id ${t.serialPk}, username VARCHAR(255), name VARCHAR(255), token VARCHAR(255), token_expires_at ${t.timestamp}, created_at ${t.timestamp}, updated_at ${t.timestamp}, PRIMARY KEY (id), UNIQUE (username)`,
  );
  await create(
    'election',
    `id ${t.serialPk}, ${q('key')} VARCHAR(255) NOT NULL, name VARCHAR(255), created_at ${t.timestamp}, updated_at ${t.timestamp}, PRIMARY KEY (id), UNIQUE (${q('key')})`,
  );
  await create(
    'voter',
    `id ${t.serialPk}, user_id INTEGER, election_id INTEGER, created_at ${t.timestamp}, updated_at ${t.timestamp}, salt ${t.binary}, ballot_id ${t.binary}, PRIMARY KEY (id), FOREIGN KEY(user_id) REFERENCES ${q('user')} (id) ON DELETE CASCADE, FOREIGN KEY(election_id) REFERENCES election (id) ON DELETE CASCADE`,
  );
  await create(
    'ballot',
    `id CHAR(32) NOT NULL, election_id INTEGER, ${q('rank')} INTEGER, candidate VARCHAR(255) NOT NULL, voter VARCHAR(255) NOT NULL, PRIMARY KEY (id), FOREIGN KEY(election_id) REFERENCES election (id) ON DELETE CASCADE`,
  );
  await create(
    'request',
    `id ${t.serialPk}, user_id INTEGER, election_id INTEGER, name VARCHAR(255), email VARCHAR(255), chat VARCHAR(255), description TEXT, comments TEXT, reviewed ${t.bool}, created_at ${t.timestamp}, updated_at ${t.timestamp}, PRIMARY KEY (id), FOREIGN KEY(user_id) REFERENCES ${q('user')} (id) ON DELETE CASCADE, FOREIGN KEY(election_id) REFERENCES election (id) ON DELETE CASCADE`,
  );
  // SQLAlchemy's names for `index=True`; only on tables created here, so an adopted
  // database that already has its own index under another name does not get a twin.
  if (!existing.has('voter')) await createIndex(db, kind, 'ix_voter_election_id', 'voter', ['election_id']);
  if (!existing.has('ballot')) await createIndex(db, kind, 'ix_ballot_election_id', 'ballot', ['election_id']);
}

async function countBallots(db: AnyDb): Promise<number> {
  const r = await sql<{ n: number | string }>`select count(*) as n from ballot`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

/** Elekto 0.5 → schema 2 (the seed's "Upgrading from 0.5 to 0.6"), on every engine. */
async function upgradeFromSchema1(db: AnyDb, kind: DbKind, columns: Map<string, Set<string>>): Promise<void> {
  const t = types(kind);
  const voter = columns.get('voter') ?? new Set<string>();
  for (const col of ['salt', 'ballot_id']) {
    if (!voter.has(col)) await exec(db, `ALTER TABLE voter ADD COLUMN ${col} ${t.binary}`);
  }
  await createIndex(db, kind, 'voter_election_id', 'voter', ['election_id']);

  const ballot = columns.get('ballot') ?? new Set<string>();
  if (kind === 'postgresql') {
    for (const col of ['created_at', 'updated_at']) {
      if (ballot.has(col)) await exec(db, `ALTER TABLE ballot DROP COLUMN ${col}`);
    }
    const idType = await sql<{
      data_type: string;
    }>`select data_type from information_schema.columns where table_schema = current_schema() and table_name = 'ballot' and column_name = 'id'`.execute(
      db,
    );
    if (idType.rows[0]?.data_type !== 'character') {
      // Drop the serial default before the type change: a nextval() default cannot become CHAR(32).
      await exec(db, 'ALTER TABLE ballot ALTER COLUMN id DROP DEFAULT');
      await exec(db, 'ALTER TABLE ballot DROP CONSTRAINT IF EXISTS ballot_pkey');
      await exec(db, "ALTER TABLE ballot ALTER COLUMN id TYPE CHAR(32) USING to_char(id, 'FM00000000000000000000000000000000')");
      await exec(db, 'ALTER TABLE ballot ADD CONSTRAINT ballot_pkey PRIMARY KEY (id)');
    }
  } else if (kind === 'mysql') {
    for (const col of ['created_at', 'updated_at']) {
      if (ballot.has(col)) await exec(db, `ALTER TABLE ballot DROP COLUMN ${col}`);
    }
    const idType = await sql<{
      DATA_TYPE: string;
    }>`select DATA_TYPE from information_schema.columns where table_schema = database() and table_name = 'ballot' and column_name = 'id'`.execute(
      db,
    );
    if (idType.rows[0]?.DATA_TYPE.toLowerCase() !== 'char') {
      await exec(db, 'ALTER TABLE ballot MODIFY id CHAR(32) NOT NULL');
    }
    // Idempotent: already padded ids are 32 characters long.
    await exec(db, "UPDATE ballot SET id = LPAD(id, 32, '0') WHERE CHAR_LENGTH(id) < 32");
  } else {
    // SQLite cannot alter a column's type: rebuild the table inside the migration's transaction.
    const info = await sql<{ name: string; type: string }>`select name, type from pragma_table_info('ballot')`.execute(db);
    const idCol = info.rows.find((r) => r.name === 'id');
    if (idCol !== undefined && !/char/i.test(idCol.type)) {
      await exec(
        db,
        'CREATE TABLE ballot_v2 (id CHAR(32) NOT NULL, election_id INTEGER, "rank" INTEGER, candidate VARCHAR(255) NOT NULL, voter VARCHAR(255) NOT NULL, PRIMARY KEY (id), FOREIGN KEY(election_id) REFERENCES election (id) ON DELETE CASCADE)',
      );
      await exec(
        db,
        'INSERT INTO ballot_v2 (id, election_id, "rank", candidate, voter) SELECT printf(\'%032d\', id), election_id, "rank", candidate, voter FROM ballot',
      );
      await exec(db, 'DROP TABLE ballot');
      await exec(db, 'ALTER TABLE ballot_v2 RENAME TO ballot');
    }
  }
  await createIndex(db, kind, 'ballot_election_id', 'ballot', ['election_id']);
  // Last, so an interrupted upgrade (MySQL commits DDL as it goes) is simply run again.
  await exec(db, `CREATE TABLE schema_version (version INTEGER NOT NULL, PRIMARY KEY (version))${t.tableSuffix}`);
  await exec(db, 'INSERT INTO schema_version (version) VALUES (2)');
}

export function elektoSchema(kind: DbKind): Migration {
  return {
    async up(db: AnyDb) {
      const columns = await tableColumns(db);
      const names = new Set(columns.keys());
      if (!names.has('election')) {
        await createElektoTables(db, kind, names);
        if (!names.has('schema_version')) {
          await exec(db, `CREATE TABLE schema_version (version INTEGER NOT NULL, PRIMARY KEY (version))${types(kind).tableSuffix}`);
        }
        await exec(db, 'INSERT INTO schema_version (version) SELECT 2 WHERE NOT EXISTS (SELECT 1 FROM schema_version)');
        return;
      }
      const before = await countBallots(db);
      if (!names.has('schema_version')) {
        await upgradeFromSchema1(db, kind, columns);
      } else {
        const r = await sql<{ v: number | string | null }>`select max(version) as v from schema_version`.execute(db);
        const version = r.rows[0]?.v ?? null;
        if (version === null) {
          // Elekto fills an empty schema_version itself; do the same.
          await exec(db, 'INSERT INTO schema_version (version) VALUES (2)');
        } else if (Number(version) !== 2) {
          throw new MigrationBlocked(
            `this database reports Elekto schema version ${version}; Scrutin knows versions 1 and 2 only. Nothing was changed.`,
          );
        }
        // Tables an older or partial install may lack.
        await createElektoTables(db, kind, names);
      }
      const after = await countBallots(db);
      if (after !== before) {
        throw new MigrationBlocked(`ballot count changed during the upgrade (${before} → ${after}); aborted`);
      }
    },
  };
}
