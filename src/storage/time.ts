// Timestamps cross three drivers that disagree about them (SQLite has no type, pg
// reads TIMESTAMP as local time unless told otherwise, MySQL DATETIME has no zone).
// Scrutin writes every timestamp as UTC text to the second and reads any of the
// drivers' answers back as a UTC Date. The conversion lives here and nowhere else.

/** `2024-09-27 11:59:59`: accepted by SQLite, PostgreSQL and MySQL alike. */
export function toDbTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** Reads a driver value (Date, SQLAlchemy text with microseconds, ISO text) as UTC. */
export function fromDbTime(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const text = value.trim().replace(' ', 'T');
  const zoned = /[zZ]$|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`;
  const date = new Date(zoned);
  return Number.isNaN(date.getTime()) ? null : date;
}
