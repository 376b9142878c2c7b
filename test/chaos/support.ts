// What the chaos tests share: a real `scrutin serve` process, voters who browse and vote
// over HTTP like browsers, a TCP proxy of our own between Scrutin and the database (to
// cut or hang it without touching the shared servers), and the checks every chaos test
// ends with: the process is alive, every acknowledged ballot is stored, `scrutin check`
// is consistent, and readiness recovers.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, Socket, type Server as NetServer } from 'node:net';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { Store } from '../../src/storage/store.js';
import { binPath, repoRoot, runCli } from '../helpers/cli.js';
import type { TestDatabase } from '../helpers/db.js';
import { freePort, waitFor } from '../helpers/net.js';

export const CHAOS_ELECTION = 'chaos';
export const CHAOS_CANDIDATES = ['ann', 'ben', 'cat', 'dan'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An election folder (META_PATH in folder mode) open now, with these voters. */
export function writeElection(metaPath: string, voters: string[]): void {
  const dir = join(metaPath, 'elections', CHAOS_ELECTION);
  mkdirSync(dir, { recursive: true });
  const day = 86_400_000;
  const stamp = (d: Date) =>
    d
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, '');
  writeFileSync(
    join(dir, 'election.yaml'),
    [
      'name: Chaos election',
      'organization: Test',
      `start_datetime: ${stamp(new Date(Date.now() - day))}`,
      `end_datetime: ${stamp(new Date(Date.now() + day))}`,
      'no_winners: 1',
      'allow_no_opinion: True',
      'election_officers:',
      '  - olivia',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'voters.yaml'), `eligible_voters:\n${voters.map((v) => `  - ${v}`).join('\n')}\n`);
  for (const id of CHAOS_CANDIDATES)
    writeFileSync(join(dir, `candidate-${id}.md`), `${'-'.repeat(61)}\nname: Candidate ${id}\nID: ${id}\n${'-'.repeat(61)}\n\nA bio.\n`);
}

export interface Server {
  port: number;
  child: ChildProcess;
  output: () => string;
  alive: () => boolean;
  get: (path: string, timeoutMs?: number) => Promise<number>;
  stop: () => Promise<number | null>;
}

/** `scrutin serve` in development mode (the development sign-in), rate limits off. */
export async function startServer(env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [binPath, 'serve'], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      APP_ENV: 'development',
      APP_KEY: 'chaos-key-0123456789abcdef',
      APP_HOST: '127.0.0.1',
      APP_PORT: String(port),
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      resolve(code);
    }),
  );
  const get = async (path: string, timeoutMs = 10_000) =>
    (await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(timeoutMs) })).status;
  await waitFor(
    async () => (child.exitCode === null && (await get('/health/live')) === 200 ? true : undefined),
    60_000,
    `scrutin serve on ${port}:\n${out}`,
  );
  return {
    port,
    child,
    output: () => out,
    alive: () => child.exitCode === null && child.signalCode === null,
    get,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Milliseconds until /health/ready answers 200. */
export async function untilReady(server: Server, timeoutMs = 30_000): Promise<number> {
  const began = Date.now();
  await waitFor(
    async () => ((await server.get('/health/ready', 5_000)) === 200 ? true : undefined),
    timeoutMs,
    `readiness to recover:\n${server.output().slice(-3000)}`,
  );
  return Date.now() - began;
}

export type VoteResult = 'ack' | 'already' | 'unavailable' | 'network' | `status ${number}`;

/** A voter with a browser's cookie jar, signing in with the development form. */
export class Voter {
  private readonly cookies = new Map<string, string>();
  /** Every answer to a vote, in order. */
  readonly results: VoteResult[] = [];
  /** Statuses of every page this voter was answered. */
  readonly statuses: number[] = [];

  constructor(
    private readonly port: number,
    readonly login: string,
  ) {}

  get acknowledged(): boolean {
    return this.results.includes('ack');
  }

  get done(): boolean {
    return this.results.includes('ack') || this.results.includes('already');
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    form?: Record<string, string>,
  ): Promise<{ status: number; body: string; location: string | null }> {
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    const res = await fetch(`http://127.0.0.1:${this.port}${path}`, {
      method,
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(20_000),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (pair === undefined || eq < 0) continue;
      const value = pair.slice(eq + 1);
      if (value === '' || /max-age=0/i.test(c)) this.cookies.delete(pair.slice(0, eq));
      else this.cookies.set(pair.slice(0, eq), value);
    }
    const text = await res.text();
    this.statuses.push(res.status);
    return { status: res.status, body: text, location: res.headers.get('location') };
  }

  private static csrf(body: string): string {
    const m = /name="_csrf" value="([^"]+)"/.exec(body);
    if (m?.[1] === undefined) throw new Error('no CSRF token on the page');
    return m[1];
  }

  async signIn(): Promise<void> {
    const page = await this.send('GET', '/login');
    const res = await this.send('POST', '/login/dev', { _csrf: Voter.csrf(page.body), username: this.login });
    assert.equal(res.status, 303, `sign-in of ${this.login}: ${res.status}`);
  }

  /** Looks around, then sends a ballot. Network failures are recorded, not thrown. */
  async browseAndVote(): Promise<VoteResult> {
    let result: VoteResult;
    try {
      await this.send('GET', '/app/elections');
      await this.send('GET', `/app/elections/${CHAOS_ELECTION}`);
      const form = await this.send('GET', `/app/elections/${CHAOS_ELECTION}/vote`);
      if (form.status === 303 || form.status === 302) {
        result = 'already';
      } else if (form.status !== 200) {
        result = form.status === 503 ? 'unavailable' : `status ${form.status}`;
      } else {
        const fields: Record<string, string> = { _csrf: Voter.csrf(form.body), password: '' };
        CHAOS_CANDIDATES.forEach((id, i) => {
          fields[`candidate@${id}`] = String(i + 1);
        });
        const cast = await this.send('POST', `/app/elections/${CHAOS_ELECTION}/vote`, fields);
        if (cast.status === 303 && cast.location?.endsWith('/confirmation') === true) result = 'ack';
        else if (cast.status === 409 && /already voted/.test(cast.body)) result = 'already';
        else if (cast.status === 503) result = 'unavailable';
        else result = `status ${cast.status}`;
      }
    } catch {
      result = 'network';
    }
    this.results.push(result);
    return result;
  }

  /** Reads pages (the list, the election, the ballot) until `until`, recording the answers. */
  async keepBrowsing(until: number, pauseMs = 50): Promise<void> {
    const pages = ['/app/elections', `/app/elections/${CHAOS_ELECTION}`, `/app/elections/${CHAOS_ELECTION}/vote`, '/app'];
    for (let i = 0; Date.now() < until; i++) {
      try {
        await this.send('GET', pages[i % pages.length]!);
      } catch {
        // the network, not the server: the server answers are what is checked
      }
      await sleep(pauseMs);
    }
  }

  /** Votes again and again (a voter pressing reload) until the ballot is in or time is up. */
  async keepVoting(until: number, pauseMs = 50): Promise<void> {
    while (!this.done && Date.now() < until) {
      const result = await this.browseAndVote();
      if (result !== 'ack' && result !== 'already') await sleep(pauseMs);
    }
  }
}

/** Signs every voter in (before any fault), returning them. */
export async function signedInVoters(port: number, logins: string[]): Promise<Voter[]> {
  const voters = logins.map((login) => new Voter(port, login));
  for (const v of voters) await v.signIn();
  return voters;
}

/**
 * A TCP proxy between Scrutin and the database, ours to break:
 * `cut` resets every connection and refuses new ones (the server stopped), `hang` stops
 * forwarding in both directions while accepting connections (a black-holed network),
 * `pass` forwards again.
 */
export class TcpProxy {
  private mode: 'pass' | 'refuse' | 'hang' = 'pass';
  private readonly pairs = new Set<[Socket, Socket]>();

  private constructor(
    private readonly server: NetServer,
    readonly port: number,
  ) {}

  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const port = await freePort();
    let proxy: TcpProxy | null = null;
    const server = createServer((client) => {
      const self = proxy;
      if (self === null || self.mode === 'refuse') {
        client.destroy();
        return;
      }
      client.on('error', () => undefined);
      if (self.mode === 'hang') {
        // Accepted, never answered: a connection attempt that hangs.
        self.pairs.add([client, client]);
        return;
      }
      const upstream = new Socket();
      upstream.on('error', () => {
        client.destroy();
      });
      client.on('error', () => {
        upstream.destroy();
      });
      const pair: [Socket, Socket] = [client, upstream];
      self.pairs.add(pair);
      const forget = () => {
        self.pairs.delete(pair);
      };
      client.on('close', () => {
        upstream.destroy();
        forget();
      });
      upstream.on('close', () => {
        client.destroy();
        forget();
      });
      upstream.connect(targetPort, targetHost, () => {
        client.on('data', (d: Buffer) => {
          if (self.mode === 'pass') upstream.write(d);
        });
        upstream.on('data', (d: Buffer) => {
          if (self.mode === 'pass') client.write(d);
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    proxy = new TcpProxy(server, port);
    return proxy;
  }

  /** Resets every connection and refuses new ones, as a stopped server would. */
  cut(): void {
    this.mode = 'refuse';
    for (const [a, b] of this.pairs) {
      a.resetAndDestroy();
      b.resetAndDestroy();
    }
    this.pairs.clear();
  }

  /** Silently drops everything in both directions; connections stay open. */
  hang(): void {
    this.mode = 'hang';
  }

  /** Forwards again; connections that hung are dropped (their peers gave up on them). */
  pass(): void {
    if (this.mode === 'hang') {
      for (const [a, b] of this.pairs) {
        a.destroy();
        b.destroy();
      }
      this.pairs.clear();
    }
    this.mode = 'pass';
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) =>
      this.server.close(() => {
        resolve();
      }),
    );
  }
}

/** The database URL with its host and port replaced by the proxy's. */
export function throughProxy(database: TestDatabase, proxy: TcpProxy): string {
  const u = new URL(database.url);
  u.hostname = '127.0.0.1';
  u.port = String(proxy.port);
  return u.toString();
}

/** Ends every connection to this test's own database (never anyone else's). */
export function backendKiller(database: TestDatabase): { kill: () => Promise<number>; close: () => Promise<void> } {
  if (database.config.kind === 'postgresql') {
    const admin = new pg.Client({ connectionString: process.env.TEST_POSTGRES_URL });
    const ready = admin.connect();
    return {
      kill: async () => {
        await ready;
        const r = await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [database.config.kind === 'postgresql' ? database.config.database : ''],
        );
        return r.rowCount ?? 0;
      },
      close: async () => {
        await ready;
        await admin.end();
      },
    };
  }
  if (database.config.kind === 'mysql') {
    const name = database.config.database;
    const admin = mysql.createConnection(process.env.TEST_MYSQL_URL ?? '');
    return {
      kill: async () => {
        const conn = await admin;
        const [rows] = await conn.query('SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()', [
          name,
        ]);
        let n = 0;
        for (const { id } of rows as { id: number }[]) {
          try {
            await conn.query('KILL CONNECTION ?', [id]);
            n++;
          } catch {
            // already gone
          }
        }
        return n;
      },
      close: async () => {
        await (await admin).end();
      },
    };
  }
  throw new Error('only server databases have backends to end');
}

/** Logins with a voter row in the chaos election, read directly from the tables. */
export async function storedLogins(database: TestDatabase): Promise<string[]> {
  const store = Store.open(database.config);
  try {
    const rows = await store.db
      .selectFrom('voter')
      .innerJoin('user', 'user.id', 'voter.user_id')
      .innerJoin('election', 'election.id', 'voter.election_id')
      .select('user.username')
      .where('election.key', '=', CHAOS_ELECTION)
      .execute();
    return rows.flatMap((r) => (r.username === null ? [] : [r.username])).sort();
  } finally {
    await store.close();
  }
}

/**
 * The end of every chaos test: the process survived, every acknowledged ballot is
 * stored (and nobody twice), `scrutin check` finds the ballots consistent, and the
 * server is ready again. Returns how long readiness took to come back (ms).
 */
export async function assertSurvived(server: Server, database: TestDatabase, voters: Voter[], what: string): Promise<number> {
  assert.ok(server.alive(), `the server is alive after ${what}:\n${server.output().slice(-4000)}`);
  const readyAfterMs = await untilReady(server);
  const stored = await storedLogins(database);
  assert.equal(new Set(stored).size, stored.length, 'nobody voted twice');
  for (const v of voters) {
    if (v.acknowledged) assert.ok(stored.includes(v.login), `${v.login} was told the ballot was cast: it is stored`);
  }
  for (const login of stored)
    assert.ok(
      voters.some((v) => v.login === login),
      `${login} is one of the voters`,
    );
  const check = await runCli(['check'], { DATABASE_URL: database.url, APP_ENV: 'test' });
  assert.equal(check.code, 0, `scrutin check after ${what}:\n${check.stdout}${check.stderr}`);
  assert.doesNotMatch(server.output(), /uncaught exception: stopping/);
  return readyAfterMs;
}

/** Counts of each answer the voters got, for the test's report line. */
export function summary(voters: Voter[]): string {
  const counts = new Map<string, number>();
  for (const v of voters) for (const r of v.results) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${k} ${n}`).join(', ');
}

export { repoRoot, sleep };
