// Every passphrase key derivation of one user for one election counts here, right or
// wrong, cast, view or revoke: at most `max` in any `windowMinutes`. Wrong guesses
// have their own, stricter limit in the database (src/storage/attempts.ts); this one
// stops a voter (or two accounts) looping on "view my ballot" with the right
// passphrase from holding the derivation slots every other voter needs.
//
// The window arithmetic is here, once (DerivationThrottle). The ballot service asks a
// DerivationLimiter, which has two implementations: LocalDerivationLimiter (this
// process's memory: one process, and each replica, since each replica has its own
// derivation slots) and the cluster's (src/cluster/derivations.ts), whose worker asks
// the primary, which keeps one DerivationThrottle for the whole instance.

export interface DerivationLimit {
  max: number;
  windowMinutes: number;
}

/** A cast, a view, a few mistyped passphrases, a revoke and a new cast fit easily. */
export const DEFAULT_DERIVATION_LIMIT: Readonly<DerivationLimit> = Object.freeze({ max: 10, windowMinutes: 15 });

/** A place taken in the window: give it back if no derivation happened after all. */
export interface DerivationTicket {
  giveBack: () => void;
}

export type ThrottleAnswer = { ok: true; ticket: DerivationTicket } | { ok: false; retryAfterSeconds: number };

/** What the ballot service asks before each derivation (a port: in-process, or shared by a cluster's workers). */
export interface DerivationLimiter {
  readonly limit: DerivationLimit;
  /** Takes a place for one derivation of `who` at `now`, or says how long until one frees up. */
  take: (who: string, now: Date) => Promise<ThrottleAnswer>;
}

/** Builds the limiter a ballot service uses, for its limit. */
export type DerivationLimiterFactory = (limit: DerivationLimit) => DerivationLimiter;

/** Whether `limit` is one a throttle accepts (also checks limits that arrive over IPC). */
export function validDerivationLimit(limit: DerivationLimit): boolean {
  return Number.isInteger(limit.max) && limit.max >= 1 && limit.windowMinutes > 0 && Number.isFinite(limit.windowMinutes);
}

export class DerivationThrottle {
  /** Per `${userId}|${key}`: times (ms) of the derivations in the window, oldest first. */
  private readonly recent = new Map<string, number[]>();
  private taken = 0;

  constructor(readonly limit: DerivationLimit = DEFAULT_DERIVATION_LIMIT) {
    if (!validDerivationLimit(limit)) {
      throw new RangeError('the derivation limit needs max ≥ 1 and a positive window');
    }
  }

  private get windowMs(): number {
    return this.limit.windowMinutes * 60_000;
  }

  /** Takes a place for one derivation at `now`, or says how long until one frees up. */
  take(who: string, now: Date): ThrottleAnswer {
    const t = now.getTime();
    const times = (this.recent.get(who) ?? []).filter((at) => at > t - this.windowMs && at <= t);
    if (times.length >= this.limit.max) {
      this.recent.set(who, times);
      const oldest = times[0] ?? t;
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + this.windowMs - t) / 1000)) };
    }
    times.push(t);
    this.recent.set(who, times);
    if (++this.taken % 1024 === 0) this.sweep(t);
    let given = false;
    return {
      ok: true,
      ticket: {
        giveBack: () => {
          if (given) return;
          given = true;
          this.giveBack(who, t);
        },
      },
    };
  }

  /** Gives back the place `who` took at `at` (ms), if it is still counted (a ticket handed back by its time). */
  giveBack(who: string, at: number): void {
    const list = this.recent.get(who);
    const i = list?.lastIndexOf(at) ?? -1;
    if (list !== undefined && i >= 0) list.splice(i, 1);
  }

  /** Forgets users whose derivations have all left the window (bounded memory). */
  private sweep(t: number): void {
    for (const [who, times] of this.recent) {
      if (times.every((at) => at <= t - this.windowMs)) this.recent.delete(who);
    }
  }
}

/** The limiter of one process: its own DerivationThrottle. */
export class LocalDerivationLimiter implements DerivationLimiter {
  readonly #throttle: DerivationThrottle;

  constructor(readonly limit: DerivationLimit = DEFAULT_DERIVATION_LIMIT) {
    this.#throttle = new DerivationThrottle(limit);
  }

  take(who: string, now: Date): Promise<ThrottleAnswer> {
    return Promise.resolve(this.#throttle.take(who, now));
  }
}
