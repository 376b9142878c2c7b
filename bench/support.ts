// Shared by the HTTP benchmarks (bench/vote.ts, bench/passphraseRush.ts): the real
// server (bench/voteServer.ts) in a process of its own, a client with a cookie jar that
// signs in with the development form, a worker pool and a percentile.
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../src/config.js';
import type { MetaSnapshot } from '../src/core/meta/types.js';
import { startService, type Service } from '../src/main.js';
import { FixedCatalogue } from '../src/metarepo/catalogue.js';
import type { TestDatabase } from '../test/helpers/db.js';
import { freePort, waitFor } from '../test/helpers/net.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const serverScript = fileURLToPath(new URL('./voteServer.ts', import.meta.url));

export interface BenchResponse {
  status: number;
  cookies: string[];
  body: string;
  /** The Location header of a redirect ('' otherwise). */
  location: string;
}

export class BenchClient {
  readonly cookies = new Map<string, string>();
  csrf = '';
  constructor(
    readonly port: number,
    readonly agent: Agent,
    readonly address: string,
  ) {}

  /** One request; `port` sends it elsewhere (a proxy in front of the server) with the same cookies. */
  send(method: 'GET' | 'POST', path: string, form?: Record<string, string>, port = this.port): Promise<BenchResponse> {
    const body = form === undefined ? undefined : new URLSearchParams(form).toString();
    const headers: Record<string, string> = { 'x-forwarded-for': this.address };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const setCookie = res.headers['set-cookie'] ?? [];
          for (const c of setCookie) {
            const [pair] = c.split(';');
            const eq = pair?.indexOf('=') ?? -1;
            if (pair === undefined || eq < 0) continue;
            const name = pair.slice(0, eq);
            const value = pair.slice(eq + 1);
            if (value === '') this.cookies.delete(name);
            else this.cookies.set(name, value);
          }
          const location = res.headers.location ?? '';
          resolve({ status: res.statusCode ?? 0, cookies: setCookie, body: Buffer.concat(chunks).toString(), location });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  takeCsrf(res: BenchResponse): void {
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (m?.[1] === undefined) throw new Error(`no CSRF token (status ${res.status}): ${res.body.slice(0, 300)}`);
    this.csrf = m[1];
  }

  /** Signs in as `login`, then reads the ballot of `election` for its form token. */
  async signIn(login: string, election: string): Promise<void> {
    this.takeCsrf(await this.send('GET', '/login'));
    const res = await this.send('POST', '/login/dev', { _csrf: this.csrf, username: login });
    if (res.status !== 303) throw new Error(`sign-in of ${login}: ${res.status} ${res.body.slice(0, 300)}`);
    this.takeCsrf(await this.send('GET', `/app/elections/${election}/vote`));
  }
}

export async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function shuffled(n: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i + 1);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** bench/voteServer.ts on `database`, with `env` (BENCH_VOTERS, BENCH_CANDIDATES, any setting). */
export async function startVoteServer(
  database: TestDatabase,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; port: number; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', serverScript], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      APP_ENV: 'development',
      APP_KEY: 'bench-key-0123456789abcdef',
      APP_PORT: String(port),
      APP_HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      LOG_LEVEL: 'info',
      RATE_LIMIT_PER_MINUTE: '0',
      TRUST_PROXY: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    // Keep only the start of the log: enough to see why a start failed.
    if (out.length < 10_000) out += d.toString();
  });
  const exited = new Promise<void>((resolve) =>
    child.on('exit', () => {
      resolve();
    }),
  );
  await waitFor(() => Promise.resolve(out.includes('ready') ? true : undefined), 60_000, `the bench server to start: ${out}`);
  return {
    child,
    port,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * In a bench's server child: the real service on `port` over `databaseUrl`, serving
 * `snapshot` (a fixed catalogue), logs discarded; it answers the parent's 'cpu' message
 * with its CPU time, the figure a busy shared machine distorts far less than latency.
 */
export async function serveSnapshot(
  snapshot: MetaSnapshot,
  options: { port: number; databaseUrl: string; logLevel?: string; clock?: () => Date },
): Promise<Service> {
  const config = parseConfig(
    {
      APP_ENV: 'development',
      APP_KEY: 'bench-key-0123456789abcdef',
      APP_HOST: '127.0.0.1',
      APP_PORT: String(options.port),
      DATABASE_URL: options.databaseUrl,
      RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: options.logLevel ?? 'warn',
    },
    process.cwd(),
  );
  const sink = new Writable({
    write(_chunk, _enc, cb) {
      cb();
    },
  });
  const service = await startService(config, {
    listen: true,
    catalogue: new FixedCatalogue(snapshot),
    logDestination: sink,
    ...(options.clock !== undefined ? { clock: options.clock } : {}),
  });
  process.on('message', (m) => {
    if (m === 'cpu') process.send?.({ cpu: process.cpuUsage() });
  });
  return service;
}
