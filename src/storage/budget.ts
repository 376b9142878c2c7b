// How long one request may wait on the database, in total. The HTTP layer opens a
// budget per request (src/http/resilience.ts); every wait for a connection or a
// statement in src/storage/db.ts draws on it, and once it is spent the next wait
// fails at once with DatabaseTimeout. So a request never waits on a slow or hung
// database for longer than DB_REQUEST_TIMEOUT, whatever number of queries it makes,
// and its unfinished transaction is rolled back rather than completed later.
// Work outside a request (meta syncs, housekeeping) has no budget: only the
// per-statement and per-connection limits apply to it.
import { AsyncLocalStorage } from 'node:async_hooks';

export class DbBudget {
  private spent = 0;
  constructor(readonly limitMs: number) {}

  /** Milliseconds still available. */
  remaining(): number {
    return this.limitMs - this.spent;
  }

  /** Records time spent waiting (concurrent waits of one request both count: conservative). */
  spend(ms: number): void {
    this.spent += Math.max(0, ms);
  }
}

const storage = new AsyncLocalStorage<DbBudget>();

/** Runs `fn` (and everything it starts) under `budget`. */
export function runWithDbBudget<T>(budget: DbBudget, fn: () => T): T {
  return storage.run(budget, fn);
}

/** The budget of the request being served, if any. */
export function currentDbBudget(): DbBudget | undefined {
  return storage.getStore();
}

/** Runs `fn` outside any request's budget: background work a request only starts (a meta sync). */
export function outsideRequest<T>(fn: () => T): T {
  return storage.exit(fn);
}
