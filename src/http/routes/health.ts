// Health for load balancers, orchestrators and monitoring, without authentication or
// rate limiting, and without details (no error text, no paths: those go to the logs
// and to /metrics):
//   GET /health/live   200 while the process serves requests at all (liveness);
//   GET /health/ready  200 when this process should receive voters, 503 otherwise
//                      (src/app/readiness.ts: database, elections, disk);
//   GET /health        Scrutin's original endpoint, kept for existing probes: 503
//                      "down" when not ready, else 200 "ok", or "degraded" while the
//                      last meta repository sync failed and the last good elections
//                      are served.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { RouteDeps } from './deps.js';

export function healthRoutes(app: FastifyInstance, { ctx }: RouteDeps): void {
  const { readiness } = ctx;
  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');
  const open = { config: { rateLimit: false } };

  app.get('/health/live', open, async (_req, reply) => noStore(reply).send({ status: 'ok' }));

  app.get('/health/ready', open, async (_req, reply) => {
    const report = await readiness.check();
    return noStore(reply)
      .code(report.ready ? 200 : 503)
      .send({ status: report.ready ? 'ready' : 'not ready' });
  });

  app.get('/health', open, async (_req, reply) => {
    const report = await readiness.check();
    if (!report.ready) return noStore(reply).code(503).send({ status: 'down' });
    return noStore(reply).send({ status: ctx.catalogue.status().state === 'degraded' ? 'degraded' : 'ok' });
  });
}
