// `npm run bench:vote`: N votes from N distinct signed-in voters through HTTP, at
// concurrency 1, 10 and 50, without and with a passphrase (the passphrase runs use the
// server's real parameters for new records, DEFAULT_KDF_PARAMS: argon2id, 256 MiB, 16
// passes, at least as costly to guess as Elekto's). Prints votes/s, p50/p99 latency of the
// vote POST, and the server's peak RSS. Asserts nothing about time.
//
//   npm run bench:vote [-- --votes 1000] [--passphrase-votes 50] [--db sqlite|postgresql|mysql]
//                      [--concurrency 1,10,50] [--no-passphrase-runs] [--no-plain-runs] [--warmup 50]
//
// Each run starts a fresh database and a fresh server process (bench/voteServer.ts: the
// real startService with a fixed catalogue holding one running election), signs every
// voter in through the development sign-in (untimed), casts --warmup votes by extra voters
// (untimed, no passphrase: the server's first requests are much slower while its code warms
// up), then times only the ballot POSTs.
// Peak RSS is the server process's VmHWM from /proc/<pid>/status read after the burst:
// the high-water mark of its whole life (start-up, sign-ins, burst), sampled by the
// parent, so nothing in the server has to report it. PostgreSQL and MariaDB runs need
// TEST_POSTGRES_URL / TEST_MYSQL_URL (an account that may create databases).
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Agent } from 'node:http';
import { parseArgs } from 'node:util';
import type { DbKind } from '../src/config.js';
import { freshDatabase } from '../test/helpers/db.js';
import { BenchClient as Client, percentile, pool, shuffled, startVoteServer } from './support.js';
import { BENCH_ELECTION, benchLogin } from './voteServer.js';

const CANDIDATES = 10;

const { values } = parseArgs({
  options: {
    votes: { type: 'string', default: '1000' },
    'passphrase-votes': { type: 'string', default: '50' },
    db: { type: 'string', default: 'sqlite' },
    concurrency: { type: 'string', default: '1,10,50' },
    'no-passphrase-runs': { type: 'boolean', default: false },
    'no-plain-runs': { type: 'boolean', default: false },
    warmup: { type: 'string', default: '50' },
  },
});
const kind = values.db as DbKind;
if (!['sqlite', 'postgresql', 'mysql'].includes(kind)) throw new Error('--db must be sqlite, postgresql or mysql');
const concurrencies = values.concurrency.split(',').map(Number);
const warmup = Number(values.warmup);

function procStatus(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m?.[1] === undefined ? Number.NaN : Number(m[1]) / 1024;
}

interface RunResult {
  passphrase: boolean;
  concurrency: number;
  votes: number;
  ok: number;
  failures: Map<number, number>;
  seconds: number;
  p50: number;
  p99: number;
  idleMiB: number;
  peakMiB: number;
}

function ballotForm(c: Client, passphrase: string): Record<string, string> {
  const ranks = shuffled(CANDIDATES);
  const form: Record<string, string> = { _csrf: c.csrf, password: passphrase };
  for (let k = 0; k < CANDIDATES; k++) form[`candidate@c${k}`] = String(ranks[k]);
  return form;
}

async function run(passphrase: boolean, concurrency: number, votes: number): Promise<RunResult> {
  const database = await freshDatabase(kind);
  const server = await startVoteServer(database, { BENCH_VOTERS: String(votes + warmup), BENCH_CANDIDATES: String(CANDIDATES) });
  const agent = new Agent({ keepAlive: true, maxSockets: Math.max(concurrency, 20) });
  try {
    const clients = Array.from(
      { length: votes + warmup },
      (_, i) => new Client(server.port, agent, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`),
    );
    await pool(
      clients.map((c, i) => [c, i] as const),
      20,
      async ([c, i]) => c.signIn(benchLogin(i), BENCH_ELECTION),
    );
    // Warm-up votes (no passphrase, untimed, by voters of their own) so the figures are those of
    // a server whose code paths have run before, not of its very first requests.
    const warm = clients.splice(votes);
    await pool(warm, concurrency, async (c) => {
      const res = await c.send('POST', `/app/elections/${BENCH_ELECTION}/vote`, ballotForm(c, ''));
      if (res.status !== 303) throw new Error(`warm-up vote: HTTP ${res.status}`);
    });
    const pid = server.child.pid!;
    const idleMiB = procStatus(pid, 'VmRSS');
    const latencies: number[] = [];
    const failures = new Map<number, number>();
    const started = performance.now();
    await pool(
      clients.map((c, i) => [c, i] as const),
      concurrency,
      async ([c, i]) => {
        const form = ballotForm(c, passphrase ? `bench passphrase ${i}` : '');
        const t0 = performance.now();
        const res = await c.send('POST', `/app/elections/${BENCH_ELECTION}/vote`, form);
        latencies.push(performance.now() - t0);
        if (res.status !== 303) failures.set(res.status, (failures.get(res.status) ?? 0) + 1);
      },
    );
    const seconds = (performance.now() - started) / 1000;
    const peakMiB = procStatus(pid, 'VmHWM');
    latencies.sort((a, b) => a - b);
    const failed = [...failures.values()].reduce((a, b) => a + b, 0);
    return {
      passphrase,
      concurrency,
      votes,
      ok: votes - failed,
      failures,
      seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      idleMiB,
      peakMiB,
    };
  } finally {
    agent.destroy();
    await server.stop();
    await database.drop();
  }
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
// The machine may be shared: the 1-minute load average after each run says how much.
const header = ['db', 'passphrase', 'conc.', 'votes', 'stored', 'votes/s', 'p50 ms', 'p99 ms', 'idle RSS MiB', 'peak RSS MiB', 'load'];
const rows: string[][] = [];
const print = (r: RunResult) => {
  const row = [
    kind,
    r.passphrase ? 'argon2id 256 MiB × 16' : 'none',
    String(r.concurrency),
    String(r.votes),
    String(r.ok),
    fmt(r.votes / r.seconds, 1),
    fmt(r.p50),
    fmt(r.p99),
    fmt(r.idleMiB),
    fmt(r.peakMiB),
    fmt(loadavg()[0] ?? Number.NaN, 1),
  ];
  rows.push(row);
  const failures = [...r.failures].map(([status, n]) => `${n} × HTTP ${status}`).join(', ');
  console.log(`${row.join('  ')}${failures === '' ? '' : `   failures: ${failures}`}`);
};

console.log(
  `bench:vote on ${kind}, ${CANDIDATES} candidates, HTTP POST /app/elections/${BENCH_ELECTION}/vote, ${warmup} warm-up votes per run, Node ${process.version}`,
);
console.log(header.join('  '));
if (!values['no-plain-runs']) {
  for (const c of concurrencies) print(await run(false, c, Number(values.votes)));
}
if (!values['no-passphrase-runs']) {
  const n = Number(values['passphrase-votes']);
  // At concurrency 1 every vote waits for its own derivation: a few are enough for the latency.
  for (const c of concurrencies) print(await run(true, c, c === 1 ? Math.min(n, 10) : n));
}

console.log('\n| ' + header.join(' | ') + ' |');
console.log('|' + header.map(() => '---').join('|') + '|');
for (const row of rows) console.log('| ' + row.join(' | ') + ' |');
