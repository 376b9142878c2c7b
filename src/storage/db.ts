// Opens a Kysely instance for the configured engine. Driver settings that keep the
// three engines behaving alike (UTC timestamps, busy timeouts, WAL) live here.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect } from 'kysely';
import mysql from 'mysql2';
import pg from 'pg';
import type { DbConfig } from '../config.js';
import type { Database } from './schema.js';

// TIMESTAMP WITHOUT TIME ZONE (oid 1114) holds UTC in Scrutin and Elekto databases.
pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, (text: string) => new Date(`${text.replace(' ', 'T')}Z`));

export interface PoolInfo {
  /** Connections open / in use / clients waiting, when the driver exposes them. */
  stats: () => { total: number; idle: number; waiting: number };
}

export interface OpenedDb {
  db: Kysely<Database>;
  kind: DbConfig['kind'];
  pool: PoolInfo;
}

export interface OpenOptions {
  poolSize?: number;
  /** Errors of idle pooled connections (a database restart, a dropped connection). */
  onIdleError?: (error: Error) => void;
}

export function openDb(config: DbConfig, options: OpenOptions = {}): OpenedDb {
  const poolSize = options.poolSize ?? 10;
  if (config.kind === 'sqlite') {
    if (config.path !== ':memory:') mkdirSync(dirname(config.path), { recursive: true });
    const database = new SqliteDatabase(config.path, { timeout: 15000 });
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    return {
      db: new Kysely<Database>({ dialect: new SqliteDialect({ database }) }),
      kind: 'sqlite',
      pool: { stats: () => ({ total: 1, idle: 1, waiting: 0 }) },
    };
  }
  if (config.kind === 'postgresql') {
    const pool = new pg.Pool({
      host: config.host,
      port: config.port,
      database: config.database,
      user: config.user,
      password: config.password,
      max: poolSize,
      connectionTimeoutMillis: 10000,
    });
    // Without a listener, pg re-throws an idle client's error (the server restarting,
    // an administrator ending connections) as an uncaught exception and the process
    // dies. The client is discarded by the pool; the next query opens a new one.
    pool.on('error', (error) => { options.onIdleError?.(error); });
    return {
      db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
      kind: 'postgresql',
      pool: { stats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }) },
    };
  }
  const pool = mysql.createPool({
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.user,
    password: config.password,
    connectionLimit: poolSize,
    timezone: 'Z',
    dateStrings: false,
    supportBigNumbers: true,
    connectTimeout: 10000,
  });
  const internals = pool as unknown as { _allConnections?: { length: number }; _freeConnections?: { length: number }; _connectionQueue?: { length: number } };
  return {
    db: new Kysely<Database>({ dialect: new MysqlDialect({ pool }) }),
    kind: 'mysql',
    pool: {
      stats: () => ({
        total: internals._allConnections?.length ?? 0,
        idle: internals._freeConnections?.length ?? 0,
        waiting: internals._connectionQueue?.length ?? 0,
      }),
    },
  };
}
