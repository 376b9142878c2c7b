// What each route module receives. Route files register their routes on `app`;
// handlers parse → load → authorise → act → present, in about twenty lines.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AssetUrls } from '../assets.js';
import type { AppContext } from '../context.js';
import type { PageContext, SessionUser } from '../../views/page.js';

export interface RouteDeps {
  ctx: AppContext;
  assets: AssetUrls;
  /** The page context for this request (user, CSRF token, flashes...). */
  page: (req: FastifyRequest, reply: FastifyReply) => PageContext;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the `requireUser` preHandler on protected routes. */
    user: SessionUser | null;
  }
}
