// Opens a Kysely instance for the configured engine. Driver settings that keep the
// three engines behaving alike (UTC timestamps, busy timeouts, WAL) live here, and so
// does everything that keeps a database fault an answer rather than a crash:
//
// - every pooled connection has an error listener, checked out or idle (pg re-throws a
//   client's 'error' event with no listener as an uncaught exception: a restart or a
//   terminated backend used to kill the process);
// - a connection that broke, or whose statement outlived its limit, is destroyed, not
//   returned to the pool; the next query opens a new one;
// - waiting for a connection and for each statement is limited (DB_ACQUIRE_TIMEOUT,
//   DB_STATEMENT_TIMEOUT, and the request's budget, src/storage/budget.ts); the
//   database enforces the statement and lock limits itself, and Scrutin enforces them
//   again on its side for a server or network that stops answering altogether;
// - a rollback on a connection that is already gone is skipped, so the error that
//   matters (SQLITE_FULL, 57P01…) reaches the logs instead of "cannot rollback".
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  Kysely,
  MysqlDialect,
  PostgresDialect,
  SqliteDialect,
  type LogEvent,
  type MysqlPool,
  type MysqlPoolConnection,
  type PostgresPool,
  type PostgresPoolClient,
  type SqliteDatabase as KyselySqliteDatabase,
  type SqliteStatement,
} from 'kysely';
import mysql from 'mysql2';
import pg from 'pg';
import type { DbConfig } from '../config.js';
import { currentDbBudget } from './budget.js';
import { DatabaseTimeout } from './errors.js';
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

/** Limits on waiting for the database, in milliseconds; 0 means none. */
export interface DbLimits {
  /** Getting a connection from the pool (opening one included). */
  acquireMs: number;
  /** One statement (PostgreSQL statement_timeout, MariaDB max_statement_time, MySQL max_execution_time for reads). */
  statementMs: number;
  /** Waiting for a lock (PostgreSQL lock_timeout, innodb_lock_wait_timeout, SQLite's busy timeout). */
  lockMs: number;
}

/**
 * What tools, migrations and tests get unless they ask: no statement or lock limit of
 * Scrutin's (an operator's `scrutin check` on a large database, or a migration waiting
 * for another replica's, may take long), 10 s to connect.
 */
export const TOOL_LIMITS: Readonly<DbLimits> = Object.freeze({ acquireMs: 10_000, statementMs: 0, lockMs: 0 });

/** SQLite always waits for a lock held by another process; this long unless DB_LOCK_TIMEOUT says otherwise. */
const SQLITE_DEFAULT_BUSY_MS = 15_000;

/**
 * How much longer than DB_STATEMENT_TIMEOUT Scrutin waits before it gives up on a
 * statement itself: the server's own timeout normally answers first, with a clean error
 * on a connection that stays usable.
 */
const CLIENT_GRACE_MS = 2_000;

export interface OpenOptions {
  poolSize?: number;
  limits?: DbLimits;
  /** A pooled connection broke (the server restarted, an administrator ended it, the network). */
  onConnectionLost?: (error: Error) => void;
  /** Every error a statement or a connection attempt ends with (to track disk-full and other faults). */
  onError?: (error: unknown) => void;
}

const noop = (): void => undefined;

/**
 * Runs one wait on the database within `limitMs` and the request's budget. Past the
 * limit it rejects with DatabaseTimeout and calls `onTimeout` (which destroys the
 * connection); a value that arrives afterwards goes to `onLate` (a connection is
 * handed back to the pool) and a late error is dropped.
 */
function limited<T>(
  start: () => Promise<T>,
  limitMs: number,
  waitingFor: 'connection' | 'statement',
  onTimeout: () => void = noop,
  onLate: (value: T) => void = noop,
): Promise<T> {
  const budget = currentDbBudget();
  let limit = limitMs > 0 ? limitMs : Infinity;
  let reason: DatabaseTimeout['waitingFor'] = waitingFor;
  if (budget !== undefined) {
    const left = budget.remaining();
    if (left <= 0) return Promise.reject(new DatabaseTimeout('request budget', budget.limitMs));
    if (left < limit) {
      limit = left;
      reason = 'request budget';
    }
  }
  const began = performance.now();
  const spend = (): void => budget?.spend(performance.now() - began);
  const work = start();
  if (limit === Infinity) return work.finally(spend);
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      spend();
      onTimeout();
      reject(new DatabaseTimeout(reason, reason === 'request budget' && budget !== undefined ? budget.limitMs : limit));
    }, limit);
    work.then(
      (value) => {
        if (settled) {
          onLate(value);
          return;
        }
        settled = true;
        clearTimeout(timer);
        spend();
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        spend();
        reject(asError(error));
      },
    );
  });
}

const ROLLBACK = /^\s*rollback\s*$/i;

/** Drivers reject with Errors; anything else is wrapped so callers always get one. */
function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function clientStatementLimit(limits: DbLimits): number {
  return limits.statementMs > 0 ? limits.statementMs + CLIENT_GRACE_MS : 0;
}

function openSqlite(config: Extract<DbConfig, { kind: 'sqlite' }>, limits: DbLimits): KyselySqliteDatabase {
  if (config.path !== ':memory:') mkdirSync(dirname(config.path), { recursive: true });
  const database = new SqliteDatabase(config.path, { timeout: limits.lockMs > 0 ? limits.lockMs : SQLITE_DEFAULT_BUSY_MS });
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  // SQLite rolls a transaction back by itself on SQLITE_FULL and some I/O errors; the
  // ROLLBACK Kysely then sends would fail with "no transaction is active" and hide the
  // real error, so it is skipped when there is nothing to roll back.
  const nothing: SqliteStatement = {
    reader: false,
    all: () => [],
    run: () => ({ changes: 0, lastInsertRowid: 0 }),
    iterate: () => [][Symbol.iterator](),
  };
  // Prepared statements are kept and reused by their SQL: Kysely asks for a new one on
  // every query, and SQLite's parse and plan were a tenth of a page's CPU. Bounded
  // (least recently used out); SQLite re-prepares one by itself after a schema change.
  // Nothing here streams (iterate), the one use that cannot share a statement.
  const statements = new Map<string, SqliteStatement>();
  const prepared = (sql: string): SqliteStatement => {
    let statement = statements.get(sql);
    if (statement !== undefined) {
      statements.delete(sql);
    } else {
      statement = database.prepare(sql);
      if (statements.size >= STATEMENT_CACHE_SIZE) {
        const oldest = statements.keys().next();
        if (oldest.done !== true) statements.delete(oldest.value);
      }
    }
    statements.set(sql, statement);
    return statement;
  };
  return {
    close: () => {
      statements.clear();
      database.close();
    },
    prepare: (sql) => (ROLLBACK.test(sql) && !database.inTransaction ? nothing : prepared(sql)),
  };
}

/** Distinct SQL texts kept prepared (the application has a few dozen; IN lists of varying length make more). */
const STATEMENT_CACHE_SIZE = 256;

type ServerDb = Exclude<DbConfig, { kind: 'sqlite' }>;

function openPostgres(config: ServerDb, poolSize: number, limits: DbLimits, options: OpenOptions): { pool: PostgresPool; info: PoolInfo } {
  const pool = new pg.Pool({
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.user,
    password: config.password,
    max: poolSize,
    connectionTimeoutMillis: limits.acquireMs,
    keepAlive: true,
    ...(limits.statementMs > 0 ? { statement_timeout: limits.statementMs } : {}),
    ...(limits.lockMs > 0 ? { lock_timeout: limits.lockMs } : {}),
  });
  const broken = new WeakSet<pg.PoolClient>();
  // Every client gets a listener for its whole life, in use or idle (the pool's own
  // listener covers idle clients only). The client is broken from then on: it is
  // destroyed when released, and the pool opens a new one when needed.
  pool.on('connect', (client) => {
    client.on('error', (error) => {
      broken.add(client);
      options.onConnectionLost?.(error);
    });
  });
  // The pool re-emits idle clients' errors; the client's own listener has logged them.
  pool.on('error', noop);

  const statementLimit = clientStatementLimit(limits);
  const guarded = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const guard = (client: pg.PoolClient): PostgresPoolClient => {
    const kill = (): void => {
      broken.add(client);
      // With a query in flight, end() destroys the socket: the server rolls back.
      client.end().catch(noop);
    };
    const wrapped = {
      query: (sqlText: string, parameters: readonly unknown[]) => {
        if (broken.has(client) && ROLLBACK.test(sqlText)) return Promise.resolve({ command: 'ROLLBACK', rowCount: 0, rows: [] });
        return limited(() => client.query(sqlText, [...parameters]), statementLimit, 'statement', kill);
      },
      release: (destroy?: boolean) => {
        client.release(destroy === true || broken.has(client));
      },
    };
    return wrapped as unknown as PostgresPoolClient;
  };
  return {
    pool: {
      connect: async () => {
        const client = await limited(
          () => pool.connect(),
          limits.acquireMs,
          'connection',
          noop,
          (late) => {
            late.release();
          },
        ).catch((error: unknown) => {
          options.onError?.(error);
          throw error;
        });
        let wrapped = guarded.get(client);
        if (wrapped === undefined) {
          wrapped = guard(client);
          guarded.set(client, wrapped);
        }
        return wrapped;
      },
      end: () => pool.end(),
    },
    info: { stats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }) },
  };
}

type RawMysqlConnection = mysql.PoolConnection & { _fatalError?: unknown; _closing?: boolean };

function openMysql(config: ServerDb, poolSize: number, limits: DbLimits, options: OpenOptions): { pool: MysqlPool; info: PoolInfo } {
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
    connectTimeout: limits.acquireMs > 0 ? limits.acquireMs : TOOL_LIMITS.acquireMs,
    enableKeepAlive: true,
  });
  const broken = new WeakSet<mysql.PoolConnection>();
  const isBroken = (conn: RawMysqlConnection): boolean =>
    broken.has(conn) || (conn._fatalError !== undefined && conn._fatalError !== null) || conn._closing === true;
  pool.on('connection', (conn) => {
    // mysql2's own listener is `once`: a second fatal error would be unhandled.
    conn.on('error', (error: Error) => {
      broken.add(conn);
      options.onConnectionLost?.(error);
    });
    // Session limits, queued before the first statement on this connection. MariaDB
    // names the statement limit max_statement_time (seconds); MySQL max_execution_time
    // (milliseconds, reads only).
    if (limits.lockMs > 0) conn.query(`SET SESSION innodb_lock_wait_timeout = ${Math.max(1, Math.ceil(limits.lockMs / 1000))}`, noop);
    if (limits.statementMs > 0) {
      conn.query(`SET SESSION max_statement_time = ${(limits.statementMs / 1000).toFixed(3)}`, (error: unknown) => {
        if (error !== null && error !== undefined) conn.query(`SET SESSION max_execution_time = ${Math.round(limits.statementMs)}`, noop);
      });
    }
  });

  const statementLimit = clientStatementLimit(limits);
  const guard = (conn: RawMysqlConnection): MysqlPoolConnection => {
    const kill = (): void => {
      broken.add(conn);
      conn.destroy();
    };
    const wrapped = {
      query: (sqlText: string, parameters: unknown[], callback?: (error: unknown, result: unknown) => void) => {
        if (callback === undefined) return conn.query(sqlText, parameters);
        if (isBroken(conn) && ROLLBACK.test(sqlText)) {
          process.nextTick(() => {
            callback(null, { affectedRows: 0, insertId: 0 });
          });
          return undefined;
        }
        limited(
          () =>
            new Promise<unknown>((resolve, reject) => {
              conn.query(sqlText, parameters, (error: unknown, result: unknown) => {
                if (error !== null && error !== undefined) reject(asError(error));
                else resolve(result);
              });
            }),
          statementLimit,
          'statement',
          kill,
        ).then(
          (result) => {
            callback(null, result);
          },
          (error: unknown) => {
            callback(error, undefined);
          },
        );
        return undefined;
      },
      release: () => {
        if (isBroken(conn)) conn.destroy();
        else conn.release();
      },
    };
    return wrapped as unknown as MysqlPoolConnection;
  };
  const guarded = new WeakMap<mysql.PoolConnection, MysqlPoolConnection>();
  const internals = pool as unknown as {
    _allConnections?: { length: number };
    _freeConnections?: { length: number };
    _connectionQueue?: { length: number };
  };
  return {
    pool: {
      getConnection: (callback) => {
        limited(
          () =>
            new Promise<mysql.PoolConnection>((resolve, reject) => {
              pool.getConnection((error, conn) => {
                if (error !== null) reject(error);
                else resolve(conn);
              });
            }),
          limits.acquireMs,
          'connection',
          noop,
          (late) => {
            late.release();
          },
        ).then(
          (conn) => {
            let wrapped = guarded.get(conn);
            if (wrapped === undefined) {
              wrapped = guard(conn);
              guarded.set(conn, wrapped);
            }
            callback(null, wrapped);
          },
          (error: unknown) => {
            options.onError?.(error);
            callback(error, undefined as unknown as MysqlPoolConnection);
          },
        );
      },
      end: (callback) => {
        pool.end(callback);
      },
    },
    info: {
      stats: () => ({
        total: internals._allConnections?.length ?? 0,
        idle: internals._freeConnections?.length ?? 0,
        waiting: internals._connectionQueue?.length ?? 0,
      }),
    },
  };
}

export function openDb(config: DbConfig, options: OpenOptions = {}): OpenedDb {
  const poolSize = options.poolSize ?? 10;
  const limits = options.limits ?? TOOL_LIMITS;
  const onError = options.onError;
  const log =
    onError === undefined
      ? undefined
      : (event: LogEvent) => {
          if (event.level === 'error') onError(event.error);
        };
  if (config.kind === 'sqlite') {
    return {
      db: new Kysely<Database>({ dialect: new SqliteDialect({ database: openSqlite(config, limits) }), ...(log ? { log } : {}) }),
      kind: 'sqlite',
      pool: { stats: () => ({ total: 1, idle: 1, waiting: 0 }) },
    };
  }
  if (config.kind === 'postgresql') {
    const { pool, info } = openPostgres(config, poolSize, limits, options);
    return {
      db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...(log ? { log } : {}) }),
      kind: 'postgresql',
      pool: info,
    };
  }
  const { pool, info } = openMysql(config, poolSize, limits, options);
  return { db: new Kysely<Database>({ dialect: new MysqlDialect({ pool }), ...(log ? { log } : {}) }), kind: 'mysql', pool: info };
}
