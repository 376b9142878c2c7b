// `npm run bench:http`: requests/s and latency of the voter's three busiest pages —
// the dashboard, an election page and the ballot — with a signed-in session, at
// concurrency 1 and 32, through a real socket on 127.0.0.1 (autocannon).
// Goals on the project's 2-core machine: p50 under 5 ms at concurrency 1, and 3,000
// requests/s or more for the election page at concurrency 32 (idle, two workers).
// Prints figures; asserts nothing. BENCH_SECONDS (default 5) sets each run's length;
// LOG_LEVEL (default warn) the server's; BENCH_WORKERS (default: one per core) the
// server's processes, as WORKERS does for `scrutin serve`; BENCH_JSON=FILE writes
// the figures for bench/all.ts. The ballot service is the server's own (its status is one
// indexed query per page); nobody casts during the runs.
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { serveSnapshot } from './support.js';
import type { Candidate } from '../src/core/meta/types.js';
import { freshDatabase } from '../test/helpers/db.js';
import { entryOf, makeCandidate, makeElection, snapshotOf } from '../test/helpers/meta.js';
import { freePort } from '../test/helpers/net.js';

interface Histogram {
  p50: number;
  p99: number;
  average: number;
}
interface Result {
  requests: Histogram & { average: number; total: number };
  latency: Histogram;
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  headers: Record<string, string>;
  pipelining?: number;
}) => Promise<Result>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const day = 86_400_000;
const now = new Date();

/** A big community: 60 elections, the one under test with 30 candidates and 5,000 voters. */
function snapshot() {
  const bio =
    '<h2>About me</h2>' +
    '<p>I have worked on the release process, reviewed hundreds of pull requests and mentored new contributors. '.repeat(6) +
    '</p>';
  const candidates = (n: number): Candidate[] =>
    Array.from({ length: n }, (_, i) =>
      makeCandidate(`cand${i}`, `Candidate Number ${i}`, { info: [{ key: 'employer', value: `Company ${i}` }], bioHtml: bio }),
    );
  const voters = ['bench-voter', ...Array.from({ length: 4999 }, (_, i) => `voter-${i}`)];
  const entries = [];
  for (let i = 0; i < 60; i++) {
    const offset = (i % 3) - 1; // past, running, upcoming
    entries.push(
      entryOf(
        makeElection({
          key: `20${10 + (i % 16)}---election-${i}`,
          name: `Election ${i}`,
          organization: 'Bench Foundation',
          startDatetime: new Date(now.getTime() + offset * 30 * day - 5 * day),
          endDatetime: new Date(now.getTime() + offset * 30 * day + 5 * day),
          voters: i % 2 === 0 ? voters : voters.slice(1, 500),
          candidates: candidates(8),
          showCandidateFields: ['employer'],
        }),
      ),
    );
  }
  entries.push(
    entryOf(
      makeElection({
        key: 'big---running',
        name: 'The Big Running Election',
        organization: 'Bench Foundation',
        startDatetime: new Date(now.getTime() - 3 * day),
        endDatetime: new Date(now.getTime() + 7 * day),
        exceptionDue: new Date(now.getTime() + 2 * day),
        voters,
        candidates: candidates(30),
        showCandidateFields: ['employer'],
        descriptionHtml: '<p>' + 'A long description of the election and its rules. '.repeat(40) + '</p>',
      }),
    ),
  );
  return snapshotOf(entries, 'bench', now);
}

async function signIn(url: string): Promise<string> {
  const jar = new Map<string, string>();
  const remember = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, ...value] = (pair ?? '').split('=');
      if (name !== undefined) jar.set(name, value.join('='));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const login = await fetch(`${url}/login`);
  remember(login);
  const token = /name="_csrf" value="([^"]+)"/.exec(await login.text())?.[1] ?? '';
  const res = await fetch(`${url}/login/dev`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie() },
    body: new URLSearchParams({ _csrf: token, username: 'bench-voter' }),
  });
  remember(res);
  if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
  return cookie();
}

/**
 * With BENCH_WORKERS > 1 (default: one per core, as `scrutin serve`) the server child is
 * a cluster primary: it makes the database and picks the port, starts the workers one
 * after the other (the first migrates), and sums their CPU time when asked.
 */
async function servePrimary(workers: number): Promise<void> {
  const database = await freshDatabase('sqlite');
  const port = await freePort();
  const started: Worker[] = [];
  for (let i = 0; i < workers; i++) {
    const worker = cluster.fork({ BENCH_DATABASE_URL: database.url, BENCH_PORT: String(port) });
    await new Promise<void>((resolve) => {
      worker.once('message', () => {
        resolve();
      });
    });
    started.push(worker);
  }
  process.send?.({ url: `http://127.0.0.1:${port}`, logLevel: process.env.LOG_LEVEL ?? 'warn', workers });
  process.on('message', (m) => {
    if (m !== 'cpu') return;
    void Promise.all(
      started.map(
        (w) =>
          new Promise<number>((resolve) => {
            w.once('message', (r: { cpu: NodeJS.CpuUsage }) => {
              resolve(r.cpu.user + r.cpu.system);
            });
            w.send('cpu');
          }),
      ),
    ).then((cpus) => {
      const total = cpus.reduce((a, b) => a + b, 0);
      process.send?.({ cpu: { user: total, system: 0 } });
    });
  });
  process.once('disconnect', () => {
    for (const w of started) w.process.kill('SIGTERM');
    void Promise.all(started.map((w) => new Promise((resolve) => w.once('exit', resolve))))
      .then(() => database.drop())
      .then(() => process.exit(0));
  });
}

/** The server runs in a child process, so the load generator does not share its event loop. */
async function serve(): Promise<void> {
  const workers = Number(process.env.BENCH_WORKERS ?? availableParallelism());
  if (cluster.isPrimary && workers > 1) return servePrimary(workers);
  const database = cluster.isWorker
    ? { url: process.env.BENCH_DATABASE_URL ?? '', drop: () => Promise.resolve() }
    : await freshDatabase('sqlite');
  const port = cluster.isWorker ? Number(process.env.BENCH_PORT) : await freePort();
  const logLevel = process.env.LOG_LEVEL ?? 'warn';
  const service = await serveSnapshot(snapshot(), { port, databaseUrl: database.url, logLevel, clock: () => new Date() });
  process.send?.({ url: `http://127.0.0.1:${port}`, logLevel, workers: 1 });
  if (cluster.isWorker) {
    process.once('SIGTERM', () => {
      void service.stop().then(() => process.exit(0));
    });
    return;
  }
  process.once('disconnect', () => {
    void service
      .stop()
      .then(() => database.drop())
      .then(() => process.exit(0));
  });
}

async function main(): Promise<void> {
  const child = fork(new URL(import.meta.url).pathname, ['--serve'], {
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.BENCH_PROFILE !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []),
    ],
    stdio: 'inherit',
  });
  const { url, logLevel, workers } = await new Promise<{ url: string; logLevel: string; workers: number }>((resolve, reject) => {
    child.once('message', (m) => {
      resolve(m as { url: string; logLevel: string; workers: number });
    });
    child.once('exit', (code) => {
      reject(new Error(`the bench server exited (${code})`));
    });
  });
  const serverCpuMs = () =>
    new Promise<number>((resolve) => {
      child.once('message', (m) => {
        const { cpu } = m as { cpu: NodeJS.CpuUsage };
        resolve((cpu.user + cpu.system) / 1000);
      });
      child.send('cpu');
    });
  const figures: Array<{ page: string; connections: number; rps: number; p50: number; p99: number; cpuMsPerRequest: number }> = [];
  try {
    const cookie = await signIn(url);
    const pages: Array<[string, string]> = [
      ['dashboard', '/app'],
      ['election', '/app/elections/big---running'],
      ['ballot', '/app/elections/big---running/vote'],
    ];
    for (const [, path] of pages) {
      const check = await fetch(`${url}${path}`, { headers: { cookie } });
      if (check.status !== 200) throw new Error(`${path} answered ${check.status}`);
      await check.text();
    }
    console.log(
      `HTTP pages, signed in; ${seconds} s per run; ${cpus().length} CPUs; load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}; server log level ${logLevel}; ${workers} server worker${workers === 1 ? '' : 's'}`,
    );
    console.log('page        conc   req/s     p50 ms   p99 ms   non-2xx   server CPU ms/req');
    for (const [name, path] of pages) {
      for (const connections of [1, 32]) {
        // A short warm-up so the JIT and the SQLite page cache are in their steady state.
        await autocannon({ url: `${url}${path}`, connections, duration: 1, headers: { cookie } });
        const cpuBefore = await serverCpuMs();
        const r = await autocannon({ url: `${url}${path}`, connections, duration: seconds, headers: { cookie } });
        const cpuPerRequest = ((await serverCpuMs()) - cpuBefore) / Math.max(1, r.requests.total);
        figures.push({
          page: name,
          connections,
          rps: r.requests.average,
          p50: r.latency.p50,
          p99: r.latency.p99,
          cpuMsPerRequest: cpuPerRequest,
        });
        console.log(
          `${name.padEnd(11)} ${String(connections).padStart(4)} ${r.requests.average.toFixed(0).padStart(8)} ${r.latency.p50.toFixed(2).padStart(9)} ${r.latency.p99.toFixed(2).padStart(8)} ${String(r.non2xx + r.errors + r.timeouts).padStart(9)} ${cpuPerRequest.toFixed(2).padStart(12)}`,
        );
      }
    }
    console.log('goals: p50 < 5 ms at concurrency 1; ≥ 3,000 req/s for the election page at concurrency 32 (2 idle cores, 2 workers)');
    if (process.env.BENCH_JSON !== undefined) writeFileSync(process.env.BENCH_JSON, JSON.stringify({ workers, figures }, null, 2));
  } finally {
    child.disconnect();
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

if (process.argv.includes('--serve')) await serve();
else await main();
