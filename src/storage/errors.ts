// Recognising constraint violations across drivers, so use-cases can turn a
// losing race ("you have already voted") into a clear answer.

interface DriverError {
  code?: unknown;
  errno?: unknown;
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
