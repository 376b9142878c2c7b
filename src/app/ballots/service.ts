// The ballot use-cases behind src/app/ballots/types.ts, assembled from their parts:
//  - cast.ts: casting (one ballot per voter and per login, the window to the second,
//    nothing partial, nothing cast behind a departed client's back);
//  - open.ts: viewing or revoking with the passphrase;
//  - attemptLimiter.ts: wrong passphrases limited per user and election, in the database;
//  - derivationThrottle.ts: every key derivation of a user for an election counted per
//    process (per instance in a cluster: the primary counts), right passphrases included, so nobody hogs the derivation pool (whose
//    queue is bounded: beyond it the voter is told to try again in a minute);
//  - keyedQueue.ts: one request at a time per user and election in this process, so a
//    double-clicked form does not queue two multi-second derivations;
//  - linkErasure.ts: `delete_after` links erased before any request after the close;
//  - pendingCasts.ts: a cast that outlives its request under a long derivation queue.
// Refusals never wait: the limits are checked before a request queues behind the same
// voter's request in progress. Conflicts are retried in Store.transaction.
import { DEFAULT_KDF_PARAMS, type KdfParams } from '../../core/ballot/kdfParams.js';
import type { KdfPool } from '../../crypto/kdf.js';
import { AttemptLimiter, type AttemptLimit } from './attemptLimiter.js';
import { castBallot, reviewBallot } from './cast.js';
import { findElection, throttled, voterKey, voterOf, type BallotContext, type BallotPorts } from './context.js';
import { DEFAULT_DERIVATION_LIMIT, LocalDerivationLimiter, type DerivationLimit } from './derivationThrottle.js';
import { KeyedQueue } from './keyedQueue.js';
import { LinkErasure } from './linkErasure.js';
import { openBallot, type OpenAction, type OpenProgress } from './open.js';
import { PENDING_LIMIT_MS, PendingCasts } from './pendingCasts.js';
import type {
  BallotService,
  CastDone,
  CastOutcome,
  CastProgress,
  CastRefusal,
  CastRequest,
  ChoiceView,
  OpenOutcome,
  PassphraseRequest,
  SubmitOutcome,
  Voter,
  VoterStatus,
} from './types.js';

export interface BallotServiceOptions {
  /** KDF parameters for new sealed links (default DEFAULT_KDF_PARAMS; tests use cheap ones). */
  newParams?: KdfParams;
  /** Passphrase attempts per user and election. */
  attempts?: AttemptLimit;
  /** Key derivations (right or wrong, any action) per user and election (in this process, or the cluster's instance). */
  derivations?: DerivationLimit;
}

export function createBallotService(ports: BallotPorts, pool: KdfPool, options: BallotServiceOptions = {}): BallotService {
  return new Ballots(ports, pool, options);
}

class Ballots implements BallotService {
  readonly #ctx: BallotContext;
  readonly #queue = new KeyedQueue();
  readonly #erasure: LinkErasure;
  readonly #pending: PendingCasts;

  constructor(ports: BallotPorts, pool: KdfPool, options: BallotServiceOptions) {
    this.#ctx = {
      ports,
      pool,
      newParams: options.newParams ?? DEFAULT_KDF_PARAMS,
      throttle: (ports.derivationLimiter ?? ((limit) => new LocalDerivationLimiter(limit)))(
        options.derivations ?? DEFAULT_DERIVATION_LIMIT,
      ),
      attempts: new AttemptLimiter(ports.store, options.attempts),
    };
    this.#erasure = new LinkErasure(ports);
    this.#pending = new PendingCasts(() => ports.clock().getTime());
  }

  get attemptLimit(): AttemptLimit {
    return this.#ctx.attempts.limit;
  }

  async cast(request: CastRequest): Promise<CastOutcome> {
    const found = findElection(this.#ctx.ports.catalogue, request.electionKey);
    if (!found.ok) return found;
    await this.#erasure.beforeUse(found.election);
    return this.#queue.run(voterKey(request.user, found.election.key), () => castBallot(this.#ctx, request, found.election));
  }

  async review(request: CastRequest): Promise<{ ok: true; choices: ChoiceView[] } | CastRefusal> {
    const found = findElection(this.#ctx.ports.catalogue, request.electionKey);
    if (!found.ok) return found;
    return reviewBallot(this.#ctx, request, found.election);
  }

  async submit(request: CastRequest, waitMs?: number): Promise<SubmitOutcome> {
    const found = findElection(this.#ctx.ports.catalogue, request.electionKey);
    if (!found.ok) return { done: true, outcome: found };
    const key = voterKey(request.user, found.election.key);
    return this.#pending.submit(key, (signal) => this.cast({ ...request, signal, patient: true }), request.signal, waitMs);
  }

  async progress(user: Voter, electionKey: string, startedHint: Date | null): Promise<CastProgress> {
    const { voter } = await voterOf(this.#ctx.ports.store, user, electionKey);
    if (voter !== null) return { state: 'cast' };
    const here = this.#pending.state(voterKey(user, electionKey));
    if (here.state === 'sealing') return { state: 'sealing', startedAt: here.startedAt, queued: this.#ctx.pool.queued };
    if (here.state === 'done') return here.outcome.ok ? { state: 'none' } : { state: 'refused', outcome: here.outcome };
    // Not known here: another replica may be sealing it, for as long as a cast can take.
    const now = this.#ctx.ports.clock().getTime();
    if (startedHint !== null && now - startedHint.getTime() < PENDING_LIMIT_MS)
      return { state: 'sealing', startedAt: startedHint, queued: this.#ctx.pool.queued };
    return { state: 'none' };
  }

  async lastCast(user: Voter, electionKey: string): Promise<CastDone | null> {
    const here = this.#pending.state(voterKey(user, electionKey));
    if (here.state !== 'done' || !here.outcome.ok) return null;
    // Only if the stored ballot is that cast's (not one cast after a revoke, elsewhere).
    const { voter } = await voterOf(this.#ctx.ports.store, user, electionKey);
    const at = voter?.createdAt?.getTime();
    if (at === undefined || at < here.startedAt.getTime() - 1000) return null;
    return here.outcome;
  }

  view(request: PassphraseRequest): Promise<OpenOutcome> {
    return this.#open(request, 'view');
  }

  revoke(request: PassphraseRequest): Promise<OpenOutcome> {
    return this.#open(request, 'revoke');
  }

  async #open(request: PassphraseRequest, action: OpenAction): Promise<OpenOutcome> {
    const ctx = this.#ctx;
    const found = findElection(ctx.ports.catalogue, request.electionKey);
    if (!found.ok) return found;
    await this.#erasure.beforeUse(found.election);
    const who = voterKey(request.user, found.election.key);
    // The limits are checked before queueing behind this voter's request in progress,
    // so a refusal is answered at once, never after someone else's derivation.
    const now = ctx.ports.clock();
    const early = request.passphrase === '' ? null : await ctx.attempts.exhausted(request.user.id, found.election.key, who, now);
    if (early !== null) return early;
    const place = request.passphrase === '' ? null : await ctx.throttle.take(who, now);
    if (place !== null && !place.ok) return throttled(place.retryAfterSeconds, ctx.throttle.limit);
    const progress: OpenProgress = { derived: false };
    const pending = ctx.attempts.admit(who);
    try {
      return await this.#queue.run(who, () => openBallot(ctx, request, found.election, action, pending, progress));
    } finally {
      pending.settled();
      if (!progress.derived) place?.ticket.giveBack();
    }
  }

  async status(user: Voter, electionKey: string): Promise<VoterStatus> {
    const found = findElection(this.#ctx.ports.catalogue, electionKey);
    if (found.ok) await this.#erasure.beforeUse(found.election);
    const { voter, linksErased, loginTaken } = await voterOf(this.#ctx.ports.store, user, electionKey);
    return {
      voted: voter !== null,
      hasPassphrase: voter !== null && voter.salt !== null && voter.sealed !== null,
      linksErased,
      loginTaken,
    };
  }

  votedKeys(userId: number): Promise<Set<string>> {
    return this.#ctx.ports.store.ballots.votedKeys(userId);
  }
}
