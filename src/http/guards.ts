// Route guards. Every /app page requires a signed-in user: a GET is sent to /login
// (remembering where it was going), anything else gets 401.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';
import { currentUser } from './session.js';
import type { SessionUser } from '../views/page.js';

export function requireUser(req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void {
  const user = currentUser(req);
  if (user === null) {
    if (req.method === 'GET' || req.method === 'HEAD') {
      void reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
      return;
    }
    done(
      new HttpError(401, 'Please sign in', 'Your session has ended or you are not signed in. Sign in and try again.', [
        'Sign in',
        '/login',
      ]),
    );
    return;
  }
  req.user = user;
  done();
}

/** The signed-in user of a route guarded by requireUser. */
export function userOf(req: FastifyRequest): SessionUser {
  if (req.user === null) throw new HttpError(401, 'Please sign in', 'You are not signed in.', ['Sign in', '/login']);
  return req.user;
}
