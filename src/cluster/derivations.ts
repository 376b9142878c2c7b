// The per-user derivation throttle for a whole cluster instance. The primary keeps the
// counts (InstanceDerivations: the one DerivationThrottle per limit, whose window
// arithmetic is src/app/ballots/derivationThrottle.ts); a worker's DerivationLimiter asks
// it over IPC for each place. So a voter whose requests alternate between workers gets
// the allowance once, not once per worker.
//
// If the primary does not answer within PRIMARY_ANSWER_MS (it is busy, or gone), the
// worker counts in a local share of the limit (max / workers, rounded up) instead of
// refusing: the throttle protects the derivation slots from one account's loop, and
// wrong passphrases stay limited in the database, so a short outage should not refuse
// every passphrase voter (docs/decisions.md). A place the primary grants after the
// worker stopped waiting is handed back at once, so it is not counted twice.
import {
  DerivationThrottle,
  type DerivationLimit,
  type DerivationLimiter,
  type ThrottleAnswer,
} from '../app/ballots/derivationThrottle.js';
import type { DerivationPlace, ToPrimary, ToWorker } from './messages.js';

/** How long a worker waits for the primary's answer before counting locally. */
export const PRIMARY_ANSWER_MS = 1_000;

type Answer = Extract<ToWorker, { scrutin: 'derive-answer' }>;

/** In the primary: one throttle per limit (every worker's ballot services ask with theirs). */
export class InstanceDerivations {
  readonly #throttles = new Map<string, DerivationThrottle>();

  #throttle(place: DerivationPlace): DerivationThrottle {
    const key = `${String(place.max)}/${String(place.windowMinutes)}`;
    let throttle = this.#throttles.get(key);
    if (throttle === undefined) {
      throttle = new DerivationThrottle({ max: place.max, windowMinutes: place.windowMinutes });
      this.#throttles.set(key, throttle);
    }
    return throttle;
  }

  /** Communities' election keys may coincide: each community counts apart. */
  static #who(place: DerivationPlace): string {
    return `${place.community === null ? '-' : `c:${place.community}`}|${place.who}`;
  }

  take(id: number, place: DerivationPlace): Answer {
    const answer = this.#throttle(place).take(InstanceDerivations.#who(place), new Date(place.at));
    return answer.ok
      ? { scrutin: 'derive-answer', id, ok: true }
      : { scrutin: 'derive-answer', id, ok: false, retryAfterSeconds: answer.retryAfterSeconds };
  }

  giveBack(place: DerivationPlace): void {
    this.#throttle(place).giveBack(InstanceDerivations.#who(place), place.at);
  }
}

export interface DerivationsOverIpc {
  /** The limiter a ballot service of this worker uses (community: its key, null for the single repository). */
  limiter: (limit: DerivationLimit, community: string | null) => DerivationLimiter;
  /** The primary's answer arrived. */
  answered: (message: Answer) => void;
}

export interface DerivationsOptions {
  /** Sends to the primary; throws when the channel is closed. */
  send: (message: ToPrimary) => void;
  /** How many workers share the instance: the local share is the limit divided by it. */
  workers: number;
  waitMs?: number;
  /** Told each time the primary did not answer and the local share decided. */
  onFallback?: () => void;
}

/** In a worker: limiters that ask the primary, falling back to a local share of the limit. */
export function derivationsOverIpc(options: DerivationsOptions): DerivationsOverIpc {
  const waitMs = options.waitMs ?? PRIMARY_ANSWER_MS;
  const waiting = new Map<number, (answer: Answer) => void>();
  /** Places asked for but no longer waited for: granted late, they are given back. */
  const abandoned = new Map<number, DerivationPlace>();
  let nextId = 1;

  const give = (place: DerivationPlace): void => {
    try {
      options.send({ scrutin: 'derive-give', ...place });
    } catch {
      // The primary is gone: nothing to give back to.
    }
  };

  return {
    answered: (message) => {
      const resolve = waiting.get(message.id);
      if (resolve !== undefined) {
        waiting.delete(message.id);
        resolve(message);
        return;
      }
      const place = abandoned.get(message.id);
      abandoned.delete(message.id);
      if (place !== undefined && message.ok) give(place);
    },
    limiter: (limit, community) => {
      const share = new DerivationThrottle({
        max: Math.max(1, Math.ceil(limit.max / options.workers)),
        windowMinutes: limit.windowMinutes,
      });
      const local = (who: string, now: Date): ThrottleAnswer => {
        options.onFallback?.();
        return share.take(who, now);
      };
      return {
        limit,
        take: (who, now) => {
          const id = nextId++;
          const place: DerivationPlace = { community, who, at: now.getTime(), max: limit.max, windowMinutes: limit.windowMinutes };
          return new Promise<ThrottleAnswer>((resolve) => {
            const timer = setTimeout(() => {
              waiting.delete(id);
              abandoned.set(id, place);
              // Bounded: answers older than a few waits will not come.
              if (abandoned.size > 1_000) abandoned.delete(abandoned.keys().next().value ?? id);
              resolve(local(who, now));
            }, waitMs);
            timer.unref();
            waiting.set(id, (answer) => {
              clearTimeout(timer);
              if (!answer.ok) {
                resolve({ ok: false, retryAfterSeconds: answer.retryAfterSeconds });
                return;
              }
              let given = false;
              resolve({
                ok: true,
                ticket: {
                  giveBack: () => {
                    if (given) return;
                    given = true;
                    give(place);
                  },
                },
              });
            });
            try {
              options.send({ scrutin: 'derive-take', id, ...place });
            } catch {
              clearTimeout(timer);
              waiting.delete(id);
              resolve(local(who, now));
            }
          });
        },
      };
    },
  };
}
