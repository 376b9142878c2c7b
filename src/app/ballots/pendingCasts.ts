// Pending casts: a cast that outlives its request. Under a deadline rush a passphrase
// derivation can wait minutes for a slot; no request may wait that long (a proxy gives
// up after 60 s and the voter is left guessing). So the vote route starts the cast here
// and waits for it a little (WAIT_MS); if it is not done by then, the voter is shown a
// "sealing your ballot" page and the cast goes on without the request.
//
// Design, and why:
//  - one job per voter and election, keyed like the ballot service's queue: a
//    double-click, a reload of the POST or a second tab joins the job in progress
//    instead of starting another, so nothing is cast twice (the database's unique
//    voter row stays the last word across replicas);
//  - the job holds the passphrase and the ranking, so it lives in this process's memory
//    only: writing them next to the user id in the database would undo ballot secrecy;
//  - until the voter has been told "sealing", a departed client abandons the cast (as
//    before: nothing is cast behind the back of someone who never saw an answer); once
//    told, the ballot is acknowledged and the job runs to its end even if the tab is
//    closed;
//  - whether a ballot was cast is always read from the database (the voter row), so
//    the sealing page on any replica ends on the confirmation once it is stored. Only a
//    refusal (the election closed or changed meanwhile) is known to the replica that ran
//    the job alone; elsewhere the page keeps saying "sealing" until PENDING_LIMIT_MS
//    after the start and then tells the voter their ballot was not cast. With sticky
//    sessions or one replica this limit never shows (docs/operations.md).
// Finished jobs are kept for DONE_KEEP_MS, so the sealing page can say how it ended.
import type { CastOutcome } from './types.js';

/** How long the vote request itself waits for the cast before the sealing page. */
export const WAIT_MS = 15_000;
/** After this, a job not known to this process and not stored is taken as lost. */
export const PENDING_LIMIT_MS = 15 * 60_000;
const DONE_KEEP_MS = 10 * 60_000;

interface Job {
  startedAt: number;
  /** The cast's own signal: follows the request until the voter is told "sealing". */
  controller: AbortController;
  acknowledged: boolean;
  outcome: CastOutcome | null;
  finishedAt: number | null;
  done: Promise<CastOutcome>;
}

export type PendingState =
  | { state: 'sealing'; startedAt: Date }
  | { state: 'done'; outcome: CastOutcome; startedAt: Date }
  /** This process knows of no cast for the voter (never started, swept, or on another replica). */
  | { state: 'unknown' };

export type Submitted = { done: true; outcome: CastOutcome } | { done: false; startedAt: Date };

export class PendingCasts {
  readonly #jobs = new Map<string, Job>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Starts `cast` for `key` unless a cast of the same voter is in progress (then joins
   * it), and waits for its outcome at most `waitMs`. `signal` is the request's: if it
   * fires before the voter was told "sealing", the cast is abandoned.
   */
  async submit(
    key: string,
    cast: (signal: AbortSignal) => Promise<CastOutcome>,
    signal: AbortSignal | undefined,
    waitMs = WAIT_MS,
  ): Promise<Submitted> {
    this.#sweep();
    let job = this.#jobs.get(key);
    if (job === undefined || job.finishedAt !== null) {
      const controller = new AbortController();
      const started: Job = {
        startedAt: this.now(),
        controller,
        acknowledged: false,
        outcome: null,
        finishedAt: null,
        done: Promise.resolve(null as unknown as CastOutcome),
      };
      started.done = cast(controller.signal).then(
        (outcome) => {
          started.outcome = outcome;
          started.finishedAt = this.now();
          return outcome;
        },
        (error: unknown) => {
          started.finishedAt = this.now();
          // Not kept: the next look finds no job and reads the database instead.
          if (this.#jobs.get(key) === started) this.#jobs.delete(key);
          throw error;
        },
      );
      // A failure nobody waits for any more (the voter was told "sealing") is not an unhandled rejection.
      started.done.catch(() => undefined);
      this.#jobs.set(key, started);
      job = started;
    }
    const current = job;
    const onAbort = () => {
      if (!current.acknowledged) current.controller.abort();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    try {
      const waited = await Promise.race([
        current.done.then((outcome) => ({ done: true as const, outcome })),
        new Promise<{ done: false }>((resolve) => {
          timer = setTimeout(() => {
            resolve({ done: false });
          }, waitMs);
        }),
      ]);
      if (waited.done) return waited;
      if (signal?.aborted === true && !current.acknowledged) {
        current.controller.abort();
        return { done: true, outcome: await current.done };
      }
      // From here on the voter has been told: the cast goes on whatever the client does.
      current.acknowledged = true;
      return { done: false, startedAt: new Date(current.startedAt) };
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Where the voter's cast is, as this process knows it. */
  state(key: string): PendingState {
    this.#sweep();
    const job = this.#jobs.get(key);
    if (job === undefined) return { state: 'unknown' };
    if (job.outcome === null) return { state: 'sealing', startedAt: new Date(job.startedAt) };
    return { state: 'done', outcome: job.outcome, startedAt: new Date(job.startedAt) };
  }

  /** Forgets the voter's finished cast (once its outcome has been shown). */
  forget(key: string): void {
    const job = this.#jobs.get(key);
    if (job?.finishedAt !== null && job?.finishedAt !== undefined) this.#jobs.delete(key);
  }

  /** Jobs kept (tests check that nothing is left behind). */
  get size(): number {
    return this.#jobs.size;
  }

  #sweep(): void {
    const t = this.now();
    for (const [key, job] of this.#jobs) if (job.finishedAt !== null && t - job.finishedAt > DONE_KEEP_MS) this.#jobs.delete(key);
  }
}
