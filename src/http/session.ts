// Sessions are encrypted, authenticated cookies (@fastify/secure-session): nothing
// to store server-side, so every replica accepts every session and no sticky
// sessions are needed. They hold the user's id, login and name, the CSRF secret and
// flash messages; never a GitHub token. HttpOnly, SameSite=Lax, Secure when APP_URL
// is https, and a hard expiry.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifySecureSession from '@fastify/secure-session';
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { AppContext } from './context.js';
import type { AssetUrls } from './assets.js';
import { render } from '../views/render.js';
import type { Flash, PageContext, SessionUser } from '../views/page.js';

declare module '@fastify/secure-session' {
  interface SessionData {
    user: SessionUser;
    flash: Flash[];
    _csrf: string;
  }
}

export const SESSION_COOKIE = 'scrutin_session';
/** Sessions end after this many seconds whatever the activity. */
export const SESSION_SECONDS = 12 * 60 * 60;

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false on routes authenticated otherwise (the signed webhook). */
    csrf?: boolean;
  }
}

export async function registerSessions(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(fastifySecureSession, {
    key: ctx.sessionKey,
    cookieName: SESSION_COOKIE,
    expiry: SESSION_SECONDS,
    cookie: {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: ctx.config.appUrl.protocol === 'https:',
      maxAge: SESSION_SECONDS,
    },
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

export function currentUser(req: FastifyRequest): SessionUser | null {
  return req.session.get('user') ?? null;
}

/** Starts a fresh session for `user` (a new CSRF secret too: no session fixation). */
export function signIn(req: FastifyRequest, user: SessionUser): void {
  req.session.regenerate();
  req.session.set('user', user);
}

export function signOut(req: FastifyRequest): void {
  req.session.regenerate();
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
  };
}

export function sendPage(reply: FastifyReply, node: JSX.Element, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(render(node));
}

/** Only same-site paths are ever used as a redirect target (Elekto had an open redirect). */
export function safeNext(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 2000) return null;
  // One leading slash, not two (protocol-relative), no backslash tricks, no scheme.
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\')) return null;
  for (const ch of raw) {
    const code = ch.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) return null;
  }
  try {
    const resolved = new URL(raw, 'http://same.invalid');
    if (resolved.host !== 'same.invalid') return null;
    return `${resolved.pathname}${resolved.search}`;
  } catch {
    return null;
  }
}
