// The public pages: the list of elections and each election's description, window,
// eligibility rules and candidates, for anyone without signing in. Never a voter
// list, never anyone's status.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { phaseAt } from '../../core/election/phase.js';
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
