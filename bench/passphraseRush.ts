// `npm run bench:rush`: N voters (default 100) send their ballot with a passphrase at the
// same moment, through Nginx with the read timeout deploy/nginx/scrutin.conf documents
// (60 s), to one server with the real key-derivation parameters and the default queue
// bounds. Issue 16's acceptance: each ends with a confirmation, or with a clear "try again
// in a minute" and nothing cast; no gateway error. Issue 15's: voters arriving within a
// minute (--spread, default 60 s) all end on a confirmation, those whose cast waits on
// the derivation queue through the "sealing your ballot" page (reloaded every 3 s, as its
// meta refresh does), and no single request takes longer than ~20 s. Voters told to try
// again do so a minute later, in waves. Prints, per wave, the answers, checks each
// against the database, then the time from the first POST to the confirmation (p50,
// p99, max, retries included), the longest single request, the server's peak memory and
// how many requests came past the proxy's read timeout. Asserts nothing about time.
// BENCH_JSON=FILE writes those figures for bench/all.ts.
//
//   npm run bench:rush [-- --voters 100] [--spread 60] [--db sqlite|postgresql|mysql] [--kdf-concurrency N]
//
// Without an nginx executable, a small Node proxy with the same read timeout stands in
// (it answers 504, as Nginx would, when the server takes longer).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Agent, createServer, request as httpRequest } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { DbKind } from '../src/config.js';
import { Store } from '../src/storage/store.js';
import { freshDatabase } from '../test/helpers/db.js';
import { freePort, waitFor } from '../test/helpers/net.js';
import { BenchClient, percentile, pool, shuffled, startVoteServer } from './support.js';
import { BENCH_ELECTION, benchLogin } from './voteServer.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The server's peak resident memory (VmHWM), in MiB; NaN where /proc is not there. */
function serverPeakMiB(pid: number | undefined): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid ?? 0}/status`, 'utf8'));
    return m?.[1] === undefined ? Number.NaN : Number(m[1]) / 1024;
  } catch {
    return Number.NaN;
  }
}
const CANDIDATES = 10;
const { values } = parseArgs({
  options: {
    voters: { type: 'string', default: '100' },
    db: { type: 'string', default: 'sqlite' },
    'kdf-concurrency': { type: 'string' },
    spread: { type: 'string', default: '60' },
  },
});
const kind = values.db as DbKind;
if (!['sqlite', 'postgresql', 'mysql'].includes(kind)) throw new Error('--db must be sqlite, postgresql or mysql');
const voters = Number(values.voters);
/** Voters arrive at random moments over this many seconds (0: all at once). */
const spreadSeconds = Number(values.spread);

/** The read timeout the shipped Nginx site gives Scrutin to answer, in seconds. */
function documentedReadTimeout(): number {
  const site = readFileSync(join(root, 'deploy', 'nginx', 'scrutin.conf'), 'utf8');
  const m = /proxy_read_timeout\s+(\d+)s;/.exec(site);
  if (m?.[1] === undefined) throw new Error('deploy/nginx/scrutin.conf sets no proxy_read_timeout');
  return Number(m[1]);
}

interface Proxy {
  port: number;
  what: string;
  stop: () => Promise<void>;
}

async function startNginx(nginx: string, appPort: number, readTimeout: number): Promise<Proxy> {
  const dir = mkdtempSync(join(tmpdir(), 'scrutin-rush-nginx-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'error.log')} warn;`,
      'worker_processes 1;',
      'events { worker_connections 1024; }',
      'http {',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, `${t}_temp`)};`),
      '  server {',
      `    listen 127.0.0.1:${port};`,
      // As in deploy/nginx/scrutin.conf.
      '    proxy_http_version 1.1;',
      '    proxy_set_header Connection "";',
      '    proxy_set_header Host $host;',
      '    proxy_set_header X-Forwarded-For $remote_addr;',
      '    proxy_connect_timeout 5s;',
      '    proxy_send_timeout 30s;',
      `    proxy_read_timeout ${readTimeout}s;`,
      `    location / { proxy_pass http://127.0.0.1:${appPort}; }`,
      '  }',
      '}',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(nginx, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitFor(async () => ((await fetch(`http://127.0.0.1:${port}/health/live`)).ok ? true : undefined), 20_000, 'nginx to start');
  return {
    port,
    what: `nginx (proxy_read_timeout ${readTimeout}s)`,
    stop: async () => {
      child.kill('SIGQUIT');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startNodeProxy(appPort: number, readTimeout: number): Promise<Proxy> {
  const port = await freePort();
  const agent = new Agent({ keepAlive: true, maxSockets: 1024 });
  const server = createServer((req, res) => {
    const upstream = httpRequest(
      { host: '127.0.0.1', port: appPort, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.setTimeout(readTimeout * 1000, () => {
      upstream.destroy();
      if (!res.headersSent) res.writeHead(504).end('Gateway Time-out');
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end('Bad Gateway');
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    what: `a Node proxy (read timeout ${readTimeout}s; no nginx here)`,
    stop: () =>
      new Promise((resolve) => {
        agent.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}

type Answer = 'confirmed' | 'try again' | 'gateway error' | 'other';

function classify(status: number, body: string, location: string): Answer | 'sealing' {
  if (status === 303 && location.endsWith('/confirmation')) return 'confirmed';
  if (status === 303 && location.endsWith('/sealing')) return 'sealing';
  if (status === 503 && /try again in a minute/.test(body) && /Nothing was cast/.test(body)) return 'try again';
  if (status === 502 || status === 504) return 'gateway error';
  return 'other';
}

/** How often a voter's browser reloads the sealing page (its meta refresh). */
const SEALING_RELOAD_MS = 3000;

const database = await freshDatabase(kind);
const readTimeout = documentedReadTimeout();
const server = await startVoteServer(database, {
  BENCH_VOTERS: String(voters),
  BENCH_CANDIDATES: String(CANDIDATES),
  LOG_LEVEL: 'warn',
  ...(values['kdf-concurrency'] !== undefined ? { KDF_CONCURRENCY: values['kdf-concurrency'] } : {}),
});
const nginx = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => spawnSync(p, ['-v']).status === 0);
const proxy = nginx !== undefined ? await startNginx(nginx, server.port, readTimeout) : await startNodeProxy(server.port, readTimeout);
const agent = new Agent({ keepAlive: true, maxSockets: voters + 10 });
const store = Store.open(database.config);
try {
  const clients = Array.from({ length: voters }, (_, i) => new BenchClient(server.port, agent, `10.1.${(i >> 8) & 255}.${i & 255}`));
  // Sign-ins go straight to the server (the development form's own rate limit counts per address).
  await pool(
    clients.map((c, i) => [c, i] as const),
    20,
    async ([c, i]) => c.signIn(benchLogin(i), BENCH_ELECTION),
  );
  console.log(
    `bench:rush on ${kind}: ${voters} passphrase voters${spreadSeconds > 0 ? ` arriving within ${spreadSeconds} s` : ' at once'} through ${proxy.what}, Node ${process.version}, load ${(loadavg()[0] ?? 0).toFixed(1)}`,
  );
  console.log(`arrivals spread over ${spreadSeconds} s; a voter told "sealing" reloads that page every ${SEALING_RELOAD_MS / 1000} s`);
  console.log('wave  voters  confirmed  (after sealing)  try again  gateway error  other  answers checked');
  let waiting = clients.map((c, i) => ({ c, i, firstSent: 0 }));
  let gatewayErrors = 0;
  let pastTimeout = 0;
  /** Every single request's time (s), POSTs and sealing-page reloads alike. */
  const requestSeconds: number[] = [];
  /** Per voter: from the first POST to the confirmation (s). */
  const toConfirmation: number[] = [];
  const timed = async (c: BenchClient, method: 'GET' | 'POST', path: string, form?: Record<string, string>) => {
    const t0 = performance.now();
    const res = await c.send(method, path, form, proxy.port);
    requestSeconds.push((performance.now() - t0) / 1000);
    return res;
  };
  for (let wave = 1; waiting.length > 0 && wave <= 20; wave++) {
    const answers = await Promise.all(
      waiting.map(async ({ c, i, firstSent }) => {
        if (wave === 1 && spreadSeconds > 0) await sleep(Math.random() * spreadSeconds * 1000);
        const form: Record<string, string> = { _csrf: c.csrf, password: `rush passphrase ${i}` };
        shuffled(CANDIDATES).forEach((rank, k) => {
          form[`candidate@c${k}`] = String(rank);
        });
        const started = firstSent === 0 ? performance.now() : firstSent;
        let res = await timed(c, 'POST', `/app/elections/${BENCH_ELECTION}/vote`, form);
        let answer = classify(res.status, res.body, res.location);
        const sealed = answer === 'sealing';
        while (answer === 'sealing') {
          await sleep(SEALING_RELOAD_MS);
          res = await timed(c, 'GET', `/app/elections/${BENCH_ELECTION}/sealing`);
          answer = res.status === 200 && /Sealing your ballot/.test(res.body) ? 'sealing' : classify(res.status, res.body, res.location);
        }
        if (answer === 'confirmed') toConfirmation.push((performance.now() - started) / 1000);
        return { c, i, answer, sealed, status: res.status, firstSent: started };
      }),
    );
    // Every answer must agree with the database: a confirmation is a stored vote; "try again" is none.
    const stored = new Set(
      (await store.db.selectFrom('voter').innerJoin('user', 'user.id', 'voter.user_id').select('user.username').execute()).map(
        (r) => r.username,
      ),
    );
    const wrong = answers.filter(
      (a) => (a.answer === 'confirmed') !== stored.has(benchLogin(a.i)) && a.answer !== 'gateway error' && a.answer !== 'other',
    );
    const count = (k: Answer) => answers.filter((a) => a.answer === k).length;
    gatewayErrors += count('gateway error');
    const others = answers.filter((a) => a.answer === 'other').map((a) => a.status);
    console.log(
      [
        wave,
        answers.length,
        count('confirmed'),
        answers.filter((a) => a.answer === 'confirmed' && a.sealed).length,
        count('try again'),
        count('gateway error'),
        count('other'),
        wrong.length === 0 ? 'all agree' : `${wrong.length} DISAGREE`,
      ].join('  ') + (others.length > 0 ? `   other statuses: ${others.join(',')}` : ''),
    );
    waiting = answers.filter((a) => a.answer === 'try again').map(({ c, i, firstSent }) => ({ c, i, firstSent }));
    if (waiting.length > 0) await sleep(60_000);
  }
  const total = await store.db
    .selectFrom('voter')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirst();
  console.log(`stored ballots: ${Number(total?.n ?? 0)} of ${voters}; gateway errors: ${gatewayErrors}`);
  toConfirmation.sort((x, y) => x - y);
  const reqs = requestSeconds.slice().sort((x, y) => x - y);
  pastTimeout = reqs.filter((x) => x >= readTimeout).length;
  const peakMiB = serverPeakMiB(server.child.pid);
  const figures = {
    voters,
    confirmed: toConfirmation.length,
    p50: percentile(toConfirmation, 50),
    p99: percentile(toConfirmation, 99),
    max: toConfirmation.at(-1) ?? 0,
    peakMiB,
    pastTimeout,
    gatewayErrors,
    readTimeout,
    requests: reqs.length,
    longestRequest: reqs.at(-1) ?? 0,
  };
  console.log(
    `time to confirmation: p50 ${figures.p50.toFixed(1)} s, p99 ${figures.p99.toFixed(1)} s, max ${figures.max.toFixed(1)} s; server peak memory ${peakMiB.toFixed(0)} MiB; answers past the ${readTimeout} s proxy timeout: ${pastTimeout}`,
  );
  console.log(
    `single requests (votes and sealing-page reloads): ${reqs.length}, p50 ${percentile(reqs, 50).toFixed(2)} s, p99 ${percentile(reqs, 99).toFixed(2)} s, longest ${figures.longestRequest.toFixed(2)} s`,
  );
  if (process.env.BENCH_JSON !== undefined) writeFileSync(process.env.BENCH_JSON, JSON.stringify(figures, null, 2));
} finally {
  agent.destroy();
  await store.close();
  await proxy.stop();
  await server.stop();
  await database.drop();
}
