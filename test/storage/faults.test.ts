// Which driver errors are faults of the database itself (answered 503 "temporarily
// unavailable") and which are not (a bug, a constraint: 500 or their own answer), with
// the shapes pg, mysql2 and better-sqlite3 really give them; and the statement limit
// enforced by each server the way Scrutin configures it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { DatabaseTimeout, dbErrorCode, dbFault, type DbFault } from '../../src/storage/errors.js';
import { Store } from '../../src/storage/store.js';
import { dialects, freshDatabase } from '../helpers/db.js';

const err = (fields: Record<string, unknown>, message = 'boom') => Object.assign(new Error(message), fields);

test('driver errors are sorted into faults of the database, and everything else', () => {
  const cases: [unknown, DbFault | null][] = [
    // better-sqlite3
    [err({ code: 'SQLITE_FULL' }), 'disk-full'],
    [err({ code: 'SQLITE_BUSY' }), 'busy'],
    [err({ code: 'SQLITE_BUSY_SNAPSHOT' }), 'busy'],
    [err({ code: 'SQLITE_READONLY_DBMOVED' }), 'read-only'],
    [err({ code: 'SQLITE_IOERR_WRITE' }), 'unreachable'],
    [err({ code: 'SQLITE_CONSTRAINT_UNIQUE' }), null],
    [err({ code: 'SQLITE_ERROR' }, 'no such table: voter'), null],
    // pg
    [err({ code: '57P01' }, 'terminating connection due to administrator command'), 'unreachable'],
    [err({ code: '08006' }), 'unreachable'],
    [err({ code: '53300' }, 'too many connections'), 'unreachable'],
    [err({ code: '57014' }, 'canceling statement due to statement timeout'), 'timeout'],
    [err({ code: '55P03' }, 'canceling statement due to lock timeout'), 'timeout'],
    [err({ code: '53100' }, 'could not extend file'), 'disk-full'],
    [err({ code: '25006' }), 'read-only'],
    [err({ code: '23505' }), null],
    [err({ code: '42P01' }, 'relation does not exist'), null],
    [err({}, 'Connection terminated unexpectedly'), 'unreachable'],
    [err({}, 'Client has encountered a connection error and is not queryable'), 'unreachable'],
    [err({}, 'timeout exceeded when trying to connect'), 'unreachable'],
    // mysql2
    [err({ code: 'PROTOCOL_CONNECTION_LOST', fatal: true }), 'unreachable'],
    [err({ code: 'ER_CONNECTION_KILLED', errno: 1927 }), 'unreachable'],
    [err({ code: 'ER_LOCK_WAIT_TIMEOUT', errno: 1205 }), 'timeout'],
    [err({ code: 'ER_STATEMENT_TIMEOUT', errno: 1969 }), 'timeout'],
    [err({ code: 'ER_RECORD_FILE_FULL', errno: 1114 }), 'disk-full'],
    [err({ code: 'ER_DUP_ENTRY', errno: 1062 }), null],
    [err({}, "Can't add new command when connection is in closed state"), 'unreachable'],
    // the network, and Scrutin's own limits
    [err({ code: 'ECONNREFUSED' }), 'unreachable'],
    [err({ code: 'EPIPE' }), 'unreachable'],
    [new DatabaseTimeout('statement', 10_000), 'timeout'],
    // not database errors at all
    [new TypeError('x is undefined'), null],
    ['a string', null],
    [null, null],
  ];
  for (const [error, fault] of cases)
    assert.equal(
      dbFault(error),
      fault,
      error instanceof Error ? `${String((error as { code?: unknown }).code)} ${error.message}` : String(error),
    );
  assert.equal(dbErrorCode(err({ code: 'SQLITE_FULL' })), 'SQLITE_FULL');
  assert.equal(dbErrorCode(err({ errno: 1205 })), '1205');
  assert.equal(dbErrorCode(new TypeError('x')), null);
});

for (const kind of dialects().filter((k) => k !== 'sqlite')) {
  test(`on ${kind}: DB_STATEMENT_TIMEOUT is enforced by the server, and the connection stays usable`, async () => {
    const database = await freshDatabase(kind);
    const store = Store.open(database.config, { limits: { acquireMs: 5_000, statementMs: 300, lockMs: 1_000 }, poolSize: 1 });
    try {
      const slow = kind === 'postgresql' ? sql`select pg_sleep(3)` : sql`select sleep(3)`;
      const error = await slow.execute(store.db).then(
        () => null,
        (e: unknown) => e,
      );
      const version = kind === 'postgresql' ? '' : String((await sql<{ v: string }>`select version() as v`.execute(store.db)).rows[0]?.v);
      if (kind === 'postgresql' || version.includes('MariaDB')) {
        assert.equal(dbFault(error), 'timeout', String(error));
      } else {
        // MySQL's max_execution_time interrupts SLEEP, which then returns 1 instead of failing.
        assert.ok(error === null || dbFault(error) === 'timeout', String(error));
      }
      await store.ping();
      assert.deepEqual(store.monitor.faultCounts().get('unreachable'), 0, 'no connection was lost');
    } finally {
      await store.close();
      await database.drop();
    }
  });
}
