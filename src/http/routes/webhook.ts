// POST /v1/webhooks/meta/sync: GitHub tells us the meta repository changed.
//
// The signature (`X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body with
// META_SECRET>`) is always checked, in constant time, before anything else is read;
// a missing or wrong one is 401 and nothing happens. A good push to META_BRANCH is
// answered 202 at once and the sync runs in the background (GitHub gives up after 10
// seconds); the same delivery (X-GitHub-Delivery) again is answered 200 `duplicate`
// and syncs nothing. The body and the signature are never logged.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteDeps } from './deps.js';

export const WEBHOOK_PATH = '/v1/webhooks/meta/sync';

/** Push payloads list every changed file of up to 20 commits; GitHub caps them at 25 MB. */
const WEBHOOK_BODY_LIMIT = 5 * 1024 * 1024;
/** Per client address; GitHub sends one delivery per push. */
const WEBHOOK_RATE_PER_MINUTE = 60;

const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/;

/** Whether `header` is `sha256=` + the HMAC-SHA256 of `body` with `secret`, compared in constant time. */
export function validSignature(secret: string, body: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  const match = SIGNATURE.exec(header.trim());
  if (match?.[1] === undefined) return false;
  const given = Buffer.from(match[1], 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  // Both are 32 bytes here (the pattern fixes the length), as timingSafeEqual requires.
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The JSON payload, sent as `application/json` or as the `payload` field of a form. */
function parsePayload(contentType: string | undefined, body: Buffer): unknown {
  if (body.length === 0) return {};
  const text = body.toString('utf8');
  if ((contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    const payload = new URLSearchParams(text).get('payload');
    return payload === null ? {} : (JSON.parse(payload) as unknown);
  }
  return JSON.parse(text) as unknown;
}

function refOf(payload: unknown): string | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const ref = (payload as { ref?: unknown }).ref;
  return typeof ref === 'string' ? ref : null;
}

function header(req: FastifyRequest, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' ? value.slice(0, 100) : null;
}

export function webhookRoutes(app: FastifyInstance, { ctx }: RouteDeps): void {
  /**
   * Whether this is the first time any replica sees the delivery. A signed delivery
   * replayed (by someone who captured one, or GitHub's "Redeliver") changes nothing.
   * If the database cannot say, the sync goes ahead: a replay costs one more sync
   * of the same commit, a lost push would leave the elections stale.
   */
  async function firstDelivery(req: FastifyRequest, delivery: string): Promise<boolean> {
    try {
      return await ctx.store.webhooks.recordFirst(delivery, ctx.clock());
    } catch (error) {
      req.log.warn({ err: error, delivery }, 'webhook: could not record the delivery id; syncing anyway');
      return true;
    }
  }

  // A scope of its own, so that only this route receives bodies as raw bytes (the
  // signature is over the exact bytes) and the rest of the application is unaffected.
  app.register((scope, _opts, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      ['application/json', 'application/x-www-form-urlencoded'],
      { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT },
      (_req, body, done) => {
        done(null, body);
      },
    );

    scope.post(
      WEBHOOK_PATH,
      {
        bodyLimit: WEBHOOK_BODY_LIMIT,
        config: { csrf: false, rateLimit: { max: WEBHOOK_RATE_PER_MINUTE, timeWindow: '1 minute' } },
      },
      async (req: FastifyRequest, reply: FastifyReply) => {
        const secret = ctx.config.meta.secret;
        if (secret === null) {
          return reply.code(503).send({
            error: 'Webhook not configured',
            message:
              'META_SECRET is not set on this server, so no webhook can be verified. Set META_SECRET to the secret configured in the GitHub webhook and restart.',
          });
        }
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const event = header(req, 'x-github-event');
        const delivery = header(req, 'x-github-delivery');
        if (!validSignature(secret, body, req.headers['x-hub-signature-256'])) {
          req.log.warn(
            { event, delivery, signature: req.headers['x-hub-signature-256'] === undefined ? 'missing' : 'wrong' },
            'webhook: rejected a delivery without a valid signature',
          );
          return reply
            .code(401)
            .send({ error: 'Invalid signature', message: 'X-Hub-Signature-256 is missing or does not match META_SECRET.' });
        }
        if (event === 'ping') return reply.code(200).send({ status: 'pong' });
        if (event !== null && event !== 'push') {
          return reply.code(202).send({ ignored: `event "${event}": only push events start a sync` });
        }
        let payload: unknown;
        try {
          payload = parsePayload(req.headers['content-type'], body);
        } catch {
          return reply.code(400).send({ error: 'Unreadable payload', message: 'The body is not the JSON payload of a GitHub webhook.' });
        }
        const wanted = `refs/heads/${ctx.config.meta.branch}`;
        const ref = refOf(payload);
        if (ref !== null && ref !== wanted) {
          req.log.info({ event, delivery, ref }, 'webhook: push to another branch ignored');
          return reply.code(202).send({ ignored: `push to ${ref}; this server follows ${wanted}` });
        }
        if (ctx.requestSync === undefined) {
          return reply.code(503).send({
            error: 'No meta repository',
            message: 'This server has no meta repository configured (META_REPO), so there is nothing to sync.',
          });
        }
        if (delivery !== null && !(await firstDelivery(req, delivery))) {
          req.log.info({ event, delivery }, 'webhook: delivery already received; not synced again');
          return reply.code(200).send({
            status: 'duplicate',
            message:
              'This delivery was already received, so the meta repository is not synced again. Push, or run `scrutin sync`, to sync now.',
          });
        }
        // A signed request without an event header (curl by an operator) syncs too.
        ctx.requestSync(`webhook${delivery === null ? '' : ` ${delivery}`}`);
        req.log.info({ event, delivery, ref }, 'webhook: sync requested');
        return reply.code(202).send({ status: 'accepted', message: 'The meta repository will be synced in the background.' });
      },
    );
    done();
  });
}
