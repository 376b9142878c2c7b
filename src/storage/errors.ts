// Recognising driver errors across SQLite, PostgreSQL and MySQL/MariaDB: constraint
// violations (a losing race becomes "you have already voted"), and faults of the
// database itself (away, too slow, out of disk), which become a "temporarily
// unavailable" answer instead of a crash or a bare 500.

interface DriverError {
  code?: unknown;
  errno?: unknown;
  message?: unknown;
}

export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as DriverError;
  // PostgreSQL: 23505 unique_violation.
  if (e.code === '23505') return true;
  // MySQL/MariaDB: ER_DUP_ENTRY.
  if (e.code === 'ER_DUP_ENTRY' || e.errno === 1062) return true;
  // better-sqlite3.
  return e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * A conflict that is worth running the transaction again for: a deadlock or
 * serialization failure (PostgreSQL), a deadlock or lock wait timeout (InnoDB), or a
 * busy database file (SQLite, after its busy timeout).
 */
export function isRetryableConflict(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as DriverError;
  if (e.code === '40P01' || e.code === '40001') return true;
  if (e.code === 'ER_LOCK_DEADLOCK' || e.code === 'ER_LOCK_WAIT_TIMEOUT' || e.errno === 1213 || e.errno === 1205) return true;
  return typeof e.code === 'string' && e.code.startsWith('SQLITE_BUSY');
}

/**
 * Why the database could not do what was asked, when the database (not the query) is
 * at fault:
 * - `unreachable`: no connection, or the connection broke (restart, failover, a
 *   terminated backend, the network);
 * - `timeout`: a statement, a lock or a free connection took longer than its limit;
 * - `busy`: SQLite's file stayed locked by another writer past the busy timeout;
 * - `disk-full`: the database has no space left to write;
 * - `read-only`: the database refuses writes (a read-only file or replica).
 */
export type DbFault = 'unreachable' | 'timeout' | 'busy' | 'disk-full' | 'read-only';

/** Raised by Scrutin's own limits (src/storage/db.ts) when the database does not answer in time. */
export class DatabaseTimeout extends Error {
  readonly code = 'SCRUTIN_DB_TIMEOUT';
  constructor(
    /** What took too long: getting a connection, one statement, or the request's whole budget. */
    readonly waitingFor: 'connection' | 'statement' | 'request budget',
    readonly limitMs: number,
  ) {
    super(`the database did not answer within ${Math.round(limitMs)} ms (${waitingFor})`);
    this.name = 'DatabaseTimeout';
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
]);

/** mysql2's codes for a connection that is gone or cannot be made. */
const MYSQL_UNREACHABLE = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'ER_CONNECTION_KILLED',
  'ER_QUERY_INTERRUPTED',
  'ER_SERVER_GONE_ERROR',
  'ER_SERVER_LOST',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_NET_READ_ERROR',
  'ER_NET_READ_INTERRUPTED',
  'ER_NET_ERROR_ON_WRITE',
  'ER_NET_WRITE_INTERRUPTED',
]);
/** MySQL/MariaDB errnos for the same, where mysql2 gives no symbolic code. */
const MYSQL_UNREACHABLE_ERRNO = new Set([1040, 1053, 1077, 1078, 1079, 1080, 1152, 1158, 1159, 1160, 1161, 1203, 1317, 1927, 2006, 2013]);

/** Messages of pg and mysql2 errors that carry no code. */
const UNREACHABLE_MESSAGES = [
  /connection terminated/i,
  /not queryable/i,
  /timeout exceeded when trying to connect/i,
  /connection is in closed state/i,
  /cannot enqueue .* after fatal error/i,
  /server closed the connection unexpectedly/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
];

export function dbFault(error: unknown): DbFault | null {
  if (error instanceof DatabaseTimeout) return 'timeout';
  if (typeof error !== 'object' || error === null) return null;
  const e = error as DriverError;
  const code = typeof e.code === 'string' ? e.code : '';
  const errno = typeof e.errno === 'number' ? e.errno : null;
  const message = typeof e.message === 'string' ? e.message : '';

  // better-sqlite3: SQLite's extended result codes.
  if (code.startsWith('SQLITE_')) {
    if (code === 'SQLITE_FULL') return 'disk-full';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
    if (code.startsWith('SQLITE_READONLY')) return 'read-only';
    if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_NOMEM' || code === 'SQLITE_PROTOCOL')
      return 'unreachable';
    return null;
  }
  if (NETWORK_CODES.has(code)) return 'unreachable';
  // PostgreSQL SQLSTATEs (five characters).
  if (/^[0-9A-Z]{5}$/.test(code)) {
    if (code === '57014' || code === '55P03') return 'timeout'; // statement_timeout, lock_timeout
    if (code === '53100') return 'disk-full';
    if (code === '25006') return 'read-only'; // read_only_sql_transaction (a standby)
    if (code.startsWith('08') || code.startsWith('57P') || code === '53300' || code === '25P03' || code === '53200') return 'unreachable';
    return null;
  }
  // MySQL / MariaDB.
  if (
    code === 'ER_LOCK_WAIT_TIMEOUT' ||
    code === 'ER_STATEMENT_TIMEOUT' ||
    code === 'ER_QUERY_TIMEOUT' ||
    errno === 1205 ||
    errno === 1969 ||
    errno === 3024
  )
    return 'timeout';
  if (
    code === 'ER_RECORD_FILE_FULL' ||
    code === 'ER_DISK_FULL' ||
    errno === 1114 ||
    errno === 1021 ||
    /\berrno: 28\b|no space left/i.test(message)
  )
    return 'disk-full';
  if (code === 'ER_OPTION_PREVENTS_STATEMENT' || code === 'ER_READ_ONLY_MODE' || errno === 1290 || errno === 1836) return 'read-only';
  if (MYSQL_UNREACHABLE.has(code) || (errno !== null && MYSQL_UNREACHABLE_ERRNO.has(errno))) return 'unreachable';
  if (UNREACHABLE_MESSAGES.some((m) => m.test(message))) return 'unreachable';
  return null;
}

/** The driver's own code for an error (SQLITE_FULL, 57P01, ER_LOCK_WAIT_TIMEOUT…), for logs. */
export function dbErrorCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const e = error as DriverError;
  if (typeof e.code === 'string' && e.code !== '') return e.code;
  if (typeof e.errno === 'number') return String(e.errno);
  return null;
}
