// Every passphrase key derivation of one user for one election counts here, right or
// wrong, cast, view or revoke: at most `max` in any `windowMinutes`. Wrong guesses
// have their own, stricter limit in the database (src/storage/attempts.ts); this one
// stops a voter (or two accounts) looping on "view my ballot" with the right
// passphrase from holding the derivation slots every other voter needs.
//
// It is kept per process, like the derivation pool it protects: each replica has its
// own slots, so each replica's share of one account's derivations is what matters.

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

export class DerivationThrottle {
  /** Per `${userId}|${key}`: times (ms) of the derivations in the window, oldest first. */
  private readonly recent = new Map<string, number[]>();
  private taken = 0;

  constructor(readonly limit: DerivationLimit = DEFAULT_DERIVATION_LIMIT) {
    if (!Number.isInteger(limit.max) || limit.max < 1 || !(limit.windowMinutes > 0)) {
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
          const list = this.recent.get(who);
          const i = list?.lastIndexOf(t) ?? -1;
          if (list !== undefined && i >= 0) list.splice(i, 1);
        },
      },
    };
  }

  /** Forgets users whose derivations have all left the window (bounded memory). */
  private sweep(t: number): void {
    for (const [who, times] of this.recent) {
      if (times.every((at) => at <= t - this.windowMs)) this.recent.delete(who);
    }
  }
}
