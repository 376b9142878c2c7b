// What the ballot use-cases share: the ports they are given, the bounded key
// derivation pool and its per-user throttle, the attempt limiter, and the lookups and
// refusals that casting, viewing and revoking have in common.
import type { KdfParams } from '../../core/ballot/kdfParams.js';
import type { Election } from '../../core/meta/types.js';
import type { KdfPool } from '../../crypto/kdf.js';
import type { VoterRecord } from '../../storage/ballots.js';
import type { CatalogueReader, Clock, Log, Store } from '../ports.js';
import type { Refusal } from '../refusals.js';
import type { AttemptLimiter } from './attemptLimiter.js';
import type { DerivationLimit, DerivationLimiter, DerivationLimiterFactory } from './derivationThrottle.js';
import type { Voter } from './types.js';

export interface BallotPorts {
  store: Store;
  catalogue: CatalogueReader;
  clock: Clock;
  log: Log;
  settings: {
    /** MIN_PASSCODE_LENGTH: the shortest passphrase accepted for a new ballot. */
    minPasscodeLength: number;
  };
  /** Counts cast ballots (Prometheus), when the service has metrics. */
  metrics?: { voteCast: (electionKey: string) => void };
  /**
   * Where a voter's derivations per window are counted: this process by default; in a
   * cluster worker, the primary (one count for the whole instance).
   */
  derivationLimiter?: DerivationLimiterFactory;
}

export interface BallotContext {
  ports: BallotPorts;
  /** Every key derivation goes through it: bounded concurrency and queue. */
  pool: KdfPool;
  /** KDF parameters for new sealed links. */
  newParams: KdfParams;
  throttle: DerivationLimiter;
  attempts: AttemptLimiter;
}

/** A transaction is run this many times in all when the database reports a conflict. */
export const WRITE_ATTEMPTS = 5;

type Unusable = Extract<Refusal, { code: 'no-such-election' | 'election-unavailable' }>;

/** The election as the snapshot current now has it, if voters can use it. */
export function findElection(catalogue: CatalogueReader, key: string): { ok: true; election: Election } | Unusable {
  const entry = catalogue.current().entries.get(key);
  if (entry === undefined) return { ok: false, code: 'no-such-election', key };
  if (!entry.ok) return { ok: false, code: 'election-unavailable' };
  return { ok: true, election: entry.election };
}

export interface VoterFacts {
  /** The election's row, or null before anyone has used it. */
  electionId: number | null;
  linksErased: boolean;
  voter: VoterRecord | null;
  /** Another account already cast a ballot under the user's login (a login renamed away and re-registered). */
  loginTaken: boolean;
}

/** The user's voter row in this election, and whether another account voted under the user's login there. */
export async function voterOf(store: Store, user: Voter, key: string): Promise<VoterFacts> {
  const row = await store.elections.findByKey(key);
  if (row === null) return { electionId: null, linksErased: false, voter: null, loginTaken: false };
  const voter = await store.ballots.findVoter(user.id, row.id);
  const holder = voter === null ? await store.ballots.findVoterByLogin(row.id, user.login) : null;
  return { electionId: row.id, linksErased: row.linksErasedAt !== null, voter, loginTaken: holder !== null && holder.userId !== user.id };
}

/** The client that sent the request has gone (the proxy gave up, the voter closed the page). */
export function clientGone(request: { signal?: AbortSignal }): boolean {
  return request.signal?.aborted === true;
}

export function busy(action: 'cast' | 'open', retryAfterSeconds: number): Extract<Refusal, { code: 'busy' }> {
  return { ok: false, code: 'busy', action, retryAfterSeconds };
}

export function throttled(retryAfterSeconds: number, limit: DerivationLimit): Extract<Refusal, { code: 'too-many-derivations' }> {
  return { ok: false, code: 'too-many-derivations', retryAfterSeconds, max: limit.max, windowMinutes: limit.windowMinutes };
}

/** Who a per-user-and-election limit or queue is keyed by. */
export function voterKey(user: Voter, electionKey: string): string {
  return `${user.id}|${electionKey}`;
}

export type { Clock, Log };
