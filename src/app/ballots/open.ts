// Opening a ballot with its passphrase, to view it or to revoke it (and vote again).
// The passphrase is tried only after the attempt is counted (AttemptLimiter), the key
// is derived in the bounded pool, and a revoke deletes the ballot and the voter row in
// one transaction that checks the window again, before and after the delete.
import { ballotFromRows } from '../../core/ballot/ballotForm.js';
import { openVoterId } from '../../core/ballot/secrecy.js';
import type { Election } from '../../core/meta/types.js';
import { KdfBusy } from '../../crypto/kdf.js';
import { canRevoke, canViewBallot } from '../../policies/election.js';
import { Refused } from '../refusals.js';
import type { PendingAttempt } from './attemptLimiter.js';
import { busy, clientGone, findElection, voterOf, WRITE_ATTEMPTS, type BallotContext } from './context.js';
import type { ChoiceView, OpenOutcome, OpenRefusal, PassphraseRequest } from './types.js';

export type OpenAction = 'view' | 'revoke';

/** A refusal thrown inside the revoke's transaction, to roll it back. */
class OpenRefused extends Refused {
  constructor(readonly outcome: OpenRefusal) {
    super(outcome);
  }
}

/** Where a view or revoke got to, for the bookkeeping done when it ends. */
export interface OpenProgress {
  /** A derivation was started (it counts against the throttle). */
  derived: boolean;
}

/**
 * Opens the user's ballot in `election` (already found usable) with the passphrase, and
 * for a revoke deletes it. `pending` is this request's place among the attempts on
 * their way; it is settled once the attempt is recorded or refused.
 */
export async function openBallot(
  ctx: BallotContext,
  request: PassphraseRequest,
  election: Election,
  action: OpenAction,
  pending: PendingAttempt,
  progress: OpenProgress,
): Promise<OpenOutcome> {
  const { store, clock, log } = ctx.ports;
  const { user } = request;
  const now = clock();
  const { electionId, linksErased, voter } = await voterOf(store, user, election.key);
  const who = { login: user.login, hasVoted: voter !== null };
  if (action === 'revoke') {
    const may = canRevoke(election, who, now);
    if (!may.ok) return may;
  }
  const may = canViewBallot(election, { ...who, linksErased }, now);
  if (!may.ok) return may;
  if (voter === null || electionId === null) return { ok: false, code: 'not-voted' };
  if (voter.salt === null || voter.sealed === null) return { ok: false, code: 'no-passphrase' };
  if (request.passphrase === '') return { ok: false, code: 'passphrase-missing' };

  const claim = await ctx.attempts.claim(user.id, electionId, voter.id, now);
  pending.settled();
  if (!claim.ok) return claim.refusal;

  let opened;
  progress.derived = true;
  try {
    opened = await openVoterId({
      passphrase: request.passphrase,
      salt: voter.salt,
      sealed: voter.sealed,
      kdf: voter.kdf,
      deriveKey: ctx.pool.derivingFor(request.signal),
    });
  } catch (error) {
    if (!(error instanceof KdfBusy)) throw error;
    // Nothing was tried: the attempt does not count.
    progress.derived = false;
    await ctx.attempts.release(claim.id);
    return busy('open', error.retryAfterSeconds);
  }
  if (!opened.ok) {
    if (opened.reason === 'wrong-passphrase') {
      const { max, windowMinutes } = ctx.attempts.limit;
      return { ok: false, code: 'wrong-passphrase', attemptsLeft: Math.max(0, max - claim.used), max, windowMinutes };
    }
    await ctx.attempts.release(claim.id);
    log.error({ election: election.key, detail: opened.detail }, 'a stored ballot link cannot be opened');
    return { ok: false, code: 'link-damaged' };
  }
  // A right passphrase is not a failed guess: it does not use up the allowance.
  await ctx.attempts.release(claim.id);

  const stored = await store.ballots.rowsOf(electionId, opened.voterId);
  if (stored.length === 0) {
    log.error({ election: election.key }, 'a ballot link opened but no ballot rows carry its identifier');
    return { ok: false, code: 'ballot-missing' };
  }
  const choices = choicesOf(election, stored);
  const receipt = await store.ballots.receiptOf(electionId, opened.voterId);
  if (action === 'view') return { ok: true, choices, receipt };
  // Revoking deletes the ballot: never behind the back of a client that has gone.
  if (clientGone(request)) return busy('open', 60);

  try {
    await store.transaction(
      async (tx) => {
        const current = findElection(ctx.ports.catalogue, election.key);
        if (!current.ok) throw new OpenRefused(current);
        const check = (at: Date) => {
          const d = canRevoke(current.election, who, at);
          if (!d.ok) throw new OpenRefused(d);
        };
        check(clock());
        const deleted = await tx.ballots.deleteBallot(electionId, opened.voterId, voter.id);
        if (deleted.voterRows === 0) throw new OpenRefused({ ok: false, code: 'already-revoked' });
        check(clock());
        if (clientGone(request)) throw new OpenRefused(busy('open', 60));
      },
      { attempts: WRITE_ATTEMPTS },
    );
  } catch (error) {
    if (error instanceof OpenRefused) return error.outcome;
    throw error;
  }
  return { ok: true, choices, receipt };
}

/** A ballot's rows as the voter reads them: the election's candidates with their ranks. */
export function choicesOf(election: Election, rows: readonly { candidate: string; rank: number }[]): ChoiceView[] {
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
