// Metrics: counts every answered request (by route pattern), and serves GET /metrics
// on the main listener when METRICS_TOKEN protects it. Where /metrics is reachable:
//   METRICS_PORT set   → only on its own listener (src/observability/listener.ts), 404
//                        here, with the token (METRICS_PORT without one stops startup);
//   METRICS_TOKEN only → here, with `Authorization: Bearer <token>`;
//   neither            → nowhere: 404, so an unconfigured site never publishes it.
// In a cluster worker the answer is the whole instance's (gathered by the primary), or
// 503 when a process did not answer in time.
import type { FastifyInstance } from 'fastify';
import { scrapeAllowed } from '../../observability/metrics.js';
import type { RouteDeps } from './deps.js';

export function metricsRoutes(app: FastifyInstance, { ctx }: RouteDeps): void {
  const { metrics } = ctx;

  // A global hook (this module is called on the root instance). routeOptions.url is
  // the pattern (`/app/elections/:key`), so no login or query string becomes a label.
  app.addHook('onResponse', (req, reply, done) => {
    metrics.observeRequest(req.method, req.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  const { token, port } = ctx.config.metrics;
  if (port !== null || token === null) return;

  app.get('/metrics', async (req, reply) => {
    if (!scrapeAllowed(req.headers.authorization, token)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="metrics"')
        .send({ error: 'Unauthorized', message: 'Send Authorization: Bearer <METRICS_TOKEN>.' });
    }
    const scrape = await metrics.scrape();
    if (!scrape.ok) {
      req.log.warn({ reason: scrape.reason }, 'metrics: the scrape could not gather every process');
      return reply
        .code(503)
        .header('retry-after', '5')
        .header('cache-control', 'no-store')
        .send({ error: 'Service Unavailable', message: `${scrape.reason}; scrape again.` });
    }
    return reply.header('content-type', metrics.contentType).header('cache-control', 'no-store').send(scrape.text);
  });
}
