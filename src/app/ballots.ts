// The ballot use-cases behind src/app/ballotService.ts: cast, view, revoke, status.
//
// Guarantees, and where each comes from:
//  - one ballot per voter: the unique index on voter(election_id, user_id); a cast that
//    loses the race rolls back whole and is answered "You have already voted";
//  - one ballot per eligible login: the unique index on voter(election_id, login), so an
//    account that takes over a login someone else voted under cannot vote again;
//  - nothing partial: the voter row and every ballot row are written in one transaction;
//  - the window, to the second, by the server's clock: checked before the key derivation
//    and again inside the transaction, before and after the writes, against the meta
//    snapshot current at that moment; a cast racing the end is stored before the end or
//    not at all;
//  - no link without a passphrase: no salt, no sealed value, no parameters, no derivation;
//  - bounded memory: every derivation goes through the KdfPool;
//  - guessing is slow: passphrase attempts are recorded before deriving and limited per
//    user and election;
//  - no one hogs the derivations: every derivation of a user for an election counts
//    against a per-process limit (DerivationThrottle), right passphrases included, and
//    the derivation queue is bounded (KdfPool): beyond it the voter is told to try again
//    in a minute, with nothing cast;
//  - refusals never wait: the limits are checked before a request queues behind the
//    same voter's request in progress;
//  - nothing behind the client's back: a cast whose client has gone is abandoned before
//    its derivation and before its commit; when the database fails during the commit,
//    the ballot's own rows say whether it was stored.
// Requests of one user for one election are handled one at a time in this process, so a
// double-clicked form does not queue two multi-second derivations; across replicas the
// database constraints still decide.
import { setTimeout as sleep } from 'node:timers/promises';
import { phaseAt } from '../core/election/phase.js';
import { ballotFromRows, ballotRows, checkPassphrase, parseBallotForm, type BallotRow } from '../core/ballot/ballotForm.js';
import { DEFAULT_KDF_PARAMS, type KdfParams } from '../core/ballot/kdfParams.js';
import { newVoterId, openVoterId, sealVoterId } from '../core/ballot/secrecy.js';
import type { Election, ElectionEntry } from '../core/meta/types.js';
import { KdfBusy, type KdfPool } from '../crypto/kdf.js';
import type { AppContext } from '../http/context.js';
import { canRevoke, canViewBallot, canVote, loginTakenReason, type Decision } from '../policies/election.js';
import { isRetryableConflict, type VoterRecord } from '../storage/ballots.js';
import { dbFault, isUniqueViolation } from '../storage/errors.js';
import type { Store } from '../storage/store.js';
import type { SessionUser } from '../views/page.js';
import type { BallotService, Busy, CastOutcome, CastRequest, ChoiceView, OpenOutcome, PassphraseRequest, RateLimited, Refusal, VoterStatus } from './ballotService.js';
import { DEFAULT_DERIVATION_LIMIT, DerivationThrottle, type DerivationLimit } from './derivationThrottle.js';
import { eraseLinks, erasureDue } from './eraseLinks.js';

export interface AttemptLimit {
  max: number;
  windowMinutes: number;
}

export const DEFAULT_ATTEMPT_LIMIT: Readonly<AttemptLimit> = Object.freeze({ max: 5, windowMinutes: 15 });

export interface BallotServiceOptions {
  /** KDF parameters for new sealed links (default DEFAULT_KDF_PARAMS; tests use cheap ones). */
  newParams?: KdfParams;
  /** Passphrase attempts per user and election. */
  attempts?: AttemptLimit;
  /** Key derivations (right or wrong, any action) per user and election in this process. */
  derivations?: DerivationLimit;
}

/** A refusal decided inside a transaction: thrown to roll it back, then answered. */
class Refused extends Error {
  constructor(readonly refusal: Refusal | Busy) {
    super(refusal.message);
  }
}

const refused = (status: Refusal['status'], message: string): Refusal => ({ ok: false, kind: 'refused', status, message });

function fromDecision(decision: Decision & { ok: false }): Refusal {
  return refused(decision.status === 400 ? 409 : decision.status, decision.reason);
}

const NO_PASSPHRASE =
  'You voted without a passphrase, so your ballot is not linked to you in any way: nobody can open or revoke it, including you.';

function alreadyVoted(hasPassphrase: boolean): Refusal {
  return refused(
    409,
    hasPassphrase
      ? 'You have already voted in this election. To change your ballot, revoke it with your passphrase first.'
      : 'You have already voted in this election. You voted without a passphrase, so your ballot cannot be changed.',
  );
}

const MAX_WRITE_TRIES = 5;

/** Where a view or revoke got to, for the bookkeeping done when it ends. */
interface OpenState {
  /** A derivation was started (it counts against the throttle). */
  derived: boolean;
  /** The attempt was claimed or refused in the database (no longer counted as on its way). */
  recorded: boolean;
}

function busy(what: 'cast' | 'open', seconds: number): Busy {
  const nothing = what === 'cast' ? 'Nothing was cast: your ballot is not recorded yet.' : 'Nothing was opened or changed.';
  return {
    ok: false,
    kind: 'busy',
    status: 503,
    message: `Many voters are using their passphrases right now, and the server could not start on yours in time. ${nothing} Please try again in a minute.`,
    retryAfterSeconds: seconds,
  };
}

function throttled(retryAfterSeconds: number, limit: DerivationLimit): RateLimited {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return {
    ok: false,
    kind: 'rate-limited',
    status: 429,
    message: `Your passphrase has been used ${limit.max} times in the last ${limit.windowMinutes} minutes for this election, which is as often as it can be. Nothing was changed. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
    retryAfterSeconds,
  };
}

/** The client that sent the request has gone (the proxy gave up, the voter closed the page). */
function clientGone(request: { signal?: AbortSignal }): boolean {
  return request.signal?.aborted === true;
}

/** The database failed in a way that leaves open whether a commit happened. */
function commitUncertain(error: unknown): boolean {
  const fault = dbFault(error);
  return fault === 'unreachable' || fault === 'timeout';
}

export function createBallotService(ctx: AppContext, pool: KdfPool, options: BallotServiceOptions = {}): BallotService {
  return new Ballots(ctx, pool, options);
}

class Ballots implements BallotService {
  readonly attemptLimit: AttemptLimit;
  private readonly newParams: KdfParams;
  /** Per `${userId}|${key}`: the tail of the queue of that user's requests for that election. */
  private readonly queues = new Map<string, Promise<void>>();
  /** Elections whose links this process knows to be erased. */
  private readonly erased = new Set<string>();
  private readonly erasing = new Map<string, Promise<void>>();
  private readonly throttle: DerivationThrottle;
  /** Per `${userId}|${key}`: view/revoke requests admitted whose attempt is not recorded yet. */
  private readonly unrecorded = new Map<string, number>();

  constructor(private readonly ctx: AppContext, private readonly pool: KdfPool, options: BallotServiceOptions) {
    this.throttle = new DerivationThrottle(options.derivations ?? DEFAULT_DERIVATION_LIMIT);
    this.newParams = options.newParams ?? DEFAULT_KDF_PARAMS;
    this.attemptLimit = { ...(options.attempts ?? DEFAULT_ATTEMPT_LIMIT) };
    if (!Number.isInteger(this.attemptLimit.max) || this.attemptLimit.max < 1 || !(this.attemptLimit.windowMinutes > 0)) {
      throw new RangeError('the passphrase attempt limit needs max ≥ 1 and a positive window');
    }
  }

  private get store(): Store {
    return this.ctx.store;
  }

  // --- lookups -------------------------------------------------------------------

  private entry(key: string): { ok: true; election: Election } | { ok: false; refusal: Refusal } {
    const entry: ElectionEntry | undefined = this.ctx.catalogue.current().entries.get(key);
    if (entry === undefined) return { ok: false, refusal: refused(404, `There is no election “${key.slice(0, 200)}”.`) };
    if (!entry.ok) {
      return { ok: false, refusal: refused(409, 'This election is unavailable: its files in the meta repository have errors. Please try again later.') };
    }
    return { ok: true, election: entry.election };
  }

  /**
   * The user's voter row in this election, and whether another account already cast a
   * ballot under the user's login there (a login renamed away and re-registered).
   */
  private async voterOf(user: Pick<SessionUser, 'id' | 'login'>, key: string): Promise<{ electionId: number | null; linksErased: boolean; voter: VoterRecord | null; loginTaken: boolean }> {
    const row = await this.store.elections.findByKey(key);
    if (row === null) return { electionId: null, linksErased: false, voter: null, loginTaken: false };
    const voter = await this.store.ballots.findVoter(user.id, row.id);
    const holder = voter === null ? await this.store.ballots.findVoterByLogin(row.id, user.login) : null;
    return { electionId: row.id, linksErased: row.linksErasedAt !== null, voter, loginTaken: holder !== null && holder.userId !== user.id };
  }

  /** One request at a time per user and election in this process. */
  private async exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    let release: () => void = () => undefined;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.queues.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.queues.get(key) === tail) this.queues.delete(key);
    }
  }

  /** delete_after: erase links on the first request after the end (once per process). */
  private async housekeeping(election: Election): Promise<void> {
    if (!election.deleteAfter || this.erased.has(election.key) || !erasureDue(election, this.ctx.clock())) return;
    let running = this.erasing.get(election.key);
    if (running === undefined) {
      running = eraseLinks({ store: this.store, log: this.ctx.log, now: this.ctx.clock() }, election)
        .then((outcome) => {
          if (outcome.status !== 'not-due') this.erased.add(election.key);
        })
        .catch((error: unknown) => {
          // The request goes on (view is refused after the end of such an election anyway); the next one tries again.
          this.ctx.log.error({ election: election.key, err: error }, 'delete_after: erasing the voter–ballot links failed');
        })
        .finally(() => this.erasing.delete(election.key));
      this.erasing.set(election.key, running);
    }
    await running;
  }

  // --- cast ----------------------------------------------------------------------

  async cast(request: CastRequest): Promise<CastOutcome> {
    const found = this.entry(request.electionKey);
    if (!found.ok) return found.refusal;
    await this.housekeeping(found.election);
    return this.exclusive(`${request.user.id}|${found.election.key}`, () => this.castNow(request, found.election));
  }

  private async castNow(request: CastRequest, election: Election): Promise<CastOutcome> {
    const { user } = request;
    // The clock is read three times: here, and in the transaction before and after the writes.
    const now = this.ctx.clock();
    const before = await this.voterOf(user, election.key);
    const decision = canVote(election, { login: user.login, hasVoted: before.voter !== null, loginTaken: before.loginTaken }, now);
    if (!decision.ok) {
      return before.voter !== null && decision.status === 409 ? alreadyVoted(before.voter.salt !== null) : fromDecision(decision);
    }

    const form = parseBallotForm(request.fields, election);
    const passphrase = checkPassphrase(request.passphrase, this.ctx.config.minPasscodeLength);
    const fieldErrors: Record<string, string> = {};
    if (!form.ok) for (const e of form.errors) fieldErrors[e.field] ??= e.message;
    if (!passphrase.ok) fieldErrors[passphrase.error.field] ??= passphrase.error.message;
    if (!form.ok || !passphrase.ok) {
      const message = form.ok && !passphrase.ok ? passphrase.error.message : 'Some choices on your ballot need fixing.';
      return { ok: false, kind: 'invalid', status: 400, message, fieldErrors, needsAbstentionConfirmation: false };
    }
    if (!form.expressesPreference && !request.confirmAbstention) {
      return {
        ok: false,
        kind: 'invalid',
        status: 400,
        message: 'This ballot prefers no candidate to another, so it would count as an abstention. Confirm that you want to abstain, or rank the candidates.',
        fieldErrors: {},
        needsAbstentionConfirmation: true,
      };
    }

    const rows = ballotRows(form.ballot);
    const voterId = newVoterId();
    // The derivation (seconds, hundreds of MiB) happens only with a passphrase, in the pool.
    let link = null;
    if (passphrase.passphrase !== null) {
      // Checked here, once the cast is known to need a derivation (a duplicate of a cast in
      // progress is refused as "already voted" above without one).
      const place = this.throttle.take(`${user.id}|${election.key}`, now);
      if (!place.ok) return throttled(place.retryAfterSeconds, this.throttle.limit);
      try {
        link = await sealVoterId({ passphrase: passphrase.passphrase, voterId, params: this.newParams, deriveKey: this.pool.derivingFor(request.signal) });
      } catch (error) {
        if (error instanceof KdfBusy) {
          place.ticket.giveBack();
          return busy('cast', error.retryAfterSeconds);
        }
        throw error;
      }
    }
    // The client may have given up while the key was derived: then nothing is cast.
    if (clientGone(request)) return busy('cast', 60);
    const electionId = before.electionId ?? (await this.store.elections.ensure(election.key, election.name, now));

    for (let attempt = 1; ; attempt++) {
      try {
        await this.store.transaction(async (tx) => {
          const at = this.ctx.clock();
          const current = this.stillOpen(request, rows, at);
          await tx.ballots.cast({ userId: user.id, login: user.login, electionId, at, voterId, link, rows });
          // The writes took time: the end may have passed meanwhile. Then nothing is kept.
          const after = this.ctx.clock();
          if (phaseAt(current, after) !== 'running') {
            const closed = canVote(current, { login: user.login, hasVoted: false }, after);
            throw new Refused(closed.ok ? refused(403, 'Voting has closed.') : fromDecision(closed));
          }
          // Nobody is waiting for this answer any more: roll back rather than cast unseen.
          if (clientGone(request)) throw new Refused(busy('cast', 60));
        });
        break;
      } catch (error) {
        if (error instanceof Refused) return error.refusal;
        if (commitUncertain(error)) {
          // The connection failed somewhere around the commit. This cast's random voter
          // identifier is on its ballot rows if, and only if, it was stored.
          if ((await this.store.ballots.rowsOf(electionId, voterId)).length > 0) break;
          if (attempt < MAX_WRITE_TRIES && !clientGone(request)) {
            await sleep(20 * attempt);
            continue;
          }
          throw error;
        }
        if (isUniqueViolation(error)) {
          const winner = await this.store.ballots.findVoter(user.id, electionId);
          if (winner !== null) return alreadyVoted(winner.salt !== null);
          // Another account cast under this login meanwhile (the login's previous holder).
          if ((await this.store.ballots.findVoterByLogin(electionId, user.login)) !== null) return refused(409, loginTakenReason(user.login));
          // Neither: a random row id collided. New ids on the next try.
          if (attempt < MAX_WRITE_TRIES) continue;
        }
        if (isRetryableConflict(error) && attempt < MAX_WRITE_TRIES) {
          await sleep(5 + Math.floor(Math.random() * 20 * attempt));
          continue;
        }
        throw error;
      }
    }
    this.ctx.metrics?.voteCast(election.key);
    return { ok: true, abstention: !form.expressesPreference };
  }

  /**
   * At the moment of the write, against the snapshot current then: the election still
   * exists, the user may still vote, and the same form still gives the same rows (a
   * sync during the derivation may have changed candidates or the rules).
   */
  private stillOpen(request: CastRequest, rows: readonly BallotRow[], at: Date): Election {
    const found = this.entry(request.electionKey);
    if (!found.ok) throw new Refused(found.refusal);
    const decision = canVote(found.election, { login: request.user.login, hasVoted: false }, at);
    if (!decision.ok) throw new Refused(fromDecision(decision));
    const again = parseBallotForm(request.fields, found.election);
    const same = again.ok && JSON.stringify(ballotRows(again.ballot)) === JSON.stringify(rows);
    if (!same) {
      throw new Refused(refused(409, 'This election changed while your vote was being recorded (its candidates or rules were updated). Nothing was stored: reload the ballot and vote again.'));
    }
    return found.election;
  }

  // --- view and revoke -------------------------------------------------------------

  view(request: PassphraseRequest): Promise<OpenOutcome> {
    return this.open(request, 'view');
  }

  revoke(request: PassphraseRequest): Promise<OpenOutcome> {
    return this.open(request, 'revoke');
  }

  private async open(request: PassphraseRequest, action: 'view' | 'revoke'): Promise<OpenOutcome> {
    const found = this.entry(request.electionKey);
    if (!found.ok) return found.refusal;
    await this.housekeeping(found.election);
    const who = `${request.user.id}|${found.election.key}`;
    // The limits are checked before queueing behind this voter's request in progress,
    // so a refusal is answered at once, never after someone else's derivation.
    const now = this.ctx.clock();
    const early = request.passphrase === '' ? null : await this.attemptsExhausted(request.user.id, found.election.key, who, now);
    if (early !== null) return early;
    const place = request.passphrase === '' ? null : this.throttle.take(who, now);
    if (place !== null && !place.ok) return throttled(place.retryAfterSeconds, this.throttle.limit);
    const state: OpenState = { derived: false, recorded: false };
    this.unrecorded.set(who, (this.unrecorded.get(who) ?? 0) + 1);
    try {
      return await this.exclusive(who, () => this.openNow(request, found.election, action, state, () => this.markRecorded(who, state)));
    } finally {
      this.markRecorded(who, state);
      if (!state.derived) place?.ticket.giveBack();
    }
  }

  private markRecorded(who: string, state: OpenState): void {
    if (state.recorded) return;
    state.recorded = true;
    const left = (this.unrecorded.get(who) ?? 1) - 1;
    if (left <= 0) this.unrecorded.delete(who);
    else this.unrecorded.set(who, left);
  }

  /**
   * The wrong-passphrase limit, read without a lock: attempts recorded in the window plus
   * this process's requests that are on their way to record one. The authoritative count
   * happens under the voter row's lock (claimAttempt); this only answers early.
   */
  private async attemptsExhausted(userId: number, electionKey: string, who: string, now: Date): Promise<RateLimited | null> {
    const row = await this.store.elections.findByKey(electionKey);
    if (row === null) return null;
    const windowMs = this.attemptLimit.windowMinutes * 60_000;
    const recent = await this.store.attempts.countSince(userId, row.id, new Date(now.getTime() - windowMs));
    if (recent.count + (this.unrecorded.get(who) ?? 0) < this.attemptLimit.max) return null;
    return this.tooManyAttempts(recent.oldest, now);
  }

  private async openNow(request: PassphraseRequest, election: Election, action: 'view' | 'revoke', state: OpenState, recorded: () => void): Promise<OpenOutcome> {
    const { user } = request;
    const now = this.ctx.clock();
    const { electionId, linksErased, voter } = await this.voterOf(user, election.key);
    const who = { login: user.login, hasVoted: voter !== null };
    if (action === 'revoke') {
      const may = canRevoke(election, who, now);
      if (!may.ok) return fromDecision(may);
    }
    const may = canViewBallot(election, { ...who, linksErased }, now);
    if (!may.ok) return fromDecision(may);
    if (voter === null || electionId === null) return refused(409, 'You have not voted in this election.');
    if (voter.salt === null || voter.sealed === null) return refused(409, NO_PASSPHRASE);
    if (request.passphrase === '') return refused(403, 'Enter the passphrase you chose when you voted. Nothing was changed.');

    const claim = await this.claimAttempt(user.id, electionId, voter.id, now);
    recorded();
    if (!claim.ok) return claim.outcome;

    let opened;
    state.derived = true;
    try {
      opened = await openVoterId({ passphrase: request.passphrase, salt: voter.salt, sealed: voter.sealed, kdf: voter.kdf, deriveKey: this.pool.derivingFor(request.signal) });
    } catch (error) {
      if (!(error instanceof KdfBusy)) throw error;
      // Nothing was tried: the attempt does not count.
      state.derived = false;
      await this.store.attempts.remove(claim.id);
      return busy('open', error.retryAfterSeconds);
    }
    if (!opened.ok) {
      if (opened.reason === 'wrong-passphrase') {
        const left = Math.max(0, this.attemptLimit.max - claim.used);
        const { max, windowMinutes } = this.attemptLimit;
        return {
          ok: false,
          kind: 'wrong-passphrase',
          status: 403,
          message: `That passphrase does not open your ballot. Nothing was changed. You have ${left} of ${max} attempts left in any ${windowMinutes} minutes.`,
          attemptsLeft: left,
        };
      }
      await this.store.attempts.remove(claim.id);
      this.ctx.log.error({ election: election.key, detail: opened.detail }, 'a stored ballot link cannot be opened');
      return refused(409, 'The link to your ballot is damaged and cannot be opened. Nothing was changed. Please tell the election officers.');
    }
    // A right passphrase is not a failed guess: it does not use up the allowance.
    await this.store.attempts.remove(claim.id);

    const stored = await this.store.ballots.rowsOf(electionId, opened.voterId);
    if (stored.length === 0) {
      this.ctx.log.error({ election: election.key }, 'a ballot link opened but no ballot rows carry its identifier');
      return refused(409, 'Your passphrase is right, but no ballot was found for it. Nothing was changed. Please tell the election officers.');
    }
    const choices = this.choicesOf(election, stored);
    if (action === 'view') return { ok: true, choices };
    // Revoking deletes the ballot: never behind the back of a client that has gone.
    if (clientGone(request)) return busy('open', 60);

    try {
      await this.withRetries(() =>
        this.store.transaction(async (tx) => {
          const current = this.entry(election.key);
          if (!current.ok) throw new Refused(current.refusal);
          const check = (at: Date) => {
            const d = canRevoke(current.election, who, at);
            if (!d.ok) throw new Refused(fromDecision(d));
          };
          check(this.ctx.clock());
          const deleted = await tx.ballots.deleteBallot(electionId, opened.voterId, voter.id);
          if (deleted.voterRows === 0) throw new Refused(refused(409, 'This ballot has already been revoked.'));
          check(this.ctx.clock());
          if (clientGone(request)) throw new Refused(busy('open', 60));
        }),
      );
    } catch (error) {
      if (error instanceof Refused) return error.refusal;
      throw error;
    }
    return { ok: true, choices };
  }

  private async withRetries<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (!isRetryableConflict(error) || attempt >= MAX_WRITE_TRIES) throw error;
        await sleep(5 + Math.floor(Math.random() * 20 * attempt));
      }
    }
  }

  private choicesOf(election: Election, rows: readonly { candidate: string; rank: number }[]): ChoiceView[] {
    const ballot = ballotFromRows(rows);
    const byId = new Map(ballot.choices.map((c) => [c.candidateId, c.rank]));
    const choices: ChoiceView[] = [];
    for (const c of election.candidates) {
      if (!byId.has(c.id)) continue;
      choices.push({ candidateId: c.id, name: c.name || c.id, rank: byId.get(c.id) ?? null });
      byId.delete(c.id);
    }
    // Candidates the meta repository no longer lists still show, under their id.
    for (const [id, rank] of byId) choices.push({ candidateId: id, name: id, rank });
    return choices;
  }

  /**
   * Counts the attempts in the window and records this one, in one transaction holding
   * the voter row's lock: simultaneous guesses (from any replica) are counted one after
   * the other, before any derivation starts, so they cannot slip under the limit together.
   */
  private async claimAttempt(
    userId: number,
    electionId: number,
    voterRowId: number,
    now: Date,
  ): Promise<{ ok: true; id: number; used: number } | { ok: false; outcome: OpenOutcome }> {
    const windowMs = this.attemptLimit.windowMinutes * 60_000;
    const since = new Date(now.getTime() - windowMs);
    const { max } = this.attemptLimit;
    const claim = await this.withRetries(() =>
      this.store.transaction(async (tx) => {
        await tx.ballots.lockVoter(voterRowId);
        const recent = await tx.attempts.countSince(userId, electionId, since);
        if (recent.count >= max) return { ok: false as const, oldest: recent.oldest };
        const id = await tx.attempts.record(userId, electionId, now);
        await tx.attempts.prune(userId, electionId, since);
        return { ok: true as const, id, used: recent.count + 1 };
      }),
    );
    if (claim.ok) return claim;
    return { ok: false, outcome: this.tooManyAttempts(claim.oldest, now) };
  }

  private tooManyAttempts(oldest: Date | null, now: Date): RateLimited {
    const windowMs = this.attemptLimit.windowMinutes * 60_000;
    const { max, windowMinutes } = this.attemptLimit;
    // Attempt times are stored to the second: one more second makes sure the oldest has left the window.
    const retryAfterSeconds = oldest === null ? 60 : Math.max(1, Math.ceil((oldest.getTime() + windowMs - now.getTime()) / 1000) + 1);
    const minutes = Math.ceil(retryAfterSeconds / 60);
    return {
      ok: false,
      kind: 'rate-limited',
      status: 429,
      message: `Too many passphrase attempts: at most ${max} are allowed in any ${windowMinutes} minutes for this election. Nothing was changed. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      retryAfterSeconds,
    };
  }

  // --- pages -----------------------------------------------------------------------

  async status(user: Pick<SessionUser, 'id' | 'login'>, electionKey: string): Promise<VoterStatus> {
    const found = this.entry(electionKey);
    if (found.ok) await this.housekeeping(found.election);
    const { voter, linksErased, loginTaken } = await this.voterOf(user, electionKey);
    return { voted: voter !== null, hasPassphrase: voter !== null && voter.salt !== null && voter.sealed !== null, linksErased, loginTaken };
  }

  votedKeys(userId: number): Promise<Set<string>> {
    return this.store.ballots.votedKeys(userId);
  }
}
