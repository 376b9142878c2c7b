// The signed-in voter's pages (SPEC §4, Elekto's URLs): dashboard, the list of
// elections, an election, a candidate, the published results and the confirmation
// after voting. Everything is read from the in-memory snapshot; the database is
// asked only about this user (voted? requested an exception?).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { electionFacts } from '../../app/electionFacts.js';
import {
  dashboardOf,
  mergeDashboards,
  voterElections,
  type DashboardLine,
  type DashboardSection,
  type Tagged,
} from '../../core/election/dashboard.js';
import { phaseAt } from '../../core/election/phase.js';
import { loginIndex, sortEntries } from '../../core/meta/snapshotIndex.js';
import { findCandidate } from '../../core/meta/candidate.js';
import { canSeePublishedResults, canVote, isEligible, isOfficer } from '../../policies/election.js';
import { CandidatePage } from '../../views/CandidatePage.js';
import type { ElectionListItem } from '../../views/components/ElectionList.js';
import { ConfirmationPage } from '../../views/ConfirmationPage.js';
import { DashboardPage, type DashboardList, type DashboardProps } from '../../views/DashboardPage.js';
import { ElectionPage } from '../../views/ElectionPage.js';
import { ElectionsPage } from '../../views/ElectionsPage.js';
import { ResultsPage } from '../../views/ResultsPage.js';
import { UnavailablePage } from '../../views/UnavailablePage.js';
import { notFound } from '../errors.js';
import { requireUser, userOf } from '../guards.js';
import { flash, sendPage, SESSION_SECONDS } from '../session.js';
import { voterOrder } from '../../core/ballot/candidateOrder.js';
import { findEntry, refuse, usable } from '../voting/lookup.js';
import { inPhase, listItem, listPage, orderedEntries, parseListQuery } from '../voting/listing.js';
import type { RouteDeps } from './deps.js';

const keyParams = z.object({ key: z.string() });

/** Lines per dashboard section (the rest are one link away, in the paginated list). */
const DASHBOARD_LIMITS = { mine: 20, others: 10 };
/** Where a dashboard line's election lives: another community's prefix (null: this page's), and its community's name. */
interface Where {
  base: string | null;
  name: string | undefined;
}
const candidateParams = z.object({ key: z.string(), id: z.string() });

export function voterRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { ctx } = deps;

  app.register((scoped, _opts, done) => {
    scoped.addHook('preHandler', requireUser);

    scoped.get('/app', async (req, reply) => {
      const user = userOf(req);
      const now = ctx.clock();
      // With COMMUNITIES the dashboard gathers every community, each from its own
      // snapshot's login index (so it costs what this voter is part of, community by
      // community): this one's elections keep this page's links, the others' point to
      // /c/<community>/….
      const communities = ctx.communities();
      const sources =
        communities.length === 0
          ? [{ source: ctx, base: null, name: undefined }]
          : communities.map((c) => ({ source: c.ctx, base: c.ctx === ctx ? null : `/c/${c.info.key}`, name: c.info.name }));
      const parts = await Promise.all(
        sources.map(async ({ source, base, name }) => {
          const [voted, requested] = await Promise.all([source.ballots.votedKeys(user.id), source.store.requests.listByUser(user.id)]);
          const snapshot = source.catalogue.current();
          const requests: DashboardProps['requests'] = [];
          for (const [key, request] of requested) {
            const entry = snapshot.entries.get(key);
            if (entry?.ok !== true) continue;
            requests.push({
              key,
              name: `${name !== undefined ? `${name}: ` : ''}${entry.election.name}`,
              request,
              onVoterList: isEligible(entry.election, user.login),
              ...(base !== null ? { href: `${base}/app/elections/${key}` } : {}),
            });
          }
          return { dashboard: dashboardOf(snapshot, user.login, voted, now, DASHBOARD_LIMITS), tag: { base, name }, requests };
        }),
      );
      const dash = mergeDashboards(parts, now, DASHBOARD_LIMITS);
      const note = (line: DashboardLine): ElectionListItem['note'] => {
        if (line.voted) return { text: 'You voted', tone: 'ok' };
        if (!line.eligible) return { text: 'Not on the voter list', tone: 'info' };
        return phaseAt(line.entry.election, now) === 'running'
          ? { text: 'Not voted yet', tone: 'todo' }
          : { text: 'You can vote', tone: 'info' };
      };
      const list = (section: DashboardSection<Tagged<DashboardLine, Where>>, more: string): DashboardList<ElectionListItem> => ({
        items: section.shown.map(({ line, tag }) => ({
          ...listItem(line.entry, now, note(line)),
          ...(tag.base !== null ? { href: `${tag.base}/app/elections/${line.entry.key}` } : {}),
          ...(tag.name !== undefined ? { community: tag.name } : {}),
        })),
        total: section.total,
        more,
      });
      return sendPage(
        reply,
        DashboardPage({
          ctx: deps.page(req, reply),
          now,
          open: list(dash.open, '/app/elections?status=running&role=voter'),
          upcoming: list(dash.upcoming, '/app/elections?status=upcoming&role=voter'),
          past: list(dash.past, '/app/elections?status=completed&role=voter'),
          others: list(dash.others, '/app/elections?status=running'),
          officer: {
            items: dash.officer.shown.map(({ line: e, tag }) => ({
              key: e.key,
              name: `${tag.name !== undefined ? `${tag.name}: ` : ''}${e.ok ? e.election.name : (e.name ?? e.key)}`,
              ...(tag.base !== null ? { href: `${tag.base}/app/elections/${e.key}/admin/` } : {}),
            })),
            total: dash.officer.total,
            more: '/app/elections?role=officer',
          },
          requests: parts.flatMap((p) => p.requests),
          toVote: dash.toVote,
          sessionHours: SESSION_SECONDS / 3600,
        }),
      );
    });

    scoped.get('/app/elections', async (req, reply) => {
      const user = userOf(req);
      const request = parseListQuery(req.query, '/app/elections');
      const now = ctx.clock();
      const snapshot = ctx.catalogue.current();
      const voted = await ctx.ballots.votedKeys(user.id);
      const listed =
        request.role === 'voter'
          ? inPhase(voterElections(snapshot, user.login, voted, now), request.filter, now)
          : request.role === 'officer'
            ? inPhase(sortEntries(loginIndex(snapshot).officerOf(user.login), now), request.filter, now)
            : orderedEntries(snapshot, request.filter, now);
      const { entries, pagination } = listPage(listed, request, '/app/elections');
      const items = entries.map((e) => {
        if (!e.ok) return listItem(e, now);
        if (voted.has(e.key)) return listItem(e, now, { text: 'You voted', tone: 'ok' });
        const phase = phaseAt(e.election, now);
        if (phase === 'running' && isEligible(e.election, user.login)) return listItem(e, now, { text: 'Not voted yet', tone: 'todo' });
        return listItem(e, now);
      });
      return sendPage(
        reply,
        ElectionsPage({
          ctx: deps.page(req, reply),
          now,
          items,
          filter: request.filter,
          role: request.role,
          pagination,
          base: '/app/elections',
        }),
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
      const recorded = await ctx.ballots.lastCast(user, key);
      return sendPage(reply, ConfirmationPage({ ctx: deps.page(req, reply), election, hasPassphrase: status.hasPassphrase, recorded }));
    });

    done();
  });
}
