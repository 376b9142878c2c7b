// The ballot (SPEC §4): the form, casting, and viewing or revoking with the
// passphrase. The routes only parse and render; every rule (window to the second,
// eligibility, ranks 1..N, abstention, passphrase length and attempts) is enforced
// by the BallotService, and a refused ballot comes back with the voter's ranks kept,
// and the table's words for the refusal (answers.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { electionFacts } from '../../app/electionFacts.js';
import type { CastOutcome, OpenRefusal } from '../../app/ballots/types.js';
import { isNoOpinionValue } from '../../core/ballot/ballotForm.js';
import type { Election } from '../../core/meta/types.js';
import type { SessionUser } from '../../views/page.js';
import { BallotPage } from '../../views/BallotPage.js';
import { ElectionPage } from '../../views/ElectionPage.js';
import { MyBallotPage } from '../../views/MyBallotPage.js';
import { NotEligiblePage } from '../../views/NotEligiblePage.js';
import { ReviewPage } from '../../views/ReviewPage.js';
import { SealingPage } from '../../views/SealingPage.js';
import { RevokePage } from '../../views/RevokePage.js';
import { answerTo, explain } from '../answers.js';
import { refusalError } from '../errors.js';
import { requireUser, userOf } from '../guards.js';
import { requestSignal } from '../resilience.js';
import { flash, sendPage } from '../session.js';
import { voterOrder } from '../../core/ballot/candidateOrder.js';
import { findEntry, refuse, usable, usableEntry, type UsableEntry } from '../voting/lookup.js';
import type { RouteDeps } from './deps.js';

const keyParams = z.object({ key: z.string() });

type Body = Record<string, unknown>;

/** A view or revoke posted without a passphrase: the form's own check, before the service. */
const PASSPHRASE_REQUIRED = 'Enter the passphrase you chose when you voted.';

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  // A repeated field is malformed; joining keeps it visibly invalid for the service.
  if (Array.isArray(value)) return value.map(String).join(',');
  return '';
}

/** The `candidate@<ID>` fields of a posted ballot, as text. */
function candidateFields(body: Body): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (name.startsWith('candidate@')) out[name] = text(value);
  }
  return out;
}

/** What the voter sent for each candidate, to put back on the ballot ("no opinion" as blank). */
function ballotValues(election: Election, fields: Record<string, string>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const c of election.candidates) {
    const v = (fields[`candidate@${c.id}`] ?? '').trim();
    values[c.id] = isNoOpinionValue(v) ? '' : v;
  }
  return values;
}

export function voteRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { ctx } = deps;

  const backTo = (key: string): [string, string] => ['Back to the election', `/app/elections/${key}`];

  /** Re-shows the page the passphrase was typed on (the election page, or the revoke confirmation) with the problem. */
  const passphraseProblem = async (
    req: FastifyRequest,
    reply: FastifyReply,
    user: SessionUser,
    entry: UsableEntry,
    message: string,
    status: number,
    on: 'election' | 'revoke' = 'election',
  ) => {
    if (on === 'revoke') {
      const page = RevokePage({
        ctx: deps.page(req, reply),
        election: entry.election,
        now: ctx.clock(),
        attemptLimit: ctx.ballots.attemptLimit,
        problem: message,
      });
      return sendPage(reply, page, status);
    }
    const facts = await electionFacts(ctx, user, entry);
    const candidates = voterOrder(entry.election.candidates, ctx.sessionKey, user.id, entry.key);
    return sendPage(
      reply,
      ElectionPage({
        ctx: deps.page(req, reply),
        election: entry.election,
        facts,
        candidates,
        attemptLimit: ctx.ballots.attemptLimit,
        passphraseProblem: { message },
      }),
      status,
    );
  };

  /** The common answer to a view or revoke that did not open the ballot. */
  const notOpened = async (
    req: FastifyRequest,
    reply: FastifyReply,
    user: SessionUser,
    entry: UsableEntry,
    outcome: OpenRefusal,
    on: 'election' | 'revoke' = 'election',
  ) => {
    // The words already say how many attempts are left, or how long to wait.
    const answer = answerTo(outcome);
    if (
      outcome.code === 'wrong-passphrase' ||
      outcome.code === 'too-many-attempts' ||
      outcome.code === 'too-many-derivations' ||
      outcome.code === 'busy'
    ) {
      if (answer.retryAfterSeconds !== undefined) void reply.header('retry-after', String(answer.retryAfterSeconds));
      return passphraseProblem(req, reply, user, entry, answer.message, answer.status, on);
    }
    throw refusalError(outcome, { ...(answer.status === 404 ? {} : { title: 'Not possible' }), next: backTo(entry.key) });
  };

  const readPassphrase = (req: FastifyRequest) => text((req.body as Body | undefined)?.password);

  /** The session's note of a pending cast in this election (ms), or null. */
  const castingSince = (req: FastifyRequest, key: string): number | null => req.session.get('casting')?.[key] ?? null;
  const setCasting = (req: FastifyRequest, key: string, at: number | null) => {
    const all = Object.fromEntries(Object.entries(req.session.get('casting') ?? {}).filter(([k]) => k !== key));
    if (at !== null) all[key] = at;
    req.session.set('casting', Object.keys(all).length === 0 ? undefined : all);
  };

  /**
   * The ballot form again, as the voter filled it in: with the service's answer after a
   * refused cast, or as it was (the review step's "Change").
   */
  const ballotAgain = (
    req: FastifyRequest,
    reply: FastifyReply,
    user: SessionUser,
    election: Election,
    fields: Record<string, string>,
    outcome?: Extract<CastOutcome, { ok: false }>,
  ) => {
    const answer = outcome === undefined ? undefined : answerTo(outcome);
    if (answer?.retryAfterSeconds !== undefined) void reply.header('retry-after', String(answer.retryAfterSeconds));
    return sendPage(
      reply,
      BallotPage({
        ctx: deps.page(req, reply),
        election,
        candidates: voterOrder(election.candidates, ctx.sessionKey, user.id, election.key),
        now: ctx.clock(),
        values: ballotValues(election, fields),
        minPasscodeLength: ctx.config.minPasscodeLength,
        ...(outcome === undefined || answer === undefined
          ? {}
          : {
              problem: { message: answer.message, fieldErrors: outcome.code === 'invalid-ballot' ? outcome.fieldErrors : {} },
              needsAbstention: outcome.code === 'abstention-unconfirmed',
            }),
      }),
      answer?.status,
    );
  };

  /** A cast's end, as the voter sees it: the confirmation, or the refusal. */
  const castEnded = (
    req: FastifyRequest,
    reply: FastifyReply,
    user: SessionUser,
    election: Election,
    fields: Record<string, string> | null,
    outcome: CastOutcome,
  ) => {
    const key = election.key;
    setCasting(req, key, null);
    if (outcome.ok) {
      req.log.info({ election: key, userId: user.id }, 'ballot cast');
      if (outcome.abstention) flash(req, 'success', 'Your abstention has been recorded.');
      return reply.redirect(`/app/elections/${key}/confirmation`, 303);
    }
    // A second click, a reload, a second tab: the ballot is in, so show it as cast.
    if (outcome.code === 'already-voted') return reply.redirect(`/app/elections/${key}/confirmation`, 303);
    const answer = answerTo(outcome);
    const comesBack =
      outcome.code === 'invalid-ballot' ||
      outcome.code === 'abstention-unconfirmed' ||
      outcome.code === 'busy' ||
      outcome.code === 'too-many-derivations';
    if (!comesBack || fields === null)
      throw refusalError(outcome, { ...(answer.status === 404 ? {} : { title: 'Your ballot was not cast' }), next: backTo(key) });
    // Too busy or too many derivations: the ballot comes back as filled in, to send again later.
    return ballotAgain(req, reply, user, election, fields, outcome);
  };

  app.register((scoped, _opts, done) => {
    scoped.addHook('preHandler', requireUser);

    scoped.get('/app/elections/:key/vote', async (req, reply) => {
      const user = userOf(req);
      const { key } = keyParams.parse(req.params);
      const entry = usableEntry(findEntry(ctx, key));
      const election = entry.election;
      const facts = await electionFacts(ctx, user, entry);
      if (!facts.eligible && !facts.status.voted && facts.phase !== 'completed') {
        return sendPage(reply, NotEligiblePage({ ctx: deps.page(req, reply), election, facts }), 403);
      }
      if (facts.status.voted && !facts.vote.ok) {
        flash(req, 'info', explain(facts.vote));
        return reply.redirect(`/app/elections/${key}`, 303);
      }
      refuse(facts.vote, backTo(key));
      const candidates = voterOrder(election.candidates, ctx.sessionKey, user.id, key);
      return sendPage(
        reply,
        BallotPage({
          ctx: deps.page(req, reply),
          election,
          candidates,
          now: facts.now,
          values: {},
          minPasscodeLength: ctx.config.minPasscodeLength,
        }),
      );
    });

    scoped.post('/app/elections/:key/vote', async (req, reply) => {
      const user = userOf(req);
      const { key } = keyParams.parse(req.params);
      const election = usable(findEntry(ctx, key));
      const body = (req.body ?? {}) as Body;
      const fields = candidateFields(body);
      const request = {
        user,
        electionKey: key,
        fields,
        passphrase: text(body.password),
        confirmAbstention: text(body.confirm_abstention) !== '',
      };
      const step = text(body.step);
      if (step === 'change') {
        // Back from the review step: the form as filled in (the passphrase is typed again).
        return ballotAgain(req, reply, user, election, fields);
      }
      if (step === 'review') {
        const review = await ctx.ballots.review(request);
        if (!review.ok) return castEnded(req, reply, user, election, fields, review);
        const again: Record<string, string> = { ...fields };
        if (request.passphrase !== '') again.password = request.passphrase;
        if (request.confirmAbstention) again.confirm_abstention = 'yes';
        return sendPage(
          reply,
          ReviewPage({
            ctx: deps.page(req, reply),
            election,
            choices: review.choices,
            fields: again,
            hasPassphrase: request.passphrase !== '',
            now: ctx.clock(),
          }),
        );
      }
      const submitted = await ctx.ballots.submit({ ...request, signal: requestSignal(req) }, ctx.config.castWaitMs);
      if (submitted.done) return castEnded(req, reply, user, election, fields, submitted.outcome);
      // Still sealing: the voter is told so, and the cast goes on without this request.
      setCasting(req, key, submitted.startedAt.getTime());
      return reply.redirect(`/app/elections/${key}/sealing`, 303);
    });

    scoped.get('/app/elections/:key/sealing', async (req, reply) => {
      const user = userOf(req);
      const { key } = keyParams.parse(req.params);
      const election = usable(findEntry(ctx, key));
      const since = castingSince(req, key);
      const progress = await ctx.ballots.progress(user, key, since === null ? null : new Date(since));
      if (progress.state === 'cast') {
        setCasting(req, key, null);
        return reply.redirect(`/app/elections/${key}/confirmation`, 303);
      }
      if (progress.state === 'refused') return castEnded(req, reply, user, election, null, progress.outcome);
      if (progress.state === 'none') {
        setCasting(req, key, null);
        flash(req, 'info', since === null ? 'You have no ballot being sealed.' : 'Your ballot was not cast. Please vote again.');
        return reply.redirect(`/app/elections/${key}`, 303);
      }
      const seconds = Math.max(0, Math.round((ctx.clock().getTime() - progress.startedAt.getTime()) / 1000));
      return sendPage(reply, SealingPage({ ctx: deps.page(req, reply), election, seconds, queued: progress.queued }));
    });

    scoped.post('/app/elections/:key/vote/view', async (req, reply) => {
      const user = userOf(req);
      const { key } = keyParams.parse(req.params);
      const entry = usableEntry(findEntry(ctx, key));
      const election = entry.election;
      const passphrase = readPassphrase(req);
      if (passphrase === '') return passphraseProblem(req, reply, user, entry, PASSPHRASE_REQUIRED, 400);
      const outcome = await ctx.ballots.view({ user, electionKey: key, passphrase, signal: requestSignal(req) });
      if (!outcome.ok) return notOpened(req, reply, user, entry, outcome);
      const facts = await electionFacts(ctx, user, entry);
      return sendPage(
        reply,
        MyBallotPage({
          ctx: deps.page(req, reply),
          election,
          choices: outcome.choices,
          canRevoke: facts.revoke.ok,
          receipt: outcome.receipt,
        }),
      );
    });

    // The confirmation step before a revoke (the POST below is Elekto's one-step revoke, kept).
    scoped.get('/app/elections/:key/vote/revoke', async (req, reply) => {
      const user = userOf(req);
      const { key } = keyParams.parse(req.params);
      const entry = usableEntry(findEntry(ctx, key));
      const facts = await electionFacts(ctx, user, entry);
      refuse(facts.revoke, backTo(key));
      // Without a passphrase nobody can revoke; the election page says so.
      if (!facts.status.hasPassphrase) return reply.redirect(`/app/elections/${key}`, 303);
      return sendPage(
        reply,
        RevokePage({ ctx: deps.page(req, reply), election: entry.election, now: facts.now, attemptLimit: ctx.ballots.attemptLimit }),
      );
    });

    scoped.post('/app/elections/:key/vote/edit', async (req, reply) => {
      const user = userOf(req);
      const { key } = keyParams.parse(req.params);
      const entry = usableEntry(findEntry(ctx, key));
      const passphrase = readPassphrase(req);
      if (passphrase === '') return passphraseProblem(req, reply, user, entry, PASSPHRASE_REQUIRED, 400, 'revoke');
      const outcome = await ctx.ballots.revoke({ user, electionKey: key, passphrase, signal: requestSignal(req) });
      if (!outcome.ok) return notOpened(req, reply, user, entry, outcome, 'revoke');
      req.log.info({ election: key, userId: user.id }, 'ballot revoked');
      flash(req, 'success', 'Your ballot has been revoked. You can vote again now; if you do not, you will not have voted.');
      return reply.redirect(`/app/elections/${key}/vote`, 303);
    });

    done();
  });
}
