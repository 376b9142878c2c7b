// `npm run bench:pages`: server CPU time per request of the voter's pages on a large
// community, the figure issue 20 sets goals for (CPU, not wall time: the machine is
// shared, and CPU per request is what caps throughput). For each repository shape the
// server (a child process, one worker) holds a snapshot of N elections; a signed-in
// voter who is on 5 of them asks, one request at a time over a kept-alive connection,
// for the dashboard, the elections list (pages 1 and 5), an election page and a
// candidate page. Prints a table with the load average; asserts nothing.
// Goals: dashboard ≤ 1 ms CPU on 500 and 5,000 elections; election, candidate and list
// pages ≤ 0.5 ms. BENCH_REQUESTS (default 2,000) requests per page; BENCH_JSON=FILE
// writes the figures for bench/all.ts; BENCH_PROFILE=DIR writes the server's CPU profile there.
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';
import type { Candidate, ElectionEntry } from '../src/core/meta/types.js';
import { serveSnapshot } from './support.js';
import { freshDatabase } from '../test/helpers/db.js';
import { entryOf, makeCandidate, makeElection, snapshotOf } from '../test/helpers/meta.js';
import { freePort } from '../test/helpers/net.js';

const requests = Number(process.env.BENCH_REQUESTS ?? 2_000);
/**
 * Requests per page before measuring: V8 optimises a function only after many calls, so
 * with a few hundred the first page measured still paid for compiling the shared path
 * (hooks, session, rendering) and read about 0.3 ms above its steady state.
 */
const WARM_UP = Number(process.env.BENCH_WARM_UP ?? 3_000);
/** BENCH_ONLY=dashboard,election: only those pages; BENCH_SHAPES=500: only that repository size. */
const only = process.env.BENCH_ONLY?.split(',');
const shapes = process.env.BENCH_SHAPES?.split(',').map(Number);
const day = 86_400_000;
export const SHAPES = [
  { elections: 500, voters: 1_000 },
  { elections: 5_000, voters: 200 },
];
const VOTER = 'bench-voter';

/** N elections a third each past, running and upcoming; the bench voter is on five of them. */
function snapshot(elections: number, voters: number, now: Date) {
  const bio = '<p>' + 'I have reviewed pull requests and mentored new contributors. '.repeat(20) + '</p>';
  const candidates: Candidate[] = Array.from({ length: 10 }, (_, i) =>
    makeCandidate(`cand${i}`, `Candidate ${i}`, { info: [{ key: 'employer', value: `Company ${i}` }], bioHtml: bio }),
  );
  const entries: ElectionEntry[] = [];
  for (let e = 0; e < elections; e++) {
    const offset = (e % 3) - 1;
    const list = Array.from({ length: voters }, (_, v) => `voter-${e}-${v}`);
    if (e % Math.floor(elections / 5) === 1) list.push(VOTER);
    entries.push(
      entryOf(
        makeElection({
          key: `${2000 + (e % 25)}---election-${e}`,
          name: `Election number ${e}`,
          organization: 'Benchmark',
          startDatetime: new Date(now.getTime() + offset * 40 * day - 10 * day),
          endDatetime: new Date(now.getTime() + offset * 40 * day + 10 * day + e * 1000),
          voters: list,
          officers: ['officer-one', 'officer-two'],
          candidates,
          showCandidateFields: ['employer'],
          descriptionHtml: '<p>' + 'The rules of this election. '.repeat(30) + '</p>',
        }),
      ),
    );
  }
  return snapshotOf(entries, 'bench', now);
}

async function serve(elections: number, voters: number): Promise<void> {
  const database = await freshDatabase('sqlite');
  const port = await freePort();
  const service = await serveSnapshot(snapshot(elections, voters, new Date()), { port, databaseUrl: database.url });
  process.send?.({ port });
  process.once('disconnect', () => {
    void service
      .stop()
      .then(() => database.drop())
      .then(() => process.exit(0));
  });
}

interface Answer {
  status: number;
  body: string;
  cookies: string[];
}

function get(agent: Agent, port: number, path: string, cookie: string, form?: Record<string, string>): Promise<Answer> {
  const body = form === undefined ? undefined : new URLSearchParams(form).toString();
  const headers: Record<string, string> = { cookie };
  if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, method: body === undefined ? 'GET' : 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), cookies: res.headers['set-cookie'] ?? [] });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export interface PageFigure {
  shape: string;
  page: string;
  cpuMsPerRequest: number;
  /** The part of it spent in the kernel (on loopback, delivering the page to the client included). */
  systemMsPerRequest: number;
  p50Ms: number;
}

async function measure(elections: number, voters: number): Promise<PageFigure[]> {
  const child = fork(new URL(import.meta.url).pathname, ['--serve', String(elections), String(voters)], {
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.BENCH_PROFILE !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []),
    ],
    stdio: 'inherit',
  });
  const { port } = await new Promise<{ port: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { port: number }));
    child.once('exit', (code) => reject(new Error(`the bench server exited (${code})`)));
  });
  const cpuMs = () =>
    new Promise<{ total: number; system: number }>((resolve) => {
      child.once('message', (m) => {
        const { cpu } = m as { cpu: NodeJS.CpuUsage };
        resolve({ total: (cpu.user + cpu.system) / 1000, system: cpu.system / 1000 });
      });
      child.send('cpu');
    });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const jar = new Map<string, string>();
  const remember = (a: Answer) => {
    for (const c of a.cookies) {
      const [pair] = c.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (pair !== undefined && eq > 0) jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const figures: PageFigure[] = [];
  try {
    const login = await get(agent, port, '/login', '');
    remember(login);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(login.body)?.[1] ?? '';
    const signed = await get(agent, port, '/login/dev', cookie(), { _csrf: csrf, username: VOTER });
    if (signed.status !== 303) throw new Error(`sign-in failed: ${signed.status}`);
    remember(signed);
    const pages: Array<[string, string]> = [
      ['dashboard', '/app'],
      ['list p1', '/app/elections'],
      ['list p5', '/app/elections?page=5'],
      // Election 1 is running, and lists the bench voter.
      ['election', '/app/elections/2001---election-1'],
      ['candidate', '/app/elections/2001---election-1/candidates/cand3'],
    ];
    for (const [name, path] of pages) {
      if (only !== undefined && !only.includes(name)) continue;
      // Cookies are kept as a browser keeps them: the first page after sign-in stores the
      // session's CSRF secret, and later requests do not re-issue the cookie.
      const check = await get(agent, port, path, cookie());
      remember(check);
      if (check.status !== 200) throw new Error(`${path} answered ${check.status}: ${check.body.slice(0, 200)}`);
      for (let i = 0; i < WARM_UP; i++) remember(await get(agent, port, path, cookie()));
      const times: number[] = [];
      const before = await cpuMs();
      for (let i = 0; i < requests; i++) {
        const t0 = performance.now();
        remember(await get(agent, port, path, cookie()));
        times.push(performance.now() - t0);
      }
      const after = await cpuMs();
      times.sort((a, b) => a - b);
      figures.push({
        shape: `${elections} elections`,
        page: name,
        cpuMsPerRequest: (after.total - before.total) / requests,
        systemMsPerRequest: (after.system - before.system) / requests,
        p50Ms: times[Math.floor(times.length / 2)] ?? 0,
      });
    }
  } finally {
    agent.destroy();
    child.disconnect();
    await new Promise((resolve) => child.once('exit', resolve));
  }
  return figures;
}

async function main(): Promise<void> {
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  console.log(`bench:pages: server CPU per request, one request at a time, ${requests} requests per page; load ${load()}`);
  console.log('repository                  page        CPU ms/req  (of it kernel)  p50 ms');
  const all: PageFigure[] = [];
  for (const { elections, voters } of SHAPES) {
    if (shapes !== undefined && !shapes.includes(elections)) continue;
    for (const f of await measure(elections, voters)) {
      all.push(f);
      console.log(
        `${`${f.shape} × ${voters} voters`.padEnd(28)}${f.page.padEnd(12)}${f.cpuMsPerRequest.toFixed(3).padStart(10)}${`(${f.systemMsPerRequest.toFixed(3)})`.padStart(16)}${f.p50Ms.toFixed(2).padStart(8)}`,
      );
    }
  }
  console.log(`load after: ${load()}; goals: dashboard ≤ 1 ms CPU, election/candidate/list pages ≤ 0.5 ms CPU`);
  if (process.env.BENCH_JSON !== undefined) writeFileSync(process.env.BENCH_JSON, JSON.stringify(all, null, 2));
}

const at = process.argv.indexOf('--serve');
if (at >= 0) await serve(Number(process.argv[at + 1]), Number(process.argv[at + 2]));
else await main();
