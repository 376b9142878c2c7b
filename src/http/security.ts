// Headers and limits that protect every page: a strict Content-Security-Policy (no
// inline script or style, nothing from another origin), the usual helmet headers,
// and a per-client request limit. Forms may post to GitHub only because the OAuth
// sign-in form redirects there.
//
// helmet's middleware is built once, here: the @fastify/helmet plugin built a new one
// (parsing every CSP directive again) on each request, about 5% of a page's CPU. The
// headers are the same on every answer, since Scrutin uses no per-request nonces.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import helmet from 'helmet';
import type { AppContext } from './context.js';

export function contentSecurityPolicy(ctx: AppContext): Record<string, string[] | null> {
  const https = ctx.config.appUrl.protocol === 'https:';
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'"],
    'font-src': ["'self'"],
    'connect-src': ["'self'"],
    'form-action': ["'self'", ctx.config.github.url.origin],
    'frame-ancestors': ["'none'"],
    'base-uri': ["'none'"],
    'object-src': ["'none'"],
    'upgrade-insecure-requests': https ? [] : null,
  };
}

export async function registerSecurity(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const headers = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(ctx) },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: ctx.config.appUrl.protocol === 'https:' ? { maxAge: 31536000, includeSubDomains: true } : false,
  });
  app.addHook('onRequest', (req, reply, done) => {
    // helmet 8 throws rather than passing an error on.
    headers(req.raw, reply.raw, () => {
      done();
    });
  });
  await app.register(fastifyRateLimit, {
    global: ctx.config.rateLimitPerMinute > 0,
    max: ctx.config.rateLimitPerMinute > 0 ? ctx.config.rateLimitPerMinute : 1_000_000,
    timeWindow: '1 minute',
    // Health checks come from the orchestrator, many times a minute.
    allowList: (req) => req.url === '/health' || req.url.startsWith('/health/'),
    // A Unix-socket peer has no address: without a trusted X-Forwarded-For (TRUST_PROXY=1,
    // docs/operations.md) req.ip is undefined, which the default key generator cannot
    // take. All such requests then share the proxy's budget. (Over TCP the default
    // generator stays, with its grouping of IPv6 clients by /64.)
    ...(ctx.config.connect === 'socket'
      ? { keyGenerator: (req: FastifyRequest) => (req.ip as string | undefined) ?? 'unix-socket-peer' }
      : {}),
  });
}
