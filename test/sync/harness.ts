// A real service (startService, no injected catalogue) pointed at a local git
// repository, on a fresh database, driven with inject; and GitHub-style webhook
// deliveries signed with the test secret.
import { createHmac, randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import type { MetaService } from '../../src/app/metaService.js';
import { parseConfig, type Config, type DbKind } from '../../src/config.js';
import type { ElectionEntry } from '../../src/core/meta/types.js';
import { startService, type Service } from '../../src/main.js';
import { freshDatabase, type TestDatabase } from '../helpers/db.js';
import { waitFor } from '../helpers/net.js';
import type { Upstream } from '../metarepo/gitRepo.js';
import { CHEAP_KDF } from '../helpers/ballotHarness.js';
import { logSink } from '../helpers/logs.js';

export const SECRET = 'webhook-secret-for-tests-0123';

export function sign(body: string | Buffer, secret = SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface MetaServer {
  service: Service;
  config: Config;
  meta: MetaService;
  database: TestDatabase;
  logs: string[];
  /** The current entry for `key` (throws when absent). */
  entry: (key: string) => ElectionEntry;
  /** Waits (polling, up to 20 s) until the served snapshot satisfies `probe`. */
  until: (probe: () => boolean, what: string) => Promise<void>;
  deliver: (options?: DeliveryOptions) => Promise<LightMyRequestResponse>;
  close: () => Promise<void>;
}

export interface DeliveryOptions {
  event?: string | null;
  ref?: string;
  body?: string;
  /** A signature header to send instead of the right one (null: none). */
  signature?: string | null;
  contentType?: string;
  /** X-GitHub-Delivery (null: none); a fresh id by default, as GitHub sends one per delivery. */
  delivery?: string | null;
}

export async function startMetaServer(
  upstream: Upstream,
  options: { kind?: DbKind; env?: Record<string, string>; database?: TestDatabase } = {},
): Promise<MetaServer> {
  const database = options.database ?? (await freshDatabase(options.kind ?? 'sqlite'));
  const config = parseConfig(
    {
      APP_ENV: 'development',
      APP_KEY: 'test-key-0123456789abcdef',
      DATABASE_URL: database.url,
      LOG_LEVEL: 'info',
      RATE_LIMIT_PER_MINUTE: '0',
      META_REPO: upstream.bare,
      META_PATH: upstream.checkout,
      META_BRANCH: 'main',
      ELECTION_DIR: 'elections',
      META_SECRET: SECRET,
      ...options.env,
    },
    process.cwd(),
    { purpose: 'serve' },
  );
  const { logs, sink } = logSink();
  // The real ballot service, with cheap key derivation for new links.
  const service = await startService(config, { listen: false, logDestination: sink, ballots: { newParams: CHEAP_KDF } });
  const meta = service.ctx.meta;
  if (meta === null) throw new Error('the service started without a meta repository');
  const entry = (key: string): ElectionEntry => {
    const e = service.ctx.catalogue.current().entries.get(key);
    if (e === undefined) throw new Error(`no election ${key}`);
    return e;
  };
  return {
    service,
    config,
    meta,
    database,
    logs,
    entry,
    until: async (probe, what) => {
      await waitFor(() => Promise.resolve(probe() ? true : undefined), 20_000, what);
    },
    deliver: (d = {}) => {
      const body =
        d.body ?? JSON.stringify({ ref: d.ref ?? 'refs/heads/main', after: 'f'.repeat(40), repository: { full_name: 'example/meta' } });
      const signature = d.signature === undefined ? sign(body) : d.signature;
      const headers: Record<string, string> = { 'content-type': d.contentType ?? 'application/json' };
      const delivery = d.delivery === undefined ? randomUUID() : d.delivery;
      if (delivery !== null) headers['x-github-delivery'] = delivery;
      const event = d.event === undefined ? 'push' : d.event;
      if (event !== null) headers['x-github-event'] = event;
      if (signature !== null) headers['x-hub-signature-256'] = signature;
      return service.app.inject({ method: 'POST', url: '/v1/webhooks/meta/sync', payload: body, headers });
    },
    close: async () => {
      await service.stop();
      if (options.database === undefined) await database.drop();
    },
  };
}
