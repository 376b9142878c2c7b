// The signed-in voter's pages (SPEC §4, Elekto's URLs): dashboard, the list of
// elections, an election, a candidate, the published results and the confirmation
// after voting. Everything is read from the in-memory snapshot; the database is
// asked only about this user (voted? requested an exception?).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { electionFacts } from '../../app/electionFacts.js';
import { phaseAt } from '../../core/election/phase.js';
import { findCandidate } from '../../core/meta/candidate.js';
import { canSeePublishedResults, canVote, isEligible, isOfficer } from '../../policies/election.js';
import { CandidatePage } from '../../views/CandidatePage.js';
import type { ElectionListItem } from '../../views/components/ElectionList.js';
import { ConfirmationPage } from '../../views/ConfirmationPage.js';
import { DashboardPage, type DashboardProps } from '../../views/DashboardPage.js';
import { ElectionPage } from '../../views/ElectionPage.js';
import { ElectionsPage } from '../../views/ElectionsPage.js';
import { ResultsPage } from '../../views/ResultsPage.js';
import { UnavailablePage } from '../../views/UnavailablePage.js';
import { notFound } from '../errors.js';
import { requireUser, userOf } from '../guards.js';
import { flash, sendPage, SESSION_SECONDS } from '../session.js';
import { voterOrder } from '../../core/ballot/candidateOrder.js';
import { findEntry, refuse, usable } from '../voting/lookup.js';
import { listItem, listPage, parseListQuery, sortEntries } from '../voting/listing.js';
import type { RouteDeps } from './deps.js';

const keyParams = z.object({ key: z.string() });
const candidateParams = z.object({ key: z.string(), id: z.string() });

export function voterRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { ctx } = deps;

  app.register((scoped, _opts, done) => {
    scoped.addHook('preHandler', requireUser);

    scoped.get('/app', async (req, reply) => {
      const user = userOf(req);
      const now = ctx.clock();
      const [voted, requested] = await Promise.all([ctx.ballots.votedKeys(user.id), ctx.store.requests.listByUser(user.id)]);
      const requests: DashboardProps['requests'] = [];
      const open: ElectionListItem[] = [];
      const upcoming: ElectionListItem[] = [];
      const past: ElectionListItem[] = [];
      const others: ElectionListItem[] = [];
      const officer: Array<{ key: string; name: string }> = [];
      for (const entry of sortEntries(ctx.catalogue.current().entries.values(), now)) {
        if (isOfficer(entry, user.login))
          officer.push({ key: entry.key, name: entry.ok ? entry.election.name : (entry.name ?? entry.key) });
        if (!entry.ok) continue;
        const e = entry.election;
        const phase = phaseAt(e, now);
        const eligible = isEligible(e, user.login);
        const hasVoted = voted.has(e.key);
        const request = requested.get(e.key);
        if (request !== undefined) requests.push({ key: e.key, name: e.name, request, onVoterList: eligible });
        if (phase === 'running' && (eligible || hasVoted)) {
          open.push(listItem(entry, now, hasVoted ? { text: 'You voted', tone: 'ok' } : { text: 'Not voted yet', tone: 'todo' }));
        } else if (phase === 'running') {
          others.push(listItem(entry, now, { text: 'Not on the voter list', tone: 'info' }));
        } else if (phase === 'upcoming') {
          upcoming.push(
            listItem(entry, now, eligible ? { text: 'You can vote', tone: 'info' } : { text: 'Not on the voter list', tone: 'info' }),
          );
        } else if (hasVoted) {
          past.push(listItem(entry, now, { text: 'You voted', tone: 'ok' }));
        }
      }
      return sendPage(
        reply,
        DashboardPage({
          ctx: deps.page(req, reply),
          now,
          open,
          upcoming,
          past,
          others,
          requests,
          officer,
          sessionHours: SESSION_SECONDS / 3600,
        }),
      );
    });

    scoped.get('/app/elections', async (req, reply) => {
      const user = userOf(req);
      const request = parseListQuery(req.query, '/app/elections');
      const now = ctx.clock();
      const voted = await ctx.ballots.votedKeys(user.id);
      const { entries, pagination } = listPage(ctx.catalogue.current().entries.values(), request, now, '/app/elections');
      const items = entries.map((e) => {
        if (!e.ok) return listItem(e, now);
        if (voted.has(e.key)) return listItem(e, now, { text: 'You voted', tone: 'ok' });
        const phase = phaseAt(e.election, now);
        if (phase === 'running' && isEligible(e.election, user.login)) return listItem(e, now, { text: 'Not voted yet', tone: 'todo' });
        return listItem(e, now);
      });
      return sendPage(
        reply,
        ElectionsPage({ ctx: deps.page(req, reply), now, items, filter: request.filter, pagination, base: '/app/elections' }),
      );
    });

    scoped.get('/app/elections/:key', async (req, reply) => {
      const user = userOf(req);
      const { key } = keyParams.parse(req.params);
      const entry = findEntry(ctx, key);
      if (!entry.ok) {
        return sendPage(
          reply,
          UnavailablePage({
            ctx: deps.page(req, reply),
            name: entry.name ?? entry.key,
            electionKey: entry.key,
            problems: entry.problems,
            officer: isOfficer(entry, user.login),
          }),
          503,
        );
      }
      const facts = await electionFacts(ctx, user, entry);
      const candidates = voterOrder(entry.election.candidates, ctx.sessionKey, user.id, key);
      return sendPage(
        reply,
        ElectionPage({ ctx: deps.page(req, reply), election: entry.election, facts, candidates, attemptLimit: ctx.ballots.attemptLimit }),
      );
    });

    scoped.get('/app/elections/:key/candidates/:id', async (req, reply) => {
      const user = userOf(req);
      const { key, id } = candidateParams.parse(req.params);
      const election = usable(findEntry(ctx, key));
      const candidate = findCandidate(election.candidates, id);
      if (candidate === undefined) throw notFound('candidate', ['Back to the election', `/app/elections/${key}`]);
      const status = await ctx.ballots.status(user, key);
      const vote = canVote(election, { login: user.login, hasVoted: status.voted, loginTaken: status.loginTaken }, ctx.clock());
      return sendPage(reply, CandidatePage({ ctx: deps.page(req, reply), election, candidate, canVote: vote.ok }));
    });

    scoped.get('/app/elections/:key/results', (req, reply) => {
      const { key } = keyParams.parse(req.params);
      const election = usable(findEntry(ctx, key));
      refuse(canSeePublishedResults(election, ctx.clock()), ['Back to the election', `/app/elections/${key}`]);
      return sendPage(reply, ResultsPage({ ctx: deps.page(req, reply), election, resultsHtml: election.resultsHtml ?? '' }));
    });

    scoped.get('/app/elections/:key/confirmation', async (req, reply) => {
      const user = userOf(req);
      const { key } = keyParams.parse(req.params);
      const election = usable(findEntry(ctx, key));
      const status = await ctx.ballots.status(user, key);
      if (!status.voted) {
        flash(req, 'info', 'You have not voted in this election yet.');
        return reply.redirect(`/app/elections/${key}`, 303);
      }
      return sendPage(reply, ConfirmationPage({ ctx: deps.page(req, reply), election, hasPassphrase: status.hasPassphrase }));
    });

    done();
  });
}
