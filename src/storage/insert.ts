// Inserting a row and learning its generated id: PostgreSQL and SQLite answer with
// RETURNING, MySQL/MariaDB only through the driver's insertId.
import type { InsertQueryBuilder, InsertResult } from 'kysely';
import type { DbKind } from '../config.js';
import type { Database } from './schema.js';

type TableWithId = 'user' | 'election' | 'voter' | 'request' | 'scrutin_audit' | 'scrutin_passphrase_attempt';

export async function insertReturningId<T extends TableWithId>(
  kind: DbKind,
  query: InsertQueryBuilder<Database, T, InsertResult>,
): Promise<number> {
  if (kind === 'mysql') {
    const result = await query.executeTakeFirstOrThrow();
    if (result.insertId === undefined) throw new Error('the database did not report the new row id');
    return Number(result.insertId);
  }
  // Every TableWithId has an integer `id`; Kysely cannot see that through the union.
  const withId = query as unknown as InsertQueryBuilder<Database, 'user', InsertResult>;
  const row = await withId.returning('id').executeTakeFirstOrThrow();
  return row.id;
}
