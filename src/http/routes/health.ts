// GET /health: liveness and readiness. 200 while the database answers, even when
// the meta repository could not be updated (then "degraded": the last good
// snapshot is still served); 503 when the database is unreachable.
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from './deps.js';

export function healthRoutes(app: FastifyInstance, { ctx }: RouteDeps): void {
  app.get('/health', { config: { rateLimit: false } }, async (_req, reply) => {
    let database: 'ok' | 'unreachable' = 'ok';
    try {
      await ctx.store.ping();
    } catch (error) {
      database = 'unreachable';
      ctx.log.error({ err: error }, 'health: database unreachable');
    }
    const meta = ctx.catalogue.status();
    const status = database !== 'ok' ? 'down' : meta.state === 'degraded' ? 'degraded' : 'ok';
    return reply.code(database === 'ok' ? 200 : 503).header('cache-control', 'no-store').send({
      status,
      database,
      meta: {
        state: meta.state,
        revision: meta.revision,
        lastSuccessAt: meta.lastSuccessAt?.toISOString() ?? null,
        lastError: meta.lastError,
      },
    });
  });
}
