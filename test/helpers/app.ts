// An application built in-process on a fresh database, driven through Fastify's
// inject (no sockets), with a cookie jar and CSRF-aware form posts.
import type { LightMyRequestResponse } from 'fastify';
import { parseConfig, type Config } from '../../src/config.js';
import type { BallotServiceOptions } from '../../src/app/ballots/service.js';
import type { DeriveKey } from '../../src/core/ballot/secrecy.js';
import type { MetaSnapshot } from '../../src/core/meta/types.js';
import { emptySnapshot, FixedCatalogue } from '../../src/metarepo/catalogue.js';
import { startService, type Service } from '../../src/main.js';
import { CHEAP_KDF } from './ballotHarness.js';
import { freshDatabase, type TestDatabase } from './db.js';
import type { DbKind } from '../../src/config.js';
import { logSink } from './logs.js';

export interface TestApp {
  service: Service;
  config: Config;
  catalogue: FixedCatalogue;
  database: TestDatabase;
  /** Every log line written during the test, as raw JSON text. */
  logs: string[];
  /** Move the clock: the app reads time only through this. */
  setNow: (date: Date) => void;
  client: () => TestClient;
  /** Values every log line must not contain (passphrases, tokens, session cookies seen by clients). */
  secrets: Set<string>;
  close: () => Promise<void>;
}

/** Form fields whose values are secrets: the passphrase, OAuth codes, tokens. */
const SECRET_FIELD = /pass|token|secret|^code$|^state$/i;

/**
 * The whole-suite log check: every app built here fails its test at close() if any
 * log line holds a secret a client sent or received, or any ballot field.
 */
export function leakedSecrets(logs: readonly string[], secrets: ReadonlySet<string>): string[] {
  const found: string[] = [];
  for (const line of logs) {
    if (line.includes('candidate@')) found.push(`ballot field in: ${line.slice(0, 200)}`);
    for (const secret of secrets) if (line.includes(secret)) found.push(`"${secret.slice(0, 6)}…" in: ${line.slice(0, 200)}`);
  }
  return found;
}

export interface TestAppOptions {
  kind?: DbKind;
  /** Use this database (left in place at close) instead of a fresh one. */
  database?: TestDatabase;
  env?: Record<string, string>;
  snapshot?: MetaSnapshot;
  /**
   * `configured`: the service reads the meta repositories `env` names (META_REPO, or
   * COMMUNITIES with META_PATH), as it does in production, and `catalogue` is unused.
   * Default: the fixed `snapshot`.
   */
  meta?: 'snapshot' | 'configured';
  now?: Date;
  /** Options of the real ballot service (default: cheap KDF parameters for new links). */
  ballots?: BallotServiceOptions;
  /** The derivation the server's KDF pool bounds (e.g. one a test can hold). */
  derive?: DeriveKey;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await freshDatabase(options.kind ?? 'sqlite'));
  const env = {
    APP_ENV: 'development',
    APP_KEY: 'test-key-0123456789abcdef',
    DATABASE_URL: database.url,
    LOG_LEVEL: 'info',
    RATE_LIMIT_PER_MINUTE: '0',
    ...options.env,
  };
  const config = parseConfig(env, process.cwd());
  let now = options.now ?? new Date();
  const catalogue = new FixedCatalogue(options.snapshot ?? emptySnapshot(now));
  const { logs, sink } = logSink();
  const clock = () => now;
  const ballots = options.ballots ?? { newParams: CHEAP_KDF };
  const service = await startService(config, {
    listen: false,
    clock,
    ...(options.meta === 'configured' ? {} : { catalogue }),
    logDestination: sink,
    ballots,
    ...(options.derive !== undefined ? { derive: options.derive } : {}),
  });
  const secrets = new Set<string>();
  return {
    service,
    config,
    catalogue,
    database,
    logs,
    setNow: (date) => {
      now = date;
    },
    client: () => new TestClient(service, secrets),
    secrets,
    close: async () => {
      await service.stop();
      if (options.database === undefined) await database.drop();
      const leaks = leakedSecrets(logs, secrets);
      if (leaks.length > 0) throw new Error(`secrets reached the logs:\n${leaks.join('\n')}`);
    },
  };
}

export class TestClient {
  readonly cookies = new Map<string, string>();
  /** The client's address, as the rate limits see it (set one per client to test past them). */
  remoteAddress = '127.0.0.1';
  constructor(
    private readonly service: Service,
    private readonly secrets: Set<string> = new Set(),
  ) {}

  private cookieHeader(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
  }

  private remember(res: LightMyRequestResponse): void {
    for (const c of res.cookies as Array<{ name: string; value: string; maxAge?: number; expires?: Date }>) {
      if (c.value === '' || c.maxAge === 0) this.cookies.delete(c.name);
      else {
        this.cookies.set(c.name, c.value);
        if (c.value.length >= 16) this.secrets.add(c.value);
      }
    }
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const cookie = this.cookieHeader();
    const res = await this.service.app.inject({
      method: 'GET',
      url,
      remoteAddress: this.remoteAddress,
      headers: { ...headers, ...(cookie ? { cookie } : {}) },
    });
    this.remember(res);
    return res;
  }

  /** Posts a urlencoded form. Pass `csrfFrom` to take the token from a page first. */
  async post(
    url: string,
    form: Record<string, string | string[]>,
    options: { csrfFrom?: string; headers?: Record<string, string> } = {},
  ): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams();
    if (options.csrfFrom !== undefined) body.append('_csrf', await this.csrf(options.csrfFrom));
    for (const [k, v] of Object.entries(form)) {
      for (const one of Array.isArray(v) ? v : [v]) {
        body.append(k, one);
        // Short all-digit values (a six-digit passcode) would match timestamps and durations by chance.
        if (SECRET_FIELD.test(k) && one.length >= 4 && !/^\d{1,11}$/.test(one)) this.secrets.add(one);
      }
    }
    const cookie = this.cookieHeader();
    const res = await this.service.app.inject({
      method: 'POST',
      url,
      remoteAddress: this.remoteAddress,
      payload: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers, ...(cookie ? { cookie } : {}) },
    });
    this.remember(res);
    return res;
  }

  /** The CSRF token from a page's form. */
  async csrf(pageUrl: string): Promise<string> {
    const res = await this.get(pageUrl);
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (m?.[1] === undefined) throw new Error(`no CSRF token on ${pageUrl} (status ${res.statusCode})`);
    return m[1];
  }

  /** Development sign-in as `login`. */
  async signIn(login: string): Promise<void> {
    // Already signed in (a sign-in replaces the session): /login redirects, any page has the token.
    const from = (await this.get('/login')).statusCode === 200 ? '/login' : '/app';
    const res = await this.post('/login/dev', { username: login }, { csrfFrom: from });
    if (res.statusCode !== 303) throw new Error(`sign-in failed: ${res.statusCode} ${res.body.slice(0, 200)}`);
  }
}
