// The few queries that every page asks (the session's user, this voter's ballot, the
// election's row, the voter's exception request) are built and compiled by Kysely once
// per repository, not once per request. Building a query tree and compiling it to SQL
// costs more CPU than SQLite takes to run these primary-key lookups (about 15 µs
// against 10), and a page asks up to six of them.
//
// A prepared query is written as usual, with the values it takes in the places where
// they go; each call binds new values to those places. Only plain values can be
// parameters (no arrays for IN lists, no nulls for IS NULL: those change the SQL text).
import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Where the call's i-th value goes in the compiled parameters. */
class Slot {
  constructor(readonly index: number) {}
}

/** More than any of these queries takes; destructuring takes the ones it names. */
const STAND_INS: readonly Slot[] = Array.from({ length: 8 }, (_, i) => new Slot(i));

/**
 * `build` receives stand-ins for the call's values (typed as the values, so the query
 * type-checks as it would with real ones); the SQL is compiled on first use, and each
 * call runs it on `db` (the repository's connection or transaction).
 */
export function prepared<P extends readonly unknown[], O>(
  build: (params: P) => Compilable<O>,
): (db: Kysely<Database>, params: P) => Promise<O[]> {
  let compiled: CompiledQuery<O> | undefined;
  let slots: Array<number | null> = [];
  return async (db, params) => {
    if (compiled === undefined) {
      compiled = build(STAND_INS as unknown as P).compile();
      slots = compiled.parameters.map((p) => (p instanceof Slot ? p.index : null));
      if (!slots.some((s) => s !== null)) throw new Error('a prepared query must use its parameters');
    }
    const fixed = compiled.parameters;
    const parameters = slots.map((s, i) => (s === null ? fixed[i] : params[s]));
    const result = await db.executeQuery<O>({ ...compiled, parameters });
    return result.rows;
  };
}
