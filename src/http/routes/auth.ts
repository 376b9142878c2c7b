// Sign-in pages: GitHub OAuth (SPEC §3), the development sign-in and sign-out.
// The OAuth `state` and the page the user was going to travel in a short-lived
// HttpOnly cookie, signed with a key derived from APP_KEY and bound to this browser's
// session, so a cookie made up or carried over from another browser is refused.
// Only a same-site path (safeNext) is ever used as the final redirect. The GitHub
// token never leaves GitHubOAuth.signInWithCode.
import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { GitHubOAuth, GitHubSignInError } from '../../github/oauth.js';
import { LoginPage } from '../../views/LoginPage.js';
import { badRequest, notFound } from '../errors.js';
import { cookieName, currentUser, flash, safeNext, sendPage, signIn, signOut } from '../session.js';
import type { RouteDeps } from './deps.js';

/** A sign-in at GitHub must come back within this time. */
const OAUTH_COOKIE_SECONDS = 10 * 60;

interface PendingSignIn {
  state: string;
  next: string | null;
  /** Expiry, ms since the epoch: the cookie's Max-Age is only the browser's promise. */
  exp: number;
}

/**
 * The pending sign-in cookie: `payload.mac`, where the MAC (HMAC-SHA256 under a key of
 * its own) covers the payload and a digest of this browser's session CSRF secret.
 */
class PendingCookie {
  private readonly key: Buffer;

  constructor(sessionKey: Buffer) {
    this.key = Buffer.from(hkdfSync('sha256', sessionKey, Buffer.alloc(0), Buffer.from('scrutin oauth-pending v1'), 32));
  }

  private mac(payload: string, binding: string): Buffer {
    const bound = createHash('sha256').update(binding).digest('base64url');
    return createHmac('sha256', this.key).update(`${payload}.${bound}`).digest();
  }

  encode(pending: PendingSignIn, binding: string): string {
    const payload = Buffer.from(JSON.stringify(pending)).toString('base64url');
    return `${payload}.${this.mac(payload, binding).toString('base64url')}`;
  }

  /** The pending sign-in, or null when the cookie is missing, forged, from another browser or expired. */
  decode(raw: string | undefined, binding: string, now: Date): PendingSignIn | null {
    if (raw === undefined || raw === '' || raw.length > 4096) return null;
    const [payload, mac, extra] = raw.split('.');
    if (payload === undefined || mac === undefined || extra !== undefined) return null;
    const expected = this.mac(payload, binding);
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      const value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
      const parsed = z.object({ state: z.string().min(16), next: z.string().nullable(), exp: z.number() }).safeParse(value);
      if (!parsed.success || parsed.data.exp <= now.getTime()) return null;
      // `next` is checked again: it was checked when written, but the check may have grown since.
      return { state: parsed.data.state, next: safeNext(parsed.data.next), exp: parsed.data.exp };
    } catch {
      return null;
    }
  }
}

function sameState(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** What GitHub's `error` parameter means for the person signing in. */
function describeGitHubError(code: string): string {
  if (code === 'access_denied') return 'You cancelled signing in at GitHub, so you are not signed in.';
  if (code === 'redirect_uri_mismatch')
    return "GitHub refused the sign-in because this server's callback address does not match its OAuth app. Tell the administrator.";
  if (code === 'application_suspended') return "GitHub has suspended this server's OAuth app. Tell the administrator.";
  return 'GitHub could not complete the sign-in. Please try again.';
}

/** GitHub's login syntax: 1–39 alphanumerics or single hyphens, not at either end. */
export const githubLogin = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/,
    'A GitHub login has 1 to 39 letters, digits or single hyphens, and does not start or end with a hyphen.',
  );

const devForm = z.object({ username: githubLogin, next: z.string().optional() });

/** A few logins from the meta repository to suggest on the development form. */
/** The demo's login that is on no voter list, to try the exception request (as `scrutin demo` says). */
const DEMO_OUTSIDER = 'mallory';

/**
 * Logins to suggest on the development form: a few officers and voters, each once
 * (GitHub logins ignore letter case, and voters.yaml files spell them as they like),
 * then one on no voter list, when it is on none.
 */
function demoLogins(deps: RouteDeps): string[] {
  const out = new Map<string, string>();
  const add = (login: string) => {
    if (!out.has(login.toLowerCase())) out.set(login.toLowerCase(), login);
  };
  let outsiderListed = false;
  for (const entry of deps.ctx.catalogue.current().entries.values()) {
    if (!entry.ok) continue;
    for (const o of entry.election.officers.slice(0, 2)) add(o);
    for (const v of entry.election.voters.slice(0, 3)) add(v);
    if (entry.election.voters.some((v) => v.toLowerCase() === DEMO_OUTSIDER)) outsiderListed = true;
  }
  const logins = [...out.values()].slice(0, 8);
  return outsiderListed || out.has(DEMO_OUTSIDER) ? logins : [...logins, DEMO_OUTSIDER];
}

export function authRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { ctx } = deps;
  const fallback = GitHubOAuth.fromConfig(ctx.config);
  // A community served at its own host name signs in there: the OAuth callback (and so
  // the cookies) must be on that host, not APP_URL's. Register each such callback URL
  // with the GitHub app (docs/hosting.md).
  const byHost = new Map<string, GitHubOAuth | null>();
  for (const { info } of ctx.communities()) for (const host of info.hosts) byHost.set(host, GitHubOAuth.fromConfig(ctx.config, host));
  const githubFor = (req: FastifyRequest): GitHubOAuth | null => {
    const host = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
    return byHost.has(host) ? (byHost.get(host) ?? null) : fallback;
  };
  const callbackPath = ctx.config.github.redirect.split('?')[0] ?? '/oauth/github/callback';
  const https = ctx.config.appUrl.protocol === 'https:';
  const pendingName = cookieName('scrutin_oauth', https);
  // `__Host-` cookies must have path `/`; over plain http the cookie is scoped to the callback.
  const cookieOptions = { path: https ? '/' : callbackPath, httpOnly: true, sameSite: 'lax', secure: https } as const;
  const pendingCookie = new PendingCookie(ctx.sessionKey);
  /** Binds the pending cookie to this browser's session (the CSRF secret the start form was checked against). */
  const binding = (req: FastifyRequest) => req.session.get('_csrf') ?? '';

  /** Back to the sign-in page with a message, still remembering where the user was going. */
  const backToLogin = (req: FastifyRequest, reply: FastifyReply, message: string, next: string | null) => {
    flash(req, 'error', message);
    return reply.redirect(next === null ? '/login' : `/login?next=${encodeURIComponent(next)}`, 303);
  };

  app.post('/oauth/github/login', { config: { rateLimit: { max: 30, timeWindow: '1 minute' } } }, (req, reply) => {
    const github = githubFor(req);
    if (github === null) throw notFound();
    const next = safeNext((req.body as Record<string, unknown> | undefined)?.next);
    const state = github.newState();
    const exp = ctx.clock().getTime() + OAUTH_COOKIE_SECONDS * 1000;
    void reply.setCookie(pendingName, pendingCookie.encode({ state, next, exp }, binding(req)), {
      ...cookieOptions,
      maxAge: OAUTH_COOKIE_SECONDS,
    });
    return reply.redirect(github.authorizationUrl(state).href, 303);
  });

  // Elekto's login page linked here; starting a sign-in is a POST, so show the form.
  app.get('/oauth/github/login', (_req, reply) => reply.redirect('/login', 303));

  app.get(callbackPath, async (req, reply) => {
    const github = githubFor(req);
    if (github === null) throw notFound();
    const query = req.query as Record<string, unknown>;
    const raw = req.cookies[pendingName];
    const pending = pendingCookie.decode(raw, binding(req), ctx.clock());
    void reply.clearCookie(pendingName, cookieOptions);
    if (pending === null) {
      if (raw !== undefined && raw !== '')
        req.log.warn('GitHub callback with a sign-in cookie that is forged, expired or from another browser session');
      return backToLogin(req, reply, 'Your sign-in took too long or was started in another window. Please sign in again.', null);
    }
    if (typeof query.state !== 'string' || !sameState(query.state, pending.state)) {
      req.log.warn("GitHub callback with a state that does not match this browser's sign-in");
      return backToLogin(req, reply, 'This sign-in could not be verified as yours. Please sign in again.', pending.next);
    }
    if (typeof query.error === 'string') {
      req.log.info({ githubError: query.error.slice(0, 64) }, 'GitHub sign-in not completed');
      return backToLogin(req, reply, describeGitHubError(query.error), pending.next);
    }
    if (typeof query.code !== 'string' || query.code === '' || query.code.length > 512) {
      return backToLogin(req, reply, 'GitHub did not send a sign-in code. Please sign in again.', pending.next);
    }
    let profile;
    try {
      profile = await github.signInWithCode(query.code);
    } catch (error) {
      if (!(error instanceof GitHubSignInError)) throw error;
      req.log.warn({ kind: error.kind, detail: error.detail }, 'GitHub sign-in failed');
      return backToLogin(req, reply, error.message, pending.next);
    }
    const user = await ctx.store.users.recordSignIn({ login: profile.login, name: profile.name, githubId: profile.id, now: ctx.clock() });
    await signIn(req, reply, ctx, { id: user.id, login: user.login, name: user.name });
    req.log.info({ userId: user.id }, 'GitHub sign-in');
    return reply.redirect(pending.next ?? '/app', 303);
  });

  app.get('/login', (req, reply) => {
    const next = safeNext((req.query as Record<string, unknown>).next ?? (req.query as Record<string, unknown>).r);
    if (currentUser(req) !== null) return reply.redirect(next ?? '/app', 303);
    return sendPage(
      reply,
      LoginPage({
        ctx: deps.page(req, reply),
        next,
        github: ctx.config.github.clientId !== null,
        suggestions: ctx.config.devLogin ? demoLogins(deps) : [],
      }),
    );
  });

  app.post('/login/dev', { config: { rateLimit: { max: 30, timeWindow: '1 minute' } } }, async (req, reply) => {
    if (!ctx.config.devLogin) throw notFound();
    const parsed = devForm.safeParse(req.body);
    if (!parsed.success) throw badRequest(parsed.error.issues[0]?.message ?? 'Enter a GitHub login.', ['Back to sign-in', '/login']);
    const user = await ctx.store.users.recordSignIn({ login: parsed.data.username, name: null, githubId: null, now: ctx.clock() });
    await signIn(req, reply, ctx, { id: user.id, login: user.login, name: user.name });
    req.log.info({ userId: user.id }, 'development sign-in');
    return reply.redirect(safeNext(parsed.data.next) ?? '/app', 303);
  });

  // Elekto linked to GET /logout; signing out changes state, so it takes a POST.
  app.get('/logout', (req, reply) => {
    if (currentUser(req) === null) return reply.redirect('/login', 303);
    flash(req, 'info', 'To sign out, use the "Sign out" button at the top of the page.');
    return reply.redirect('/app', 303);
  });

  // Sessions have no identity of their own beyond the user, so signing out ends the
  // user's sessions everywhere; "sign out everywhere" says so on the dashboard for the
  // user who is looking for it (a shared computer, a lost device).
  app.post('/logout', async (req, reply) => {
    await signOut(req, ctx);
    flash(req, 'success', 'You are signed out.');
    return reply.redirect('/login', 303);
  });

  app.post('/logout/everywhere', async (req, reply) => {
    const user = currentUser(req);
    await signOut(req, ctx);
    if (user !== null) req.log.info({ userId: user.id }, 'signed out everywhere');
    flash(req, 'success', 'You are signed out in every browser and on every device.');
    return reply.redirect('/login', 303);
  });
}
