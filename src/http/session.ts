// Sessions are encrypted, authenticated cookies (@fastify/secure-session): any replica
// accepts any session and no sticky sessions are needed. They hold the user's id, login
// and name, when the user signed in and the user's session generation at that moment,
// the CSRF secret and flash messages; never a GitHub token. HttpOnly, SameSite=Lax,
// Secure and `__Host-` prefixed when APP_URL is https.
//
// A session ends, whatever the activity:
//  - SESSION_SECONDS after sign-in (the time is in the session and set once; the
//    cookie's own timestamp is re-stamped by every write, so it cannot be the limit);
//  - when the user's session generation in the database moves past the one the session
//    was issued with: sign-out, "sign out everywhere", or another GitHub account taking
//    over the login. So a copy of the cookie is worthless after sign-out.
// Every request whose session names a user pays one primary-key lookup of `user`
// (generation, login, name), which also makes the login the database's, not the one
// remembered at sign-in. No cache: a revocation takes effect on the next request.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifySecureSession from '@fastify/secure-session';
import type { JSX } from 'hono/jsx/jsx-runtime';
import { RELEASED_MARK } from '../storage/users.js';
import type { AppContext } from './context.js';
import { explain } from './answers.js';
import type { AssetUrls } from './assets.js';
import { render } from '../views/render.js';
import type { Flash, PageContext, SessionUser } from '../views/page.js';

export { safeNext } from './safeNext.js';

declare module '@fastify/secure-session' {
  interface SessionData {
    user: SessionUser;
    /** Sign-in time, ms since the epoch by the server's clock; never changed afterwards. */
    signedInAt: number;
    /** user.session_generation when this session was issued. */
    generation: number;
    flash: Flash[];
    _csrf: string;
    /** Election key → when this browser's pending cast there started (ms): the sealing page's hint across replicas. */
    casting: Record<string, number>;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The session's user once checked against the database (null: signed out). */
    sessionUser: SessionUser | null;
  }
}

/** Sessions end after this many seconds from sign-in, whatever the activity. */
export const SESSION_SECONDS = 12 * 60 * 60;

/**
 * Cookie names. Under https the `__Host-` prefix makes browsers refuse the cookie unless
 * it is Secure, for path `/` and without a Domain: a sibling subdomain cannot plant or
 * overwrite it. Plain http (development, the demo) cannot use the prefix.
 */
export function cookieName(base: 'scrutin_session' | 'scrutin_oauth', https: boolean): string {
  return https ? `__Host-${base}` : base;
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Requests that never look at the user: static files, probes, metrics, the signed webhook. */
const NO_USER = /^\/(?:assets\/|health(?:[/?]|$)|metrics(?:[/?]|$)|v1\/)/;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false on routes authenticated otherwise (the signed webhook). */
    csrf?: boolean;
  }
}

export async function registerSessions(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const https = ctx.config.appUrl.protocol === 'https:';
  await app.register(fastifySecureSession, {
    key: ctx.sessionKey,
    cookieName: cookieName('scrutin_session', https),
    // The plugin's own limit, counted from the last write; the real one is signedInAt.
    expiry: SESSION_SECONDS,
    cookie: {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: https,
      maxAge: SESSION_SECONDS,
    },
  });
  app.decorateRequest('sessionUser', null);
  // After the plugin's own onRequest hook, which decodes the cookie.
  app.addHook('onRequest', async (req) => {
    if (NO_USER.test(req.url)) return;
    req.sessionUser = await verifiedUser(req, ctx);
  });
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/secure-session',
    getToken: (req) => {
      const body = req.body as Record<string, unknown> | undefined;
      const fromBody = body?._csrf;
      if (typeof fromBody === 'string') return fromBody;
      const header = req.headers['x-csrf-token'];
      return typeof header === 'string' ? header : undefined;
    },
  });
  // After the body is parsed (a preHandler), so the form's _csrf field is visible.
  app.addHook('preHandler', (req, reply, done) => {
    if (!UNSAFE_METHODS.has(req.method) || req.routeOptions.config.csrf === false) {
      done();
      return;
    }
    app.csrfProtection(req, reply, done);
  });
}

/** The session's user if the session is still valid; otherwise forgets the user (keeping the CSRF secret) and returns null. */
async function verifiedUser(req: FastifyRequest, ctx: AppContext): Promise<SessionUser | null> {
  const user = req.session.get('user');
  if (user === undefined) return null;
  const signedInAt = req.session.get('signedInAt');
  const generation = req.session.get('generation');
  const expired = typeof signedInAt !== 'number' || ctx.clock().getTime() - signedInAt >= SESSION_SECONDS * 1000;
  const state = expired || typeof generation !== 'number' ? null : await ctx.store.users.sessionState(user.id);
  if (
    state === null ||
    state.generation !== generation ||
    state.login === null ||
    state.login === '' ||
    state.login.includes(RELEASED_MARK)
  ) {
    forgetUser(req);
    flash(
      req,
      'info',
      expired
        ? `Your session has ended: sessions last ${SESSION_SECONDS / 3600} hours from signing in. Please sign in again.`
        : 'Your session has ended (you signed out, possibly in another browser). Please sign in again.',
    );
    return null;
  }
  return { id: user.id, login: state.login, name: state.name };
}

function forgetUser(req: FastifyRequest): void {
  req.session.set('user', undefined);
  req.session.set('signedInAt', undefined);
  req.session.set('generation', undefined);
  req.sessionUser = null;
}

/** The signed-in user of this request, checked against the database; null when signed out. */
export function currentUser(req: FastifyRequest): SessionUser | null {
  return req.sessionUser;
}

/**
 * Starts a fresh session for `user` with a new CSRF secret (no session fixation). The
 * secret is made now, in the cookie that sign-in sets anyway, rather than by the first
 * page with a form: otherwise that page would have to write the cookie again.
 */
export async function signIn(req: FastifyRequest, reply: FastifyReply, ctx: AppContext, user: SessionUser): Promise<void> {
  const state = await ctx.store.users.sessionState(user.id);
  req.session.regenerate();
  reply.generateCsrf();
  req.session.set('user', user);
  req.session.set('signedInAt', ctx.clock().getTime());
  req.session.set('generation', state?.generation ?? 0);
  req.sessionUser = user;
}

/**
 * Ends the session here and every copy of it. Sessions carry no identity of their own
 * beyond the user, so this ends every session of the user, in every browser.
 */
export async function signOut(req: FastifyRequest, ctx: AppContext): Promise<void> {
  const user = currentUser(req);
  if (user !== null) await ctx.store.users.endSessions(user.id);
  req.session.regenerate();
  req.sessionUser = null;
}

export function flash(req: FastifyRequest, kind: Flash['kind'], text: string): void {
  const list = req.session.get('flash') ?? [];
  req.session.set('flash', [...list, { kind, text }].slice(-5));
}

function takeFlash(req: FastifyRequest): Flash[] {
  const list = req.session.get('flash') ?? [];
  if (list.length > 0) req.session.set('flash', undefined);
  return list;
}

export interface PageOptions {
  ctx: AppContext;
  assets: AssetUrls;
}

export function pageContext(req: FastifyRequest, reply: FastifyReply, options: PageOptions): PageContext {
  return {
    appName: options.ctx.config.appName,
    user: currentUser(req),
    csrfToken: reply.generateCsrf(),
    flash: takeFlash(req),
    devLogin: options.ctx.config.devLogin,
    path: req.url.split('?')[0] ?? '/',
    assets: options.assets,
    explain,
  };
}

export function sendPage(reply: FastifyReply, node: JSX.Element, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(render(node));
}
