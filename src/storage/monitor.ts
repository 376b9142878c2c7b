// What the database has been going through, as seen from this process: faults by kind
// (for /metrics), and whether the database last said its disk is full (for readiness,
// until a write succeeds again).
import { dbErrorCode, dbFault, type DbFault } from './errors.js';

export const DB_FAULTS: readonly DbFault[] = ['unreachable', 'timeout', 'busy', 'disk-full', 'read-only'];

export interface LastFault {
  fault: DbFault;
  /** The driver's code (SQLITE_FULL, 57P01, ER_LOCK_WAIT_TIMEOUT…). */
  code: string | null;
  at: Date;
}

export class DbMonitor {
  private readonly counts = new Map<DbFault, number>(DB_FAULTS.map((f) => [f, 0]));
  private diskFull: Date | null = null;
  private last: LastFault | null = null;

  constructor(private readonly clock: () => Date = () => new Date()) {}

  /** Records an error a statement or connection ended with; returns its fault, if it is one. */
  observe(error: unknown): DbFault | null {
    const fault = dbFault(error);
    if (fault === null) return null;
    this.counts.set(fault, (this.counts.get(fault) ?? 0) + 1);
    const at = this.clock();
    this.last = { fault, code: dbErrorCode(error), at };
    if (fault === 'disk-full') this.diskFull ??= at;
    return fault;
  }

  /** A write went through: the disk has room again. */
  writeSucceeded(): void {
    this.diskFull = null;
  }

  /** Since when the database has reported a full disk, with no successful write since. */
  get diskFullSince(): Date | null {
    return this.diskFull;
  }

  get lastFault(): LastFault | null {
    return this.last;
  }

  /** Faults seen since start, by kind. */
  faultCounts(): ReadonlyMap<DbFault, number> {
    return this.counts;
  }
}
