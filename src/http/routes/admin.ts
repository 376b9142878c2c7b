// The election officers' workspace (SPEC §6): turnout and who has voted (never how),
// exception review, the count explained, the downloads, and the audit trail. Every
// route: signed in → the election exists (404) → the user is one of *its* officers
// (403) → what the phase allows (results and downloads only once completed) → act,
// audit → present.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { closeElection } from '../../app/eraseLinks.js';
import { Refused } from '../../app/refusals.js';
import { countElectionInWorker, electionResultsJson } from '../../app/officer/countElection.js';
import { resultsDraftFor } from '../../app/officer/resultsDraftFor.js';
import { exportBallots } from '../../app/officer/exportBallots.js';
import { publishResults } from '../../app/officer/publishResults.js';
import { officerOverview, votersCsv } from '../../app/officer/overview.js';
import { decideException, votersYamlLine } from '../../app/officer/reviewException.js';
import { phaseAt } from '../../core/election/phase.js';
import type { Election, ElectionEntry, Problem } from '../../core/meta/types.js';
import { turnoutOf } from '../../core/officer/turnout.js';
import { canSeeCount, canUseOfficerArea, isEligible } from '../../policies/election.js';
import type { ExceptionRequest } from '../../core/records.js';
import { ExceptionReviewPage, NOTE_MAX, type ReviewField } from '../../views/officer/ExceptionReviewPage.js';
import { adminBase, type OfficerFrame } from '../../views/officer/OfficerLayout.js';
import { OfficerPage, type OfficerPages } from '../../views/officer/OfficerPage.js';
import { OfficerResultsPage, PAGE_EXPLANATION_LIMIT } from '../../views/officer/OfficerResultsPage.js';
import type { SessionUser } from '../../views/page.js';
import { publicDir } from '../assets.js';
import { badRequest, HttpError, notFound, refusalError } from '../errors.js';
import { requireUser, userOf } from '../guards.js';
import { flash, sendPage } from '../session.js';
import { findEntry, refuse } from '../voting/lookup.js';
import type { RouteDeps } from './deps.js';

const keyParams = z.object({ key: z.string() });

const listPage = z.coerce.number().int().min(1).max(100_000).optional();
const officerPagesQuery = z.object({ waiting: listPage, voted: listPage, requests: listPage, audit: listPage, syncs: listPage });

/** Which page of each long list of the overview to show; a page past the end shows the last. */
function parseOfficerPages(query: unknown, key: string): OfficerPages {
  const parsed = officerPagesQuery.safeParse(query);
  if (!parsed.success)
    throw badRequest('A page of a list must be a positive whole number.', ['Back to the officer area', `${adminBase(key)}/`]);
  const { waiting = 1, voted = 1, requests = 1, audit = 1, syncs = 1 } = parsed.data;
  return { waiting, voted, requests, audit, syncs };
}
const requestParams = z.object({ key: z.string(), id: z.string() });

const decisionForm = z.object({
  decision: z.enum(['approve', 'deny'], { error: 'Choose whether to approve or deny the request.' }),
  note: z.string().trim().max(NOTE_MAX, `The note can be at most ${NOTE_MAX} characters.`),
});

/** officer.css with a content hash, so browsers may cache it as long as app.css. */
function officerStylesheet(): string {
  const digest = createHash('sha256')
    .update(readFileSync(`${publicDir}officer.css`))
    .digest('hex')
    .slice(0, 12);
  return `/assets/officer.css?v=${digest}`;
}

function entryName(entry: ElectionEntry): string {
  return entry.ok ? entry.election.name : (entry.name ?? entry.key);
}

/** An entry's problems and its election's warnings may be the same values: each once. */
function uniqueProblems(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const id = `${p.file}:${p.line ?? ''}:${p.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function download(reply: FastifyReply, type: string, filename: string, body: string | Buffer): FastifyReply {
  return reply
    .type(type)
    .header('content-disposition', `attachment; filename="${filename}"`)
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .send(body);
}

export function adminRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { ctx } = deps;
  const stylesheet = officerStylesheet();

  interface Officer {
    user: SessionUser;
    entry: ElectionEntry;
    now: Date;
  }

  /** Signed in (the preHandler), the election exists, and this user is one of its officers. */
  function officerOf(req: FastifyRequest): Officer {
    const user = userOf(req);
    const { key } = keyParams.parse(req.params);
    const entry = findEntry(ctx, key);
    refuse(canUseOfficerArea(entry, user.login), ['Back to the election', `/app/elections/${key}`]);
    return { user, entry, now: ctx.clock() };
  }

  /** The count's pages and downloads: an officer, the election parses, and voting is over. */
  function countable(req: FastifyRequest): Officer & { election: Election } {
    const officer = officerOf(req);
    refuse(canSeeCount(officer.entry, officer.user.login, officer.now), ['Back to the officer area', `${adminBase(officer.entry.key)}/`]);
    if (!officer.entry.ok) throw new Error('canSeeCount allowed an election that does not parse');
    return { ...officer, election: officer.entry.election };
  }

  function frameFor(req: FastifyRequest, reply: FastifyReply, officer: Officer): OfficerFrame {
    const completed = officer.entry.ok && phaseAt(officer.entry.election, officer.now) === 'completed';
    return { ctx: deps.page(req, reply), stylesheet, electionKey: officer.entry.key, electionName: entryName(officer.entry), completed };
  }

  async function audit(req: FastifyRequest, officer: Officer, action: string, detail: string | null = null): Promise<void> {
    // A HEAD request (a link checker, a prefetch) receives nothing: it is not a download.
    if (req.method === 'HEAD') return;
    await ctx.store.audit.append({ at: ctx.clock(), electionKey: officer.entry.key, actor: officer.user.login, action, detail });
  }

  /**
   * Nothing is counted or exported before the close's rewrite of the ballot rows (and
   * `delete_after` erasure) is done, even if the close timer has not run yet.
   */
  async function closed(election: Election): Promise<void> {
    await closeElection({ store: ctx.store, log: ctx.log, now: ctx.clock() }, election);
  }

  /**
   * The count or the export (off the event loop, countPool.ts), after the close, with
   * its refusals (unknown candidates, too many counts, too slow) as pages.
   */
  async function counting<T>(election: Election, count: () => Promise<T>): Promise<T> {
    await closed(election);
    try {
      return await count();
    } catch (error) {
      if (error instanceof Refused)
        throw refusalError(error.refusal, { next: ['Back to the officer area', `${adminBase(election.key)}/`] });
      throw error;
    }
  }

  /** A request of this election, or 404 — whatever election another id belongs to. */
  async function requestOf(req: FastifyRequest, officer: Officer): Promise<{ request: ExceptionRequest; electionId: number }> {
    const { id } = requestParams.parse(req.params);
    const back: [string, string] = ['Back to the officer area', `${adminBase(officer.entry.key)}/`];
    if (!/^[1-9]\d{0,9}$/.test(id) || Number(id) > 2_147_483_647) throw notFound('exception request', back);
    const row = await ctx.store.elections.findByKey(officer.entry.key);
    const request = row === null ? null : await ctx.store.requests.findById(Number(id));
    if (row === null || request === null || request.electionId !== row.id) throw notFound('exception request', back);
    return { request, electionId: row.id };
  }

  function reviewPage(
    req: FastifyRequest,
    reply: FastifyReply,
    officer: Officer,
    request: ExceptionRequest,
    extra: { values?: { decision?: string; note?: string }; errors?: Partial<Record<ReviewField, string>> } = {},
  ) {
    const election = officer.entry.ok ? officer.entry.election : null;
    return ExceptionReviewPage({
      frame: frameFor(req, reply, officer),
      request,
      yamlLine: votersYamlLine(request.login),
      eligibleNow: election === null ? null : request.login !== '' && isEligible(election, request.login),
      votersFile: `${officer.entry.dir}/voters.yaml`,
      ...extra,
    });
  }

  app.register((scoped, _opts, done) => {
    scoped.addHook('preHandler', requireUser);

    scoped.get('/app/elections/:key/admin', async (req, reply) => {
      const officer = officerOf(req);
      const { entry, now } = officer;
      const pages = parseOfficerPages(req.query, entry.key);
      const overview = await officerOverview(ctx.store, entry, now, pages);
      const problems = uniqueProblems(entry.ok ? [...entry.problems, ...entry.election.warnings] : entry.problems);
      return sendPage(
        reply,
        OfficerPage({
          frame: frameFor(req, reply, officer),
          election: entry.ok ? entry.election : null,
          phase: entry.ok ? phaseAt(entry.election, now) : 'unavailable',
          now,
          problems,
          overview,
          pages,
        }),
      );
    });

    scoped.get('/app/elections/:key/admin/voters.csv', async (req, reply) => {
      const officer = officerOf(req);
      const { entry } = officer;
      if (!entry.ok)
        throw new HttpError(
          409,
          'No voter list to download',
          "This election's files have errors, so its voter list cannot be read. Fix them first.",
          ['Back to the officer area', `${adminBase(entry.key)}/`],
        );
      const row = await ctx.store.elections.findByKey(entry.key);
      const voted = row === null ? { logins: [], withoutLogin: 0 } : await ctx.store.officer.votedLogins(row.id);
      const turnout = turnoutOf(entry.election.voters, voted.logins, voted.withoutLogin);
      await audit(req, officer, 'voters.downloaded', `${turnout.eligible} eligible voters, ${turnout.voted} voted`);
      return download(reply, 'text/csv; charset=utf-8', `${entry.key}-voters.csv`, votersCsv(turnout));
    });

    scoped.get('/app/elections/:key/admin/exception/:id', async (req, reply) => {
      const officer = officerOf(req);
      const { request } = await requestOf(req, officer);
      return sendPage(reply, reviewPage(req, reply, officer, request));
    });

    scoped.post('/app/elections/:key/admin/exception/:id', async (req, reply) => {
      const officer = officerOf(req);
      const { request, electionId } = await requestOf(req, officer);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const values = {
        decision: typeof body.decision === 'string' ? body.decision : '',
        note: typeof body.note === 'string' ? body.note : '',
      };
      const parsed = decisionForm.safeParse(values);
      if (!parsed.success) {
        const errors: Partial<Record<ReviewField, string>> = {};
        for (const issue of parsed.error.issues) {
          const field = issue.path[0];
          if (field === 'decision' || field === 'note') errors[field] ??= issue.message;
        }
        return sendPage(reply, reviewPage(req, reply, officer, request, { values, errors }), 400);
      }
      const decision = parsed.data.decision === 'approve' ? 'approved' : 'denied';
      const recorded = await decideException(ctx.store, {
        electionKey: officer.entry.key,
        electionId,
        request,
        decision,
        note: parsed.data.note,
        officer: officer.user.login,
        now: ctx.clock(),
      });
      if (!recorded) throw notFound('exception request', ['Back to the officer area', `${adminBase(officer.entry.key)}/`]);
      req.log.info({ election: officer.entry.key, requestId: request.id, decision }, 'exception request decided');
      flash(
        req,
        'success',
        decision === 'approved'
          ? `Approved. Add ${request.login || 'the requester'} to voters.yaml by pull request: the line is below.`
          : 'Denied. The requester sees the decision and your note on their request page.',
      );
      return reply.redirect(`${adminBase(officer.entry.key)}/exception/${request.id}`, 303);
    });

    scoped.get('/app/elections/:key/admin/results', async (req, reply) => {
      const officer = countable(req);
      const { election } = officer;
      const count = await counting(election, () => countElectionInWorker(ctx.store, election, ctx.countPool, PAGE_EXPLANATION_LIMIT));
      const draft = resultsDraftFor(election, count);
      await audit(req, officer, 'results.viewed', `${count.ballots} ballots counted`);
      const row = await ctx.store.elections.findByKey(election.key);
      const publication = row === null ? null : await ctx.store.publications.find(row.id);
      const published =
        publication === null ? null : { at: publication.publishedAt, by: publication.publishedBy, sha256: publication.sha256 };
      return sendPage(
        reply,
        OfficerResultsPage({ frame: frameFor(req, reply, officer), election, count, eligible: election.voters.length, draft, published }),
      );
    });

    scoped.post('/app/elections/:key/admin/publish', async (req, reply) => {
      const officer = countable(req);
      const { election } = officer;
      const outcome = await counting(election, () => publishResults(ctx.store, election, officer.user.login, ctx.clock()));
      req.log.info({ election: election.key, already: outcome.already }, 'results published');
      flash(
        req,
        outcome.already ? 'info' : 'success',
        outcome.already
          ? 'The results were already published; nothing changed.'
          : `Published: everyone can now see the results and download the ${outcome.publication.ballots} ballots.`,
      );
      return reply.redirect(`${adminBase(election.key)}/results`, 303);
    });

    scoped.get('/app/elections/:key/admin/results.json', async (req, reply) => {
      const officer = countable(req);
      const { ballots, json } = await counting(officer.election, () => electionResultsJson(ctx.store, officer.election, ctx.countPool));
      await audit(req, officer, 'results.downloaded', `${ballots} ballots counted`);
      return download(
        reply,
        'application/json; charset=utf-8',
        `${officer.election.key}-results.json`,
        Buffer.from(json.buffer, json.byteOffset, json.byteLength),
      );
    });

    scoped.get('/app/elections/:key/admin/download', async (req, reply) => {
      const officer = countable(req);
      const exported = await counting(officer.election, () => exportBallots(ctx.store, officer.election));
      await audit(req, officer, 'ballots.downloaded', `${exported.ballots} ballots`);
      return download(reply, 'text/csv; charset=utf-8', `${officer.election.key}-ballots.csv`, exported.csv);
    });

    done();
  });
}
