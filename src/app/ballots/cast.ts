// Casting a ballot. Guarantees, and where each comes from:
//  - one ballot per voter: the unique index on voter(election_id, user_id); a cast that
//    loses the race rolls back whole and is refused as "already voted";
//  - one ballot per eligible login: the unique index on voter(election_id, login), so an
//    account that takes over a login someone else voted under cannot vote again;
//  - nothing partial: the voter row and every ballot row are written in one transaction;
//  - the window, to the second, by the server's clock: checked before the key derivation
//    and again inside the transaction, before and after the writes, against the meta
//    snapshot current at that moment; a cast racing the end is stored before the end or
//    not at all;
//  - no link without a passphrase: no salt, no sealed value, no parameters, no derivation;
//  - nothing behind the client's back: a cast whose client has gone is abandoned before
//    its derivation and before its commit; when the database fails during the commit,
//    the ballot's own rows say whether it was stored.
import { setTimeout as sleep } from 'node:timers/promises';
import { ballotRows, checkPassphrase, parseBallotForm, type BallotRow } from '../../core/ballot/ballotForm.js';
import { newVoterId, sealVoterId, type SealedLink } from '../../core/ballot/secrecy.js';
import { phaseAt } from '../../core/election/phase.js';
import type { Election } from '../../core/meta/types.js';
import { KdfBusy } from '../../crypto/kdf.js';
import { canVote } from '../../policies/election.js';
import { dbFault, isUniqueViolation } from '../../storage/errors.js';
import { newReceipt } from '../../core/ballot/receipt.js';
import { Refused } from '../refusals.js';
import { choicesOf } from './open.js';
import { busy, clientGone, findElection, throttled, voterKey, voterOf, WRITE_ATTEMPTS, type BallotContext } from './context.js';
import type { CastOutcome, CastRefusal, CastRequest, ChoiceView } from './types.js';

/** A refusal thrown inside the cast's transaction, to roll it back. */
class CastRefused extends Refused {
  constructor(readonly outcome: CastRefusal) {
    super(outcome);
  }
}

/** The database failed in a way that leaves open whether a commit happened. */
function commitUncertain(error: unknown): boolean {
  const fault = dbFault(error);
  return fault === 'unreachable' || fault === 'timeout';
}

interface Checked {
  ok: true;
  now: Date;
  before: Awaited<ReturnType<typeof voterOf>>;
  rows: BallotRow[];
  passphrase: string | null;
  expressesPreference: boolean;
}

/** Everything a cast checks before any derivation: may vote now, a valid form, a valid passphrase. */
async function check(ctx: BallotContext, request: CastRequest, election: Election): Promise<Checked | CastRefusal> {
  const { store, clock, settings } = ctx.ports;
  const { user } = request;
  const now = clock();
  const before = await voterOf(store, user, election.key);
  const decision = canVote(election, { login: user.login, hasVoted: before.voter !== null, loginTaken: before.loginTaken }, now);
  if (!decision.ok) {
    if (decision.code === 'already-voted' && before.voter !== null) return { ...decision, hasPassphrase: before.voter.salt !== null };
    return decision;
  }

  const form = parseBallotForm(request.fields, election);
  const passphrase = checkPassphrase(request.passphrase, settings.minPasscodeLength);
  const fieldErrors: Record<string, string> = {};
  if (!form.ok) for (const e of form.errors) fieldErrors[e.field] ??= e.message;
  if (!passphrase.ok) fieldErrors[passphrase.error.field] ??= passphrase.error.message;
  if (!form.ok || !passphrase.ok) return { ok: false, code: 'invalid-ballot', fieldErrors, passphraseOnly: form.ok };
  if (!form.expressesPreference && !request.confirmAbstention) return { ok: false, code: 'abstention-unconfirmed' };
  return {
    ok: true,
    now,
    before,
    rows: ballotRows(form.ballot),
    passphrase: passphrase.passphrase,
    expressesPreference: form.expressesPreference,
  };
}

/** The review step: the ranking a cast of `request` would record, or why it would be refused. Casts nothing. */
export async function reviewBallot(
  ctx: BallotContext,
  request: CastRequest,
  election: Election,
): Promise<{ ok: true; choices: ChoiceView[] } | CastRefusal> {
  const checked = await check(ctx, request, election);
  if (!checked.ok) return checked;
  return { ok: true, choices: choicesOf(election, checked.rows) };
}

/** Casts the ballot in `request` into `election` (already found usable); one at a time per voter. */
export async function castBallot(ctx: BallotContext, request: CastRequest, election: Election): Promise<CastOutcome> {
  const { store, clock } = ctx.ports;
  const { user } = request;
  // The clock is read three times: here, and in the transaction before and after the writes.
  const checked = await check(ctx, request, election);
  if (!checked.ok) return checked;
  const { now, before, rows } = checked;
  const { passphrase, expressesPreference } = checked;
  const voterId = newVoterId();
  // Drawn for every cast, kept only on the ballot rows (never the voter row).
  const receipt = election.ballotReceipts ? newReceipt() : null;
  // The derivation (seconds, hundreds of MiB) happens only with a passphrase, in the pool.
  let link: SealedLink | null = null;
  if (passphrase !== null) {
    // Checked here, once the cast is known to need a derivation (a duplicate of a cast in
    // progress is refused as "already voted" above without one).
    const place = await ctx.throttle.take(voterKey(user, election.key), now);
    if (!place.ok) return throttled(place.retryAfterSeconds, ctx.throttle.limit);
    try {
      link = await sealVoterId({
        passphrase,
        voterId,
        params: ctx.newParams,
        deriveKey: ctx.pool.derivingFor(request.signal, { patient: request.patient === true }),
      });
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
  const electionId = before.electionId ?? (await store.elections.ensure(election.key, election.name, now));

  for (let attempt = 1; ; attempt++) {
    try {
      await store.transaction(
        async (tx) => {
          const at = clock();
          const current = stillOpen(ctx, request, rows, at);
          await tx.ballots.cast({ userId: user.id, login: user.login, electionId, at, voterId, link, rows, receipt });
          // The writes took time: the end may have passed meanwhile. Then nothing is kept.
          const after = clock();
          if (phaseAt(current, after) !== 'running') {
            const closed = canVote(current, { login: user.login, hasVoted: false }, after);
            throw new CastRefused(closed.ok ? { ok: false, code: 'voting-closed', closedAt: current.endDatetime } : closed);
          }
          // Nobody is waiting for this answer any more: roll back rather than cast unseen.
          if (clientGone(request)) throw new CastRefused(busy('cast', 60));
        },
        { attempts: WRITE_ATTEMPTS },
      );
      break;
    } catch (error) {
      if (error instanceof CastRefused) return error.outcome;
      if (commitUncertain(error)) {
        // The connection failed somewhere around the commit. This cast's random voter
        // identifier is on its ballot rows if, and only if, it was stored.
        if ((await store.ballots.rowsOf(electionId, voterId)).length > 0) break;
        if (attempt < WRITE_ATTEMPTS && !clientGone(request)) {
          await sleep(20 * attempt);
          continue;
        }
        throw error;
      }
      if (isUniqueViolation(error)) {
        const winner = await store.ballots.findVoter(user.id, electionId);
        if (winner !== null) return { ok: false, code: 'already-voted', hasPassphrase: winner.salt !== null };
        // Another account cast under this login meanwhile (the login's previous holder).
        if ((await store.ballots.findVoterByLogin(electionId, user.login)) !== null)
          return { ok: false, code: 'login-taken', login: user.login };
        // Neither: a random row id collided. New ids on the next try.
        if (attempt < WRITE_ATTEMPTS) continue;
      }
      throw error;
    }
  }
  ctx.ports.metrics?.voteCast(election.key);
  return { ok: true, abstention: !expressesPreference, choices: choicesOf(election, rows), receipt };
}

/**
 * At the moment of the write, against the snapshot current then: the election still
 * exists, the user may still vote, and the same form still gives the same rows (a
 * sync during the derivation may have changed candidates or the rules).
 */
function stillOpen(ctx: BallotContext, request: CastRequest, rows: readonly BallotRow[], at: Date): Election {
  const found = findElection(ctx.ports.catalogue, request.electionKey);
  if (!found.ok) throw new CastRefused(found);
  const decision = canVote(found.election, { login: request.user.login, hasVoted: false }, at);
  if (!decision.ok) throw new CastRefused(decision);
  const again = parseBallotForm(request.fields, found.election);
  const same = again.ok && JSON.stringify(ballotRows(again.ballot)) === JSON.stringify(rows);
  if (!same) throw new CastRefused({ ok: false, code: 'election-changed' });
  return found.election;
}
