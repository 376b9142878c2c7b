// The public pages: the list of elections and each election's description, window,
// eligibility rules and candidates, for anyone without signing in; and, once the
// officers published them, the computed results and the anonymous ballots CSV. Never a
// voter list, never anyone's status.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { countElectionInWorker, type ElectionCount } from '../../app/officer/countElection.js';
import { Refused } from '../../app/refusals.js';
import { phaseAt } from '../../core/election/phase.js';
import type { Election } from '../../core/meta/types.js';
import { parsePublishedBallots } from '../../core/officer/publishedBallots.js';
import { PAGE_EXPLANATION_LIMIT } from '../../views/officer/OfficerResultsPage.js';
import { PublishedResultsPage, ResultsPendingPage } from '../../views/PublishedResultsPage.js';
import { officerStylesheetUrl } from '../assets.js';
import { notFound, refusalError } from '../errors.js';
import { canSeePublishedResults } from '../../policies/election.js';
import { ElectionsPage } from '../../views/ElectionsPage.js';
import { PublicElectionPage } from '../../views/PublicElectionPage.js';
import { HttpError } from '../errors.js';
import { sendPage } from '../session.js';
import { findEntry } from '../voting/lookup.js';
import type { RouteDeps } from './deps.js';
import { listItem, listPage, orderedEntries, parseListQuery } from '../voting/listing.js';

const keyParams = z.object({ key: z.string() });

export function publicRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { ctx } = deps;
  const officerStylesheet = officerStylesheetUrl();
  /**
   * Published counts, by election and file hash: the ballots no longer change once
   * published, so anyone's visit does not start a count in the worker again.
   */
  const counts = new Map<string, Promise<ElectionCount>>();
  const countOf = (election: Election, sha256: string): Promise<ElectionCount> => {
    const id = `${election.key}|${sha256}`;
    let count = counts.get(id);
    if (count === undefined) {
      count = countElectionInWorker(ctx.store, election, ctx.countPool, PAGE_EXPLANATION_LIMIT);
      // A failed count (the worker pool busy) is tried again by the next visitor.
      count.catch(() => counts.delete(id));
      if (counts.size > 100) counts.clear();
      counts.set(id, count);
    }
    return count;
  };

  /** The election (parsed), and its publication if any. */
  const published = async (key: string) => {
    const entry = findEntry(ctx, key, '/elections');
    if (!entry.ok) throw notFound('election', ['See all elections', '/elections']);
    const row = await ctx.store.elections.findByKey(entry.election.key);
    const publication = row === null ? null : await ctx.store.publications.find(row.id);
    return { election: entry.election, electionId: row?.id ?? null, publication };
  };

  app.get('/elections/:key/results', async (req, reply) => {
    const { key } = keyParams.parse(req.params);
    const { election, electionId, publication } = await published(key);
    if (publication === null || electionId === null)
      return sendPage(reply, ResultsPendingPage({ ctx: deps.page(req, reply), election, now: ctx.clock() }));
    let count: ElectionCount;
    try {
      count = await countOf(election, publication.sha256);
    } catch (error) {
      if (error instanceof Refused) throw refusalError(error.refusal, { next: ['Back to the election', `/elections/${key}`] });
      throw error;
    }
    const csv = await ctx.store.publications.csv(electionId);
    const file = csv === null ? null : parsePublishedBallots(csv);
    return sendPage(
      reply,
      PublishedResultsPage({
        ctx: deps.page(req, reply),
        election,
        count,
        publication: { at: publication.publishedAt, ballots: publication.ballots, sha256: publication.sha256 },
        ballots: file !== null && file.hasReceipts ? file : null,
        officerStylesheet,
      }),
    );
  });

  app.get('/elections/:key/ballots.csv', async (req, reply) => {
    const { key } = keyParams.parse(req.params);
    const { election, electionId, publication } = await published(key);
    const csv = publication === null || electionId === null ? null : await ctx.store.publications.csv(electionId);
    if (csv === null) throw notFound('published ballots file', ['See the results page', `/elections/${key}/results`]);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${election.key}-ballots.csv"`)
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .send(csv);
  });

  app.get('/elections', (req, reply) => {
    const request = parseListQuery(req.query, '/elections');
    const now = ctx.clock();
    // No one is signed in: a `role` means nothing here and is ignored.
    const listed = orderedEntries(ctx.catalogue.current(), request.filter, now);
    const { entries, pagination } = listPage(listed, request, '/elections');
    const items = entries.map((e) => listItem(e, now));
    return sendPage(
      reply,
      ElectionsPage({ ctx: deps.page(req, reply), now, items, filter: request.filter, role: null, pagination, base: '/elections' }),
    );
  });

  app.get('/elections/:key', (req, reply) => {
    const { key } = keyParams.parse(req.params);
    const entry = findEntry(ctx, key, '/elections');
    if (!entry.ok)
      throw new HttpError(
        503,
        'This election is unavailable',
        'Its files have errors, so it cannot be shown right now. Please try again later.',
        ['See all elections', '/elections'],
      );
    const now = ctx.clock();
    return sendPage(
      reply,
      PublicElectionPage({
        ctx: deps.page(req, reply),
        election: entry.election,
        phase: phaseAt(entry.election, now),
        now,
        resultsPublished: canSeePublishedResults(entry.election, now).ok,
      }),
    );
  });
}
