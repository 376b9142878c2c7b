// Runs the migrations. Safe on every start and from several replicas at once:
// PostgreSQL takes an advisory lock and runs everything in one transaction,
// MySQL/MariaDB takes GET_LOCK (its DDL is not transactional, so each migration
// checks before it acts), and SQLite runs inside BEGIN IMMEDIATE, which makes a
// second process wait for the first to finish.
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import type { DbKind } from '../config.js';
import { elektoSchema, MigrationBlocked } from './migrations/0001_elekto_schema.js';
import { scrutinAdditions } from './migrations/0002_scrutin_additions.js';
import { ballotElectionVoterIndex } from './migrations/0003_ballot_election_voter_index.js';
import { voterLoginAndSessions } from './migrations/0004_voter_login_sessions.js';
import { webhookDeliveries } from './migrations/0005_webhook_deliveries.js';
import { receiptsAndPublication } from './migrations/0006_receipts_publication.js';
import { communities } from './migrations/0008_communities.js';
import type { Database } from './schema.js';

export { MigrationBlocked };

function provider(kind: DbKind): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '0001_elekto_schema': elektoSchema(kind),
    '0002_scrutin_additions': scrutinAdditions(kind),
    '0003_ballot_election_voter_index': ballotElectionVoterIndex(kind),
    '0004_voter_login_sessions': voterLoginAndSessions(kind),
    '0005_webhook_deliveries': webhookDeliveries(kind),
    '0006_receipts_publication': receiptsAndPublication(kind),
    '0008_communities': communities(kind),
  };
  return { getMigrations: () => Promise.resolve(migrations) };
}

export interface MigrationReport {
  applied: string[];
}

function check(result: MigrationResultSet): MigrationReport {
  if (result.error !== undefined) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName;
    const error = result.error;
    if (error instanceof MigrationBlocked) throw error;
    const message = error instanceof Error ? error.message : JSON.stringify(error);
    throw new Error(`migration ${failed ?? '(setup)'} failed: ${message}`, { cause: error });
  }
  return { applied: (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

function migratorFor(db: Kysely<Database>, kind: DbKind): Migrator {
  return new Migrator({
    db,
    provider: provider(kind),
    migrationTableName: 'scrutin_migration',
    migrationLockTableName: 'scrutin_migration_lock',
    // Branches number their migrations ahead of one another (0008 landed while 0006 and
    // 0007 were reserved): a database that ran 0008 must still accept 0006 later. Each
    // migration checks before it acts and depends on none of the numbers in between.
    allowUnorderedMigrations: true,
  });
}

export async function migrateToLatest(db: Kysely<Database>, kind: DbKind): Promise<MigrationReport> {
  if (kind !== 'sqlite') return check(await migratorFor(db, kind).migrateToLatest());
  return db.connection().execute(async (conn) => {
    // SQLite's procedure for rebuilding a table (0008) needs foreign keys off, and the
    // pragma is ignored inside a transaction: off before, on again after, either way.
    // Migrations that rebuild a table check the foreign keys themselves before COMMIT.
    await sql`PRAGMA foreign_keys = OFF`.execute(conn);
    try {
      await sql`BEGIN IMMEDIATE`.execute(conn);
      try {
        const report = check(await migratorFor(conn, kind).migrateToLatest());
        await sql`COMMIT`.execute(conn);
        return report;
      } catch (error) {
        await sql`ROLLBACK`.execute(conn);
        throw error;
      }
    } finally {
      await sql`PRAGMA foreign_keys = ON`.execute(conn);
    }
  });
}

/** Names of migrations not yet applied (for /health and `scrutin migrate --check`). */
export async function pendingMigrations(db: Kysely<Database>, kind: DbKind): Promise<string[]> {
  const all = await migratorFor(db, kind).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
