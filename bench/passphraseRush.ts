// `npm run bench:rush`: N voters (default 100) send their ballot with a passphrase at the
// same moment, through Nginx with the read timeout deploy/nginx/scrutin.conf documents
// (60 s), to one server with the real key-derivation parameters and the default queue
// bounds. Issue 16's acceptance: each ends with a confirmation, or with a clear "try again
// in a minute" and nothing cast; no gateway error. Voters told to try again do so, in
// waves, until everyone has voted. Prints, per wave, the answers and their latency, and
// checks each answer against the database. Then what voters experienced: the time from
// sending their first ballot to the confirmation (p50, p99, max, retries included), the
// server's peak memory, and how many answers came past the proxy's read timeout.
// Asserts nothing about time. BENCH_JSON=FILE writes those figures for bench/all.ts.
//
//   npm run bench:rush [-- --voters 100] [--db sqlite|postgresql|mysql] [--kdf-concurrency N]
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
  },
});
const kind = values.db as DbKind;
if (!['sqlite', 'postgresql', 'mysql'].includes(kind)) throw new Error('--db must be sqlite, postgresql or mysql');
const voters = Number(values.voters);

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

function classify(status: number, body: string): Answer {
  if (status === 303) return 'confirmed';
  if (status === 503 && /try again in a minute/.test(body) && /Nothing was cast/.test(body)) return 'try again';
  if (status === 502 || status === 504) return 'gateway error';
  return 'other';
}

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
    `bench:rush on ${kind}: ${voters} passphrase voters at once through ${proxy.what}, Node ${process.version}, load ${(loadavg()[0] ?? 0).toFixed(1)}`,
  );
  console.log('wave  voters  confirmed  try again  gateway error  other  p50 s  max s  answers checked');
  let waiting = clients.map((c, i) => ({ c, i }));
  let gatewayErrors = 0;
  let pastTimeout = 0;
  const rushStart = performance.now();
  /** Seconds from the rush's start (every voter's first send) to each voter's confirmation. */
  const toConfirmation: number[] = [];
  for (let wave = 1; waiting.length > 0 && wave <= 20; wave++) {
    const answers = await Promise.all(
      waiting.map(async ({ c, i }) => {
        const form: Record<string, string> = { _csrf: c.csrf, password: `rush passphrase ${i}` };
        shuffled(CANDIDATES).forEach((rank, k) => {
          form[`candidate@c${k}`] = String(rank);
        });
        const t0 = performance.now();
        const res = await c.send('POST', `/app/elections/${BENCH_ELECTION}/vote`, form, proxy.port);
        const t1 = performance.now();
        return {
          c,
          i,
          answer: classify(res.status, res.body),
          seconds: (t1 - t0) / 1000,
          confirmedAt: (t1 - rushStart) / 1000,
          status: res.status,
        };
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
    pastTimeout += answers.filter((a) => a.seconds >= readTimeout).length;
    for (const a of answers) if (a.answer === 'confirmed') toConfirmation.push(a.confirmedAt);
    const secs = answers.map((a) => a.seconds).sort((x, y) => x - y);
    const others = answers.filter((a) => a.answer === 'other').map((a) => a.status);
    console.log(
      [
        wave,
        answers.length,
        count('confirmed'),
        count('try again'),
        count('gateway error'),
        count('other'),
        percentile(secs, 50).toFixed(1),
        (secs.at(-1) ?? 0).toFixed(1),
        wrong.length === 0 ? 'all agree' : `${wrong.length} DISAGREE`,
      ].join('  ') + (others.length > 0 ? `   other statuses: ${others.join(',')}` : ''),
    );
    waiting = answers.filter((a) => a.answer === 'try again').map(({ c, i }) => ({ c, i }));
  }
  const total = await store.db
    .selectFrom('voter')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirst();
  console.log(`stored ballots: ${Number(total?.n ?? 0)} of ${voters}; gateway errors: ${gatewayErrors}`);
  toConfirmation.sort((x, y) => x - y);
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
  };
  console.log(
    `time to confirmation: p50 ${figures.p50.toFixed(1)} s, p99 ${figures.p99.toFixed(1)} s, max ${figures.max.toFixed(1)} s; server peak memory ${peakMiB.toFixed(0)} MiB; answers past the ${readTimeout} s proxy timeout: ${pastTimeout}`,
  );
  if (process.env.BENCH_JSON !== undefined) writeFileSync(process.env.BENCH_JSON, JSON.stringify(figures, null, 2));
} finally {
  agent.destroy();
  await store.close();
  await proxy.stop();
  await server.stop();
  await database.drop();
}
