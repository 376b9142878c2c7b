// The front page of a Scrutin hosting several communities: each community, with its
// open elections. At `/` on a host that belongs to no community (a community's own
// host keeps Elekto's `/`), and always at `/c`.
import type { FastifyInstance } from 'fastify';
import { listOrder } from '../../core/meta/snapshotIndex.js';
import { CommunitiesPage, type CommunityCard } from '../../views/CommunitiesPage.js';
import { sendPage } from '../session.js';
import type { RouteDeps } from './deps.js';

/** Open elections shown per community; the rest are one link away. */
const SHOWN = 3;

export function communitiesRoutes(app: FastifyInstance, deps: RouteDeps, paths: readonly string[]): void {
  const { ctx } = deps;
  for (const path of paths) {
    app.get(path, (req, reply) => {
      const now = ctx.clock();
      const communities: CommunityCard[] = ctx.communities().map(({ info, ctx: c }) => {
        // The snapshot's list order (indexed): no sort of every community's elections per request.
        const snapshot = c.catalogue.current();
        const open = listOrder(snapshot, now).running;
        return {
          key: info.key,
          name: info.name,
          base: `/c/${info.key}`,
          logo: info.logo,
          contact: info.contact,
          open: open.slice(0, SHOWN).flatMap((e) => (e.ok ? [{ key: e.key, name: e.election.name, end: e.election.endDatetime }] : [])),
          openCount: open.length,
          total: snapshot.entries.size,
        };
      });
      return sendPage(reply, CommunitiesPage({ ctx: deps.page(req, reply), now, communities }));
    });
  }
}
