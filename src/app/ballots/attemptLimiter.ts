// Wrong passphrases are limited per user and election: at most `max` in any
// `windowMinutes`, across replicas and restarts, because the attempts are kept in the
// database (src/storage/attempts.ts). An attempt is counted and recorded before its
// key derivation starts, under the voter row's lock, so guesses sent at the same
// moment (from any replica) are counted one after the other and cannot slip under the
// limit together; one that turns out right is removed again, so only failed guesses
// use up the allowance.
//
// A refusal is answered early, before the request queues behind the same voter's
// request in progress: the early check counts the attempts recorded in the window plus
// this process's requests that are on their way to record one.
import type { Store } from '../ports.js';
import type { Refusal } from '../refusals.js';

export interface AttemptLimit {
  max: number;
  windowMinutes: number;
}

export const DEFAULT_ATTEMPT_LIMIT: Readonly<AttemptLimit> = Object.freeze({ max: 5, windowMinutes: 15 });

export type TooManyAttempts = Extract<Refusal, { code: 'too-many-attempts' }>;

/** A request admitted to try a passphrase, until its attempt is recorded (or it ends without one). */
export interface PendingAttempt {
  /** The attempt is in the database now, or will never be: stop counting it as on its way. Idempotent. */
  settled: () => void;
}

export type Claim = { ok: true; id: number; used: number } | { ok: false; refusal: TooManyAttempts };

export class AttemptLimiter {
  readonly limit: AttemptLimit;
  /** Per `${userId}|${key}`: requests admitted whose attempt is not recorded yet. */
  readonly #pending = new Map<string, number>();

  constructor(
    private readonly store: Store,
    limit: AttemptLimit = DEFAULT_ATTEMPT_LIMIT,
  ) {
    this.limit = { ...limit };
    if (!Number.isInteger(this.limit.max) || this.limit.max < 1 || !(this.limit.windowMinutes > 0)) {
      throw new RangeError('the passphrase attempt limit needs max ≥ 1 and a positive window');
    }
  }

  get #windowMs(): number {
    return this.limit.windowMinutes * 60_000;
  }

  /**
   * The limit read without a lock, to answer early: attempts recorded in the window plus
   * this process's requests on their way to record one. `claim` decides for real.
   */
  async exhausted(userId: number, electionKey: string, who: string, now: Date): Promise<TooManyAttempts | null> {
    const row = await this.store.elections.findByKey(electionKey);
    if (row === null) return null;
    const recent = await this.store.attempts.countSince(userId, row.id, new Date(now.getTime() - this.#windowMs));
    if (recent.count + (this.#pending.get(who) ?? 0) < this.limit.max) return null;
    return this.#tooMany(recent.oldest, now);
  }

  /** Counts a request as on its way to record an attempt, until `settled`. */
  admit(who: string): PendingAttempt {
    this.#pending.set(who, (this.#pending.get(who) ?? 0) + 1);
    let settled = false;
    return {
      settled: () => {
        if (settled) return;
        settled = true;
        const left = (this.#pending.get(who) ?? 1) - 1;
        if (left <= 0) this.#pending.delete(who);
        else this.#pending.set(who, left);
      },
    };
  }

  /**
   * Counts the attempts in the window and records this one, in one transaction holding
   * the voter row's lock. `used`: attempts in the window, this one included.
   */
  async claim(userId: number, electionId: number, voterRowId: number, now: Date): Promise<Claim> {
    const since = new Date(now.getTime() - this.#windowMs);
    const { max } = this.limit;
    const claim = await this.store.transaction(
      async (tx) => {
        await tx.ballots.lockVoter(voterRowId);
        const recent = await tx.attempts.countSince(userId, electionId, since);
        if (recent.count >= max) return { ok: false as const, oldest: recent.oldest };
        const id = await tx.attempts.record(userId, electionId, now);
        await tx.attempts.prune(userId, electionId, since);
        return { ok: true as const, id, used: recent.count + 1 };
      },
      { attempts: 5 },
    );
    if (claim.ok) return claim;
    return { ok: false, refusal: this.#tooMany(claim.oldest, now) };
  }

  /** Takes a recorded attempt back: it was right, or nothing was tried after all. */
  async release(id: number): Promise<void> {
    await this.store.attempts.remove(id);
  }

  #tooMany(oldest: Date | null, now: Date): TooManyAttempts {
    // Attempt times are stored to the second: one more second makes sure the oldest has left the window.
    const retryAfterSeconds = oldest === null ? 60 : Math.max(1, Math.ceil((oldest.getTime() + this.#windowMs - now.getTime()) / 1000) + 1);
    return { ok: false, code: 'too-many-attempts', retryAfterSeconds, max: this.limit.max, windowMinutes: this.limit.windowMinutes };
  }
}
