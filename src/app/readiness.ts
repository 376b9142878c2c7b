// Whether this process should receive voters (GET /health/ready, and /health): the
// database answers within its budget, the elections are loaded and not stale, and the
// disk Scrutin writes to accepts writes. Each check says why it fails, for the logs and
// /metrics; the unauthenticated endpoints show only the verdict.
//
// "Stale" means the meta repository could not be refreshed: the last sync failed and the
// last successful one is older than META_MAX_AGE. A replica whose clone broke, or that
// cannot follow the revision the others serve, then leaves the load balancer's rotation
// while the healthy replicas keep serving. (Quiet repositories are not stale: a sync
// that finds nothing new is a success.)
import type { CatalogueStatus } from '../metarepo/catalogue.js';
import { probeFolder } from '../storage/diskProbe.js';
import { dbErrorCode, dbFault } from '../storage/errors.js';
import type { Store } from '../storage/store.js';

export type CheckName = 'database' | 'meta' | 'disk';

export interface CheckResult {
  ok: boolean;
  /** Why it fails (or what was checked), for logs and operators, never for the public. */
  detail: string;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<CheckName, CheckResult>;
  at: Date;
}

export interface ReadinessDeps {
  store: Store;
  /** The meta catalogue's status; null when no meta repository is configured (nothing to wait for). */
  meta: (() => Pick<CatalogueStatus, 'state' | 'lastSuccessAt' | 'lastError'>) | null;
  clock: () => Date;
  /** How long the database has to answer a check (ms). */
  databaseWithinMs: number;
  /** Readiness fails when the elections could not be refreshed for this long (ms; 0 = never). */
  metaMaxAgeMs: number;
  /** Folders Scrutin writes to (the SQLite file's, the meta clone). */
  writableFolders: () => string[];
  log: { warn: (obj: object, msg: string) => void; info: (obj: object, msg: string) => void };
}

const OK = (detail: string): CheckResult => ({ ok: true, detail });
const FAILING = (detail: string): CheckResult => ({ ok: false, detail });

export class Readiness {
  private last: ReadinessReport | null = null;
  private running: Promise<ReadinessReport> | null = null;

  constructor(private readonly deps: ReadinessDeps) {}

  /** Runs the checks (requests arriving meanwhile share the run). */
  check(): Promise<ReadinessReport> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** The last report if it is recent enough, else a new one (for scrapes). */
  async recent(maxAgeMs: number): Promise<ReadinessReport> {
    const last = this.last;
    if (last !== null && this.deps.clock().getTime() - last.at.getTime() <= maxAgeMs) return last;
    return this.check();
  }

  private async run(): Promise<ReadinessReport> {
    const [database, disk] = await Promise.all([this.database(), this.disk()]);
    const checks = { database, meta: this.meta(), disk };
    const report: ReadinessReport = { ready: database.ok && checks.meta.ok && disk.ok, checks, at: this.deps.clock() };
    this.logChange(report);
    this.last = report;
    return report;
  }

  private async database(): Promise<CheckResult> {
    try {
      await this.deps.store.ping(this.deps.databaseWithinMs);
      return OK('answers');
    } catch (error) {
      return FAILING(describeDbError(error));
    }
  }

  private meta(): CheckResult {
    if (this.deps.meta === null) return OK('no meta repository configured');
    const status = this.deps.meta();
    if (status.state === 'empty' || status.lastSuccessAt === null) {
      return FAILING(`no elections loaded yet${status.lastError !== null ? `: ${status.lastError}` : ''}`);
    }
    if (status.state === 'degraded' && this.deps.metaMaxAgeMs > 0) {
      const age = this.deps.clock().getTime() - status.lastSuccessAt.getTime();
      if (age > this.deps.metaMaxAgeMs) {
        return FAILING(
          `the elections could not be refreshed for ${Math.round(age / 1000)} s (META_MAX_AGE ${Math.round(this.deps.metaMaxAgeMs / 1000)} s): ${status.lastError ?? 'unknown error'}`,
        );
      }
    }
    return OK(status.state === 'degraded' ? `serving the last good snapshot: ${status.lastError ?? ''}` : 'loaded');
  }

  private async disk(): Promise<CheckResult> {
    for (const folder of this.deps.writableFolders()) {
      const probe = probeFolder(folder);
      if (!probe.ok) return FAILING(`${folder} does not accept writes: ${probe.code}`);
    }
    const store = this.deps.store;
    if (store.monitor.diskFullSince !== null) {
      // The database said its disk was full; only a write that succeeds says it is not any more.
      try {
        await store.probeWrite(this.deps.clock(), this.deps.databaseWithinMs);
      } catch (error) {
        return FAILING(`the database cannot write: ${describeDbError(error)}`);
      }
    }
    return OK('writable');
  }

  private logChange(report: ReadinessReport): void {
    const before = this.last;
    const failing = failingOf(report);
    if (!report.ready && (before === null || before.ready || JSON.stringify(failing) !== JSON.stringify(failingOf(before)))) {
      this.deps.log.warn({ failing }, 'not ready: this process should not receive voters until this is fixed');
    } else if (report.ready && before !== null && !before.ready) {
      this.deps.log.info({}, 'ready again');
    }
  }
}

function failingOf(report: ReadinessReport): { check: string; detail: string }[] {
  return Object.entries(report.checks)
    .filter(([, c]) => !c.ok)
    .map(([name, c]) => ({ check: name, detail: c.detail }));
}

function describeDbError(error: unknown): string {
  const fault = dbFault(error) ?? 'error';
  const code = dbErrorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return `${fault}${code !== null ? ` (${code})` : ''}: ${message}`;
}
