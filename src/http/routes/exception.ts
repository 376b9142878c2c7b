// Exception requests (SPEC §5): a user who is not on the voter list asks the
// officers to be added. One request per user per election (a database constraint),
// only before `exception_due`, only for users not already eligible; every field is
// validated on the server with a message next to it.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { electionFacts } from '../../app/electionFacts.js';
import { EXCEPTION_LIMITS, ExceptionFormPage, ExceptionStatusPage, type ExceptionField } from '../../views/ExceptionPage.js';
import { refusalError } from '../errors.js';
import { requireUser, userOf } from '../guards.js';
import { flash, sendPage } from '../session.js';
import { findEntry, refuse, usableEntry } from '../voting/lookup.js';
import type { RouteDeps } from './deps.js';

const keyParams = z.object({ key: z.string() });

const tooLong = (what: string, max: number) => `${what} can be at most ${max} characters.`;

const requestForm = z.object({
  name: z.string().trim().min(1, 'Enter your name.').max(EXCEPTION_LIMITS.name, tooLong('Your name', EXCEPTION_LIMITS.name)),
  email: z
    .string()
    .trim()
    .min(1, 'Enter your email address, so the officers can reach you.')
    .max(EXCEPTION_LIMITS.email, tooLong('The email address', EXCEPTION_LIMITS.email))
    .pipe(z.email('Enter an email address like name@example.org.')),
  chat: z.string().trim().max(EXCEPTION_LIMITS.chat, tooLong('The chat handle', EXCEPTION_LIMITS.chat)),
  description: z
    .string()
    .trim()
    .min(1, 'Describe your contributions: this is what the officers decide on.')
    .max(EXCEPTION_LIMITS.description, tooLong('The description', EXCEPTION_LIMITS.description)),
  comments: z.string().trim().max(EXCEPTION_LIMITS.comments, tooLong('Comments', EXCEPTION_LIMITS.comments)),
});

const FIELDS: ExceptionField[] = ['name', 'email', 'chat', 'description', 'comments'];

/** The posted text of each field; anything but a single string is treated as empty. */
function posted(body: unknown): Record<ExceptionField, string> {
  const b = (body ?? {}) as Record<string, unknown>;
  const out = {} as Record<ExceptionField, string>;
  for (const f of FIELDS) {
    const v = b[f];
    out[f] = typeof v === 'string' ? v : '';
  }
  return out;
}

export function exceptionRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { ctx } = deps;

  app.register((scoped, _opts, done) => {
    scoped.addHook('preHandler', requireUser);

    scoped.get('/app/elections/:key/exception', async (req, reply) => {
      const user = userOf(req);
      const { key } = keyParams.parse(req.params);
      const entry = usableEntry(findEntry(ctx, key));
      const facts = await electionFacts(ctx, user, entry);
      if (facts.request !== null)
        return sendPage(
          reply,
          ExceptionStatusPage({
            ctx: deps.page(req, reply),
            election: entry.election,
            request: facts.request,
            onVoterList: facts.eligible,
          }),
        );
      refuse(facts.exception, ['Back to the election', `/app/elections/${key}`]);
      return sendPage(
        reply,
        ExceptionFormPage({ ctx: deps.page(req, reply), election: entry.election, now: facts.now, values: { name: user.name ?? '' } }),
      );
    });

    scoped.post('/app/elections/:key/exception', { config: { rateLimit: { max: 20, timeWindow: '1 minute' } } }, async (req, reply) => {
      const user = userOf(req);
      const { key } = keyParams.parse(req.params);
      const entry = usableEntry(findEntry(ctx, key));
      const election = entry.election;
      const facts = await electionFacts(ctx, user, entry);
      refuse(facts.exception, ['Back to the election', `/app/elections/${key}`]);
      const values = posted(req.body);
      const parsed = requestForm.safeParse(values);
      if (!parsed.success) {
        const errors: Partial<Record<ExceptionField, string>> = {};
        for (const issue of parsed.error.issues) {
          const field = issue.path[0] as ExceptionField | undefined;
          if (field !== undefined) errors[field] ??= issue.message;
        }
        return sendPage(reply, ExceptionFormPage({ ctx: deps.page(req, reply), election, now: facts.now, values, errors }), 400);
      }
      const electionId = await ctx.store.elections.ensure(key, election.name, facts.now);
      const result = await ctx.store.requests.create({ userId: user.id, electionId, ...parsed.data, now: facts.now });
      if (!result.ok) {
        throw refusalError(
          { ok: false, code: 'already-requested' },
          { title: 'Request already sent', next: ['See your request', `/app/elections/${key}/exception`] },
        );
      }
      req.log.info({ election: key, userId: user.id, requestId: result.request.id }, 'exception requested');
      flash(req, 'success', 'Your request has been sent to the election officers.');
      return reply.redirect(`/app/elections/${key}/exception`, 303);
    });

    done();
  });
}
