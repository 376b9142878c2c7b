// Sign-in pages. GitHub OAuth (SPEC §3) is added here by the voter-path work; this
// file starts with the login page, the development sign-in and sign-out.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { LoginPage } from '../../views/LoginPage.js';
import { badRequest, notFound } from '../errors.js';
import { currentUser, flash, safeNext, sendPage, signIn, signOut } from '../session.js';
import type { RouteDeps } from './deps.js';

/** GitHub's login syntax: 1–39 alphanumerics or single hyphens, not at either end. */
export const githubLogin = z.string().trim().regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, 'A GitHub login has 1 to 39 letters, digits or single hyphens, and does not start or end with a hyphen.');

const devForm = z.object({ username: githubLogin, next: z.string().optional() });

/** A few logins from the meta repository to suggest on the development form. */
function demoLogins(deps: RouteDeps): string[] {
  const out = new Set<string>();
  for (const entry of deps.ctx.catalogue.current().entries.values()) {
    if (!entry.ok) continue;
    for (const o of entry.election.officers.slice(0, 2)) out.add(o);
    for (const v of entry.election.voters.slice(0, 3)) out.add(v);
  }
  return [...out].slice(0, 8);
}

export function authRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { ctx } = deps;

  app.get('/login', (req, reply) => {
    const next = safeNext((req.query as Record<string, unknown>).next ?? (req.query as Record<string, unknown>).r);
    if (currentUser(req) !== null) return reply.redirect(next ?? '/app', 303);
    return sendPage(reply, LoginPage({ ctx: deps.page(req, reply), next, github: ctx.config.github.clientId !== null, suggestions: ctx.config.devLogin ? demoLogins(deps) : [] }));
  });

  app.post('/login/dev', { config: { rateLimit: { max: 30, timeWindow: '1 minute' } } }, async (req, reply) => {
    if (!ctx.config.devLogin) throw notFound();
    const parsed = devForm.safeParse(req.body);
    if (!parsed.success) throw badRequest(parsed.error.issues[0]?.message ?? 'Enter a GitHub login.', ['Back to sign-in', '/login']);
    const user = await ctx.store.users.recordSignIn({ login: parsed.data.username, name: null, githubId: null, now: ctx.clock() });
    signIn(req, { id: user.id, login: user.login, name: user.name });
    req.log.info({ userId: user.id }, 'development sign-in');
    return reply.redirect(safeNext(parsed.data.next) ?? '/app', 303);
  });

  // Elekto linked to GET /logout; signing out changes state, so it takes a POST.
  app.get('/logout', (req, reply) => {
    if (currentUser(req) === null) return reply.redirect('/login', 303);
    flash(req, 'info', 'To sign out, use the "Sign out" button at the top of the page.');
    return reply.redirect('/app', 303);
  });

  app.post('/logout', (req, reply) => {
    signOut(req);
    flash(req, 'success', 'You are signed out.');
    return reply.redirect('/login', 303);
  });
}
