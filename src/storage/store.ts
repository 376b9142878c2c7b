// The one storage interface every use-case talks to, identical on SQLite,
// PostgreSQL and MySQL/MariaDB. Repositories hold the queries; this class binds
// them to a connection or to a transaction.
import { sql, type Kysely } from 'kysely';
import type { DbConfig, DbKind } from '../config.js';
import { AttemptRepo } from './attempts.js';
import { AuditRepo } from './audit.js';
import { BallotRepo } from './ballots.js';
import { openDb, type OpenOptions, type PoolInfo } from './db.js';
import { ElectionRepo } from './elections.js';
import { migrateToLatest, pendingMigrations, type MigrationReport } from './migrate.js';
import { OfficerRepo } from './officer.js';
import { RequestRepo } from './requests.js';
import type { Database } from './schema.js';
import { SettingRepo } from './settings.js';
import { UserRepo } from './users.js';
import { WebhookDeliveryRepo } from './webhooks.js';

export class Store {
  readonly users: UserRepo;
  readonly elections: ElectionRepo;
  readonly ballots: BallotRepo;
  readonly requests: RequestRepo;
  readonly settings: SettingRepo;
  readonly audit: AuditRepo;
  readonly attempts: AttemptRepo;
  readonly officer: OfficerRepo;
  readonly webhooks: WebhookDeliveryRepo;

  constructor(
    readonly db: Kysely<Database>,
    readonly kind: DbKind,
    readonly pool: PoolInfo = { stats: () => ({ total: 0, idle: 0, waiting: 0 }) },
    private readonly inTransaction = false,
  ) {
    this.users = new UserRepo(db, kind);
    this.elections = new ElectionRepo(db, kind);
    this.ballots = new BallotRepo(db, kind);
    this.requests = new RequestRepo(db, kind);
    this.settings = new SettingRepo(db);
    this.audit = new AuditRepo(db);
    this.attempts = new AttemptRepo(db, kind);
    this.officer = new OfficerRepo(db, kind);
    this.webhooks = new WebhookDeliveryRepo(db);
  }

  static open(config: DbConfig, options: OpenOptions = {}): Store {
    const { db, kind, pool } = openDb(config, options);
    return new Store(db, kind, pool);
  }

  /** Runs `fn` in one transaction; nested calls join the outer transaction. */
  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    return this.db.transaction().execute((trx) => fn(new Store(trx, this.kind, this.pool, true)));
  }

  migrate(): Promise<MigrationReport> {
    return migrateToLatest(this.db, this.kind);
  }

  pendingMigrations(): Promise<string[]> {
    return pendingMigrations(this.db, this.kind);
  }

  /** A cheap round trip, for /health. */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    if (!this.inTransaction) await this.db.destroy();
  }
}
