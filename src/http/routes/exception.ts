// Placeholder: the routes of this area are delivered by their own issue. The module
// is registered already so each area owns exactly one file.
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from './deps.js';

export function exceptionRoutes(_app: FastifyInstance, _deps: RouteDeps): void {
  // Nothing yet.
}
