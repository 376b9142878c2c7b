import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from './deps.js';

export function homeRoutes(app: FastifyInstance, _deps: RouteDeps): void {
  app.get('/', (_req, reply) => reply.redirect('/app', 302));
}
