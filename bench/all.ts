// `npm run bench`: every benchmark, one after the other, and one Markdown table of their
// headline figures in bench/RESULTS.md — the date, the machine, its load, the commit,
// and each figure beside the one the previous run wrote and beside its goal — so a
// regression shows in review. Each benchmark's full output goes to the terminal as it
// runs. Asserts nothing: on a shared machine read CPU figures and ratios, and the load.
//
//   npm run bench [-- --skip tally,vote] [--with communities] [--out bench/RESULTS.md]
//
// What it runs: the CLI's start-up (measured here), bench/pages.ts (server CPU per
// request), bench/http.ts (throughput with the default workers), bench/passphraseRush.ts
// (100 passphrase voters arriving within a minute), bench/meta.ts (parse), bench/vote.ts (shortened:
// 300 votes, 20 with a passphrase) and bench/tally.ts (one run, no Python reference).
// Only when asked (`--with communities`, it takes minutes): bench/communities.ts (100
// communities' start-up sync, memory and pages; PostgreSQL when TEST_POSTGRES_URL is set).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort } from '../test/helpers/net.js';
import { generateMetaRepo } from './meta.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    skip: { type: 'string', default: '' },
    with: { type: 'string', default: '' },
    out: { type: 'string', default: join(root, 'bench', 'RESULTS.md') },
  },
});
const skip = new Set(values.skip.split(',').filter((s) => s !== ''));
/** Benchmarks too slow to run every time, run when named. */
const extra = new Set(values.with.split(',').filter((s) => s !== ''));

interface Figure {
  name: string;
  value: string;
  goal: string;
  /** The 1-minute load average when it was measured. */
  load: number;
}
const figures: Figure[] = [];
const load1 = (): number => loadavg()[0] ?? Number.NaN;
const add = (name: string, value: string, goal = ''): void => {
  figures.push({ name, value, goal, load: load1() });
  console.log(`  → ${name}: ${value}${goal === '' ? '' : ` (goal ${goal})`}`);
};
const ms = (x: number): string => `${x.toFixed(x < 10 ? 2 : 0)} ms`;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** Runs `args` with node (tsx loaded), its output shown as it comes; resolves with stdout. */
function node(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      process.stdout.write(d);
    });
    child.on('close', (code) => {
      resolve({ code, out });
    });
  });
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    return null;
  }
}

function wall(command: string, args: string[], cwd = root): number {
  const t0 = performance.now();
  const res = spawnSync(command, args, { cwd, stdio: 'ignore' });
  if (res.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${res.status}`);
  return performance.now() - t0;
}

const tmp = mkdtempSync(join(tmpdir(), 'scrutin-bench-'));
const bin = join(root, 'bin', 'scrutin.js');

async function cli(): Promise<void> {
  console.log('\n# CLI and start-up');
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  if (build.status !== 0) console.log('  (npm run build failed: the CLI runs the sources)');
  add(
    'scrutin --help (whole process, median of 5)',
    ms(median([0, 1, 2, 3, 4].map(() => wall(process.execPath, [bin, '--help'])))),
    '< 300 ms',
  );
  const repo = join(tmp, 'repo500');
  generateMetaRepo(repo, { elections: 500, candidates: 10, voters: 1_000 });
  add(
    'scrutin validate, 500 elections × 10 candidates × 1,000 voters (whole process, median of 3)',
    ms(median([0, 1, 2].map(() => wall(process.execPath, [bin, 'validate', repo])))),
    '< 1,500 ms',
  );
  // A first start, as after `npm install`: the demo in an empty folder, until /health/ready answers 200.
  const port = await freePort();
  const dir = join(tmp, 'demo');
  const t0 = performance.now();
  const demo = spawn(process.execPath, [bin, 'demo'], { cwd: tmp, env: { ...process.env, APP_PORT: String(port) }, stdio: 'ignore' });
  let healthy = Number.NaN;
  for (let i = 0; i < 600; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) {
      healthy = performance.now() - t0;
      break;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  demo.kill('SIGTERM');
  await new Promise((r) => demo.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
  add('`scrutin demo` (npm start) healthy, first start', ms(healthy), '< 3,000 ms idle');
}

async function pages(): Promise<void> {
  console.log('\n# Pages: server CPU per request (bench/pages.ts)');
  const file = join(tmp, 'pages.json');
  await node(['bench/pages.ts'], { BENCH_JSON: file });
  const goals: Record<string, string> = {
    dashboard: '≤ 1 ms',
    election: '≤ 0.5 ms',
    candidate: '≤ 0.5 ms',
    'list p1': '≤ 0.5 ms',
    'list p5': '≤ 0.5 ms',
  };
  for (const f of (readJson(file) as Array<{ shape: string; page: string; cpuMsPerRequest: number; systemMsPerRequest?: number }> | null) ??
    []) {
    const kernel = f.systemMsPerRequest === undefined ? '' : ` (kernel ${f.systemMsPerRequest.toFixed(3)})`;
    add(`${f.page}, ${f.shape}: server CPU per request`, `${f.cpuMsPerRequest.toFixed(3)} ms${kernel}`, goals[f.page] ?? '');
  }
}

async function http(): Promise<void> {
  console.log('\n# HTTP throughput (bench/http.ts)');
  const file = join(tmp, 'http.json');
  await node(['bench/http.ts'], { BENCH_JSON: file });
  const r = readJson(file) as {
    workers: number;
    figures: Array<{ page: string; connections: number; rps: number; p50: number; cpuMsPerRequest: number }>;
  } | null;
  for (const f of r?.figures ?? []) {
    const goal = f.page === 'election' && f.connections === 32 ? '≥ 3,000 req/s (2 idle cores)' : f.connections === 1 ? 'p50 < 5 ms' : '';
    add(
      `${f.page}, c=${f.connections}, ${r?.workers ?? '?'} workers: req/s, p50, CPU/req`,
      `${f.rps.toFixed(0)} req/s, ${f.p50.toFixed(0)} ms, ${f.cpuMsPerRequest.toFixed(2)} ms`,
      goal,
    );
  }
}

async function rush(): Promise<void> {
  console.log('\n# Passphrase rush (bench/passphraseRush.ts)');
  const file = join(tmp, 'rush.json');
  await node(['bench/passphraseRush.ts'], { BENCH_JSON: file });
  const r = readJson(file) as {
    voters: number;
    confirmed: number;
    p50: number;
    p99: number;
    max: number;
    peakMiB: number;
    pastTimeout: number;
    readTimeout: number;
  } | null;
  if (r === null) {
    add('passphrase rush', 'did not finish');
    return;
  }
  add(
    `passphrase rush, ${r.voters} voters arriving within a minute: time to confirmation p50 / p99 / max`,
    `${r.p50.toFixed(1)} / ${r.p99.toFixed(1)} / ${r.max.toFixed(1)} s (${r.confirmed} confirmed)`,
  );
  add('passphrase rush: server peak memory', `${r.peakMiB.toFixed(0)} MiB`);
  add(`passphrase rush: answers past the ${r.readTimeout} s proxy timeout`, String(r.pastTimeout), '0');
}

async function meta(): Promise<void> {
  console.log('\n# Meta repository parse (bench/meta.ts)');
  const { out } = await node(['--expose-gc', 'bench/meta.ts']);
  const parse = /full parse time: median (\d+) ms wall, (\d+) ms CPU/.exec(out);
  add('meta parse, 500 elections (median wall, CPU)', parse === null ? '—' : `${parse[1]} ms, ${parse[2]} ms CPU`, '< 2,000 ms');
  const memory = /snapshot memory \(heap delta after GC\): ([\d.]+ MiB)/.exec(out);
  add('meta snapshot memory, 500 elections', memory?.[1] ?? '—');
}

async function vote(): Promise<void> {
  console.log('\n# Votes (bench/vote.ts, shortened)');
  const { out } = await node(['bench/vote.ts', '--votes', '300', '--passphrase-votes', '20', '--concurrency', '10']);
  // The Markdown rows it prints last: | db | passphrase | conc. | votes | stored | votes/s | p50 | p99 | idle | peak | load |
  for (const line of out.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 12 || !/^\d+$/.test(cells[3] ?? '')) continue;
    add(
      `votes, ${cells[2] === 'none' ? 'without' : 'with'} passphrase, c=${cells[3]}: votes/s, p50, peak RSS`,
      `${cells[6]}/s, ${cells[7]} ms, ${cells[10]} MiB`,
    );
  }
}

async function tally(): Promise<void> {
  console.log('\n# Tally (bench/tally.ts, one run, no Python)');
  const { out } = await node(['bench/tally.ts', '--runs', '1', '--no-python']);
  // The rows of one size: its label on the first, then one row per runner.
  const lines = out.split('\n');
  const at = lines.findIndex((l) => l.startsWith('1,000,000 × 10'));
  const dist = at < 0 ? undefined : lines.slice(at, at + 3).find((l) => l.includes('dist'));
  const times = dist === undefined ? null : /\s([\d.]+ s)\s+([\d.]+ s)/.exec(dist);
  add('tally, 1,000,000 ballots × 10 candidates (dist: wall, CPU)', times === null ? '—' : `${times[1]}, ${times[2]} CPU`);
}

async function communities(): Promise<void> {
  console.log('\n# Communities (bench/communities.ts, 100 communities × 20 elections × 2,000 voters)');
  const { out } = await node(['bench/communities.ts'], { BENCH_COMMUNITIES: '100', BENCH_SECONDS: '3' });
  const startup = /start-up sync, (\d+) communities: ([\d.]+ s), peak RSS (\d+ MiB)/.exec(out);
  add('communities: start-up sync, 100 communities (wall, peak RSS)', startup === null ? '—' : `${startup[2]}, ${startup[3]}`, '');
  for (const label of ['election page, 100 communities', 'front page, 100 communities']) {
    const row = new RegExp(`${label}\\s+p50\\s+(\\d+) ms\\s+p99\\s+(\\d+) ms\\s+(\\d+) req/s`).exec(out);
    add(`communities: ${label} (p50, p99, req/s)`, row === null ? '—' : `${row[1]} ms, ${row[2]} ms, ${row[3]} req/s`);
  }
}

const load = {
  before: loadavg()
    .map((l) => l.toFixed(2))
    .join(' '),
  after: '',
};
const sections: Array<[string, () => Promise<void>]> = [
  ['cli', cli],
  ['pages', pages],
  ['http', http],
  ['rush', rush],
  ['meta', meta],
  ['vote', vote],
  ['tally', tally],
  ...(extra.has('communities') ? ([['communities', communities]] as Array<[string, () => Promise<void>]>) : []),
];
try {
  for (const [name, run] of sections) {
    if (skip.has(name)) continue;
    try {
      await run();
    } catch (error) {
      add(name, `failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
load.after = loadavg()
  .map((l) => l.toFixed(2))
  .join(' ');

/** The figures of the previous RESULTS.md, by name. */
function previous(file: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length >= 6 && cells[1] !== undefined && cells[1] !== 'figure' && !cells[1].startsWith('---'))
      out.set(cells[1], cells[2] ?? '');
  }
  return out;
}

const before = previous(values.out);
const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim();
const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }).stdout.trim() !== '';
const cpu = cpus();
const lines = [
  '# Benchmark results',
  '',
  "Written by `npm run bench` (bench/all.ts); the previous run's figures are kept beside the new ones.",
  'On a shared machine read CPU figures and ratios rather than wall times, and the load.',
  '',
  `- date: ${new Date().toISOString()}`,
  `- machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
  `- load average (1, 5, 15 min): ${load.before} before, ${load.after} after`,
  `- commit: ${commit}${dirty ? ' (with uncommitted changes)' : ''}`,
  '',
  '| figure | this run | previous run | goal | load |',
  '|---|---|---|---|---|',
  ...figures.map(
    (f) => `| ${f.name} | ${f.value} | ${before.get(f.name) ?? '—'} | ${f.goal === '' ? '—' : f.goal} | ${f.load.toFixed(1)} |`,
  ),
  '',
];
writeFileSync(values.out, lines.join('\n'));
console.log(`\nwrote ${values.out}`);
