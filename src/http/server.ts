// Builds the Fastify application: third-party plugins first (security headers,
// sessions, CSRF, rate limits, forms, static files), then one route module per
// area, and one error handler that gives every error a page with the right status.
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyFormbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import { Refused } from '../app/refusals.js';
import type { DbFault } from '../storage/errors.js';
import { ErrorPage } from '../views/ErrorPage.js';
import type { PageContext } from '../views/page.js';
import { explain } from './answers.js';
import { assetUrls, publicDir, type AssetUrls } from './assets.js';
import type { AppContext } from './context.js';
import { HttpError, refusalError, unavailableAnswer } from './errors.js';
import { httpTimeouts } from './timeouts.js';
import { registerResilience } from './resilience.js';
import { registerSecurity } from './security.js';
import { pageContext, registerSessions, sendPage } from './session.js';
import type { RouteDeps } from './routes/deps.js';
import { adminRoutes } from './routes/admin.js';
import { authRoutes } from './routes/auth.js';
import { exceptionRoutes } from './routes/exception.js';
import { healthRoutes } from './routes/health.js';
import { homeRoutes } from './routes/home.js';
import { metricsRoutes } from './routes/metrics.js';
import { publicRoutes } from './routes/public.js';
import { voteRoutes } from './routes/vote.js';
import { voterRoutes } from './routes/voter.js';
import { webhookRoutes } from './routes/webhook.js';
import { communitiesRoutes } from './routes/communities.js';
import { prefixHtml, prefixLocation } from './communityLinks.js';

/** Form bodies stay small: the largest is an exception request. */
export const BODY_LIMIT = 256 * 1024;

function wantsJson(req: FastifyRequest): boolean {
  if (req.url.startsWith('/v1/') || /^\/c\/[^/]+\/v1\//.test(req.url) || req.url === '/metrics') return true;
  const accept = req.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

/** A page context that never fails, for errors raised before the session was read. */
function safePageContext(req: FastifyRequest, reply: FastifyReply, ctx: AppContext, assets: AssetUrls): PageContext {
  try {
    return pageContext(req, reply, { ctx, assets });
  } catch {
    return { appName: ctx.config.appName, user: null, csrfToken: '', flash: [], devLogin: ctx.config.devLogin, path: '/', assets, explain };
  }
}

interface Described {
  status: number;
  title: string;
  message: string;
  next?: [string, string];
  retryAfterSeconds?: number;
  /** The database's fault, when that is why. */
  fault?: DbFault;
}

function describe(error: FastifyError | HttpError | Error): Described {
  if (error instanceof Refused) return describe(refusalError(error.refusal));
  if (error instanceof HttpError) {
    return {
      status: error.statusCode,
      title: error.title,
      message: error.message,
      ...(error.next ? { next: error.next } : {}),
      ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
    };
  }
  const unavailable = unavailableAnswer(error);
  if (unavailable !== null) return unavailable;
  const e = error as FastifyError;
  const status = typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 600 ? e.statusCode : 500;
  if (e.code === 'FST_CSRF_INVALID_TOKEN' || e.code === 'FST_CSRF_MISSING_SECRET') {
    return {
      status: 403,
      title: 'This form has expired',
      message:
        'For your safety, forms only work for a while after the page was opened, and only from this site. Go back, reload the page, and submit it again.',
    };
  }
  if (status === 429)
    return { status, title: 'Too many requests', message: 'You have made too many requests in a short time. Wait a minute and try again.' };
  if (status === 413)
    return {
      status,
      title: 'That was too large',
      message: 'The form you sent is larger than this server accepts. Shorten the text and try again.',
    };
  if (status === 415 || status === 400)
    return {
      status,
      title: 'Something is wrong with that request',
      message: 'The server could not read what your browser sent. Go back, reload the page and try again.',
    };
  if (status === 404) return { status, title: 'Not found', message: 'There is no such page.' };
  if (status < 500) return { status, title: 'That did not work', message: e.message };
  return {
    status: 500,
    title: 'Something went wrong on our side',
    message:
      'The server could not complete your request. Nothing you did caused this. Please try again in a moment; if it keeps happening, tell the election officers.',
  };
}

/** A hop count becomes Fastify's function form; addresses and booleans pass through. */
function trustProxyOption(value: boolean | number | string): boolean | string | ((address: string, hop: number) => boolean) {
  if (typeof value !== 'number') return value;
  return (_address, hop) => hop < value;
}

export async function buildServer(ctx: AppContext): Promise<FastifyInstance> {
  const limits = httpTimeouts(ctx.config.timeouts);
  const app = Fastify({
    // Fastify sets requestTimeout and keepAliveTimeout itself (its defaults: none and
    // 72 s), after creating the server with the `http` options.
    http: limits,
    requestTimeout: limits.requestTimeout,
    keepAliveTimeout: limits.keepAliveTimeout,
    loggerInstance: ctx.log,
    trustProxy: trustProxyOption(ctx.config.trustProxy),
    bodyLimit: BODY_LIMIT,
    genReqId: () => randomUUID(),
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.decorateRequest('user', null);
  const assets = assetUrls();
  registerResilience(app, ctx);

  await registerSecurity(app, ctx);
  await app.register(fastifyFormbody, { bodyLimit: BODY_LIMIT });
  await registerSessions(app, ctx);
  await app.register(fastifyStatic, { root: publicDir, prefix: '/assets/', maxAge: '365d', immutable: true, index: false, list: false });

  const deps: RouteDeps = { ctx, assets, page: (req, reply) => pageContext(req, reply, { ctx, assets }) };

  app.setErrorHandler((error: FastifyError | HttpError, req, reply) => {
    const d = describe(error);
    if (d.retryAfterSeconds !== undefined) void reply.header('retry-after', String(d.retryAfterSeconds));
    if (d.fault !== undefined) req.log.warn({ err: error, code: (error as FastifyError).code }, 'database unavailable: answered 503');
    else if (d.status >= 500) req.log.error({ err: error }, 'request failed');
    else req.log.info({ status: d.status, code: (error as FastifyError).code }, d.title);
    if (wantsJson(req)) return reply.code(d.status).send({ error: d.title, message: d.message });
    const detail = ctx.config.debug && d.status >= 500 ? (error.stack ?? error.message) : undefined;
    return sendPage(
      reply,
      ErrorPage({
        ctx: safePageContext(req, reply, ctx, assets),
        status: d.status,
        title: d.title,
        message: d.message,
        ...(d.next ? { next: d.next } : {}),
        ...(detail !== undefined ? { detail } : {}),
      }),
      d.status,
    );
  });
  app.setNotFoundHandler((req, reply) => {
    if (wantsJson(req)) return reply.code(404).send({ error: 'Not found' });
    return sendPage(
      reply,
      ErrorPage({
        ctx: safePageContext(req, reply, ctx, assets),
        status: 404,
        title: 'Not found',
        message: 'There is no such page. Check the address, or start again from the list of elections.',
      }),
      404,
    );
  });

  // The service's own routes, the same for every community: sessions are shared.
  for (const routes of [healthRoutes, authRoutes, metricsRoutes]) routes(app, deps);
  const communities = ctx.communities();
  if (communities.length === 0) {
    for (const routes of [homeRoutes, ...COMMUNITY_ROUTES]) routes(app, deps);
    return app;
  }
  const depsOf = (c: AppContext): RouteDeps => ({ ctx: c, assets, page: (req, reply) => pageContext(req, reply, { ctx: c, assets }) });
  for (const { info, ctx: c } of communities) {
    const base = `/c/${info.key}`;
    await app.register(
      (scope, _opts, done) => {
        scope.addHook('onSend', (_req, reply, payload, next) => {
          const location = reply.getHeader('location');
          if (typeof location === 'string') void reply.header('location', prefixLocation(location, base));
          const type = reply.getHeader('content-type');
          next(
            null,
            typeof payload === 'string' && typeof type === 'string' && type.startsWith('text/html') ? prefixHtml(payload, base) : payload,
          );
        });
        for (const routes of [homeRoutes, ...COMMUNITY_ROUTES]) routes(scope, depsOf(c));
        done();
      },
      { prefix: base },
    );
    if (info.hosts.length > 0) {
      // Its own host names serve it at Elekto's plain URLs. Fastify matches the Host
      // header (the proxy must pass it on, as deploy/nginx does), with any port.
      const host = new RegExp(`^(?:${info.hosts.map((h) => h.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?::\\d+)?$`, 'i');
      await app.register((scope, _opts, done) => {
        scope.addHook('onRoute', (route) => {
          route.constraints = { ...route.constraints, host };
        });
        for (const routes of [homeRoutes, ...COMMUNITY_ROUTES]) routes(scope, depsOf(c));
        done();
      });
    }
  }
  // The plain URLs elsewhere: the default community's pages, if there is one, and the
  // front page listing every community.
  const fallback = communities.find((e) => e.info.isDefault);
  if (fallback !== undefined) for (const routes of COMMUNITY_ROUTES) routes(app, depsOf(fallback.ctx));
  communitiesRoutes(app, deps, ['/', '/c']);
  return app;
}

/** The routes each community has (its home `/` aside, which the front page may take). */
const COMMUNITY_ROUTES = [publicRoutes, voterRoutes, voteRoutes, exceptionRoutes, adminRoutes, webhookRoutes];
