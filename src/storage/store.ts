// The one storage interface every use-case talks to, identical on SQLite,
// PostgreSQL and MySQL/MariaDB. Repositories hold the queries; this class binds
// them to a connection or to a transaction.
import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import type { DbConfig, DbKind } from '../config.js';
import { AttemptRepo } from './attempts.js';
import { AuditRepo } from './audit.js';
import { BallotRepo } from './ballots.js';
import { DbBudget, runWithDbBudget } from './budget.js';
import { openDb, TOOL_LIMITS, type OpenOptions, type PoolInfo } from './db.js';
import { ElectionRepo } from './elections.js';
import { isRetryableConflict } from './errors.js';
import { migrateToLatest, pendingMigrations, type MigrationReport } from './migrate.js';
import { DbMonitor } from './monitor.js';
import { OfficerRepo } from './officer.js';
import { PublicationRepo } from './publications.js';
import { RequestRepo } from './requests.js';
import type { Database } from './schema.js';
import { SettingRepo } from './settings.js';
import { UserRepo } from './users.js';
import { WebhookDeliveryRepo } from './webhooks.js';

export interface TransactionOptions {
  /** Runs in all, counting the first, when the database reports a conflict worth retrying (default 1). */
  attempts?: number;
}

/** The setting row the write probe rewrites. */
export const WRITE_PROBE_SETTING = 'health.write_probe';

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
  readonly publications: PublicationRepo;

  constructor(
    readonly db: Kysely<Database>,
    readonly kind: DbKind,
    readonly pool: PoolInfo = { stats: () => ({ total: 0, idle: 0, waiting: 0 }) },
    private readonly inTransaction = false,
    /** Faults seen on this database (shared with the transactions it opens). */
    readonly monitor: DbMonitor = new DbMonitor(),
    /** Where it was opened from, for the migration's own connection; null when built around a given Kysely. */
    private readonly config: DbConfig | null = null,
    /**
     * The community whose elections, audit entries and webhook deliveries this store
     * reads and writes ('' without a COMMUNITIES file). Users and settings are shared.
     */
    readonly community = '',
  ) {
    this.users = new UserRepo(db, kind);
    this.elections = new ElectionRepo(db, kind, community);
    this.ballots = new BallotRepo(db, kind, community);
    this.requests = new RequestRepo(db, kind, community);
    this.settings = new SettingRepo(db);
    this.audit = new AuditRepo(db, community);
    this.attempts = new AttemptRepo(db, kind);
    this.officer = new OfficerRepo(db, kind);
    this.webhooks = new WebhookDeliveryRepo(db, community);
    this.publications = new PublicationRepo(db);
  }

  /** The same database (connections, transaction, faults) seen as one community. */
  forCommunity(community: string): Store {
    const view = new Store(this.db, this.kind, this.pool, this.inTransaction, this.monitor, this.config, community);
    view.isView = true;
    return view;
  }

  /** A community's view shares the connections: closing it leaves them to the store it came from. */
  private isView = false;

  static open(config: DbConfig, options: OpenOptions = {}): Store {
    const monitor = new DbMonitor();
    const { db, kind, pool } = openDb(config, {
      ...options,
      onError: (error) => {
        monitor.observe(error);
        options.onError?.(error);
      },
      onConnectionLost: (error) => {
        monitor.observe(error);
        options.onConnectionLost?.(error);
      },
    });
    return new Store(db, kind, pool, false, monitor, config);
  }

  /**
   * Runs `fn` in one transaction; nested calls join the outer transaction. With
   * `attempts` above 1, a transaction that fails on a conflict worth running again (a
   * deadlock, a serialization failure, a busy SQLite file: isRetryableConflict) is run
   * again, whole, after a short random pause, up to that many times in all; `fn` must
   * then be safe to run more than once.
   */
  async transaction<T>(fn: (tx: Store) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    if (this.inTransaction) return fn(this);
    const attempts = options.attempts ?? 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db
          .transaction()
          .execute((trx) => fn(new Store(trx, this.kind, this.pool, true, this.monitor, this.config, this.community)));
      } catch (error) {
        if (attempt >= attempts || !isRetryableConflict(error)) throw error;
        // Random, growing pauses, so the transactions that collided do not collide again.
        await sleep(5 + Math.floor(Math.random() * 20 * attempt));
      }
    }
  }

  /**
   * Applies pending migrations. On PostgreSQL and MySQL they run on a connection of
   * their own without the server's statement and lock limits: a migration may rewrite a
   * large table, or wait for another replica's migration to finish.
   */
  async migrate(): Promise<MigrationReport> {
    if (this.config === null || this.config.kind === 'sqlite' || this.inTransaction) return migrateToLatest(this.db, this.kind);
    const admin = openDb(this.config, { poolSize: 1, limits: TOOL_LIMITS });
    try {
      return await migrateToLatest(admin.db, this.kind);
    } finally {
      await admin.db.destroy();
    }
  }

  pendingMigrations(): Promise<string[]> {
    return pendingMigrations(this.db, this.kind);
  }

  /** A cheap round trip; with `withinMs`, one that must answer in that time (readiness). */
  async ping(withinMs?: number): Promise<void> {
    const run = async () => {
      await sql`select 1`.execute(this.db);
    };
    await (withinMs === undefined ? run() : runWithDbBudget(new DbBudget(withinMs), run));
  }

  /**
   * A small real write (SQLite's readiness while its disk was full): it needs a page of
   * free space, so it succeeds exactly when writes would. Clears the disk-full mark.
   */
  async probeWrite(now: Date, withinMs?: number): Promise<void> {
    const run = () => this.settings.set(WRITE_PROBE_SETTING, now.toISOString(), now);
    await (withinMs === undefined ? run() : runWithDbBudget(new DbBudget(withinMs), run));
    this.monitor.writeSucceeded();
  }

  async close(): Promise<void> {
    if (!this.inTransaction && !this.isView) await this.db.destroy();
  }
}
