// `npm run bench:tally`: whole-process timings of `scrutin tally FILE.csv` on random
// elections, with peak memory, against a straightforward Python count of the same
// files (bench/tally_reference.py). Prints figures; asserts nothing about time.
//
//   npm run bench:tally [-- --runs 3] [--no-build] [--no-python] [--python-limit 120]
//
// Two ways of starting scrutin are timed:
//   tsx   node bin/scrutin.js tally FILE   (a checkout: TypeScript compiled on the fly)
//   dist  node dist/cli.js main(...)       (production: the compiled build, `npm run build`)
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
// Many ballots, then many candidates: a handful of ballots over hundreds of candidates
// makes one large tie, the case whose explanation used to cost n⁴ (400 took 33 s).
const sizes: [ballots: number, candidates: number][] = [
  [1_000, 10],
  [100_000, 10],
  [100_000, 50],
  [1_000_000, 10],
  [20, 400],
  [20, 800],
  [20, 1_000],
  [1_000, 1_000],
];
/** Above this many strongest-path steps (n³), the Python reference would take minutes: not run. */
const PYTHON_MAX_CUBE = 2e7;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'no-build': { type: 'boolean', default: false },
    'no-python': { type: 'boolean', default: false },
    'python-limit': { type: 'string', default: '120' },
    keep: { type: 'boolean', default: false },
  },
});
const runs = Math.max(1, Number(values.runs));
const pythonLimit = Number(values['python-limit']);

// mulberry32: the same files on every run.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random ballots: one candidate in ten left at "No opinion", ranks 1..n with ties. */
function writeElection(path: string, ballots: number, n: number): void {
  const random = prng(ballots * 1000 + n);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, `${Array.from({ length: n }, (_, i) => `cand${i}`).join(',')}\n`);
    let chunk: string[] = [];
    for (let b = 0; b < ballots; b++) {
      const cells: string[] = [];
      // A mild, growing preference for low-numbered candidates, so the result is a
      // definite ranking both implementations must agree on.
      for (let i = 0; i < n; i++)
        cells.push(random() < 0.1 ? 'No opinion' : String(1 + Math.floor(n * random() ** (1 + (n - i) / (4 * n)))));
      chunk.push(cells.join(','));
      if (chunk.length === 10_000) {
        writeSync(fd, `${chunk.join('\n')}\n`);
        chunk = [];
      }
    }
    if (chunk.length > 0) writeSync(fd, `${chunk.join('\n')}\n`);
  } finally {
    closeSync(fd);
  }
}

interface Run {
  /** Wall-clock time of the whole process. */
  seconds: number;
  /** User + system CPU time, from /usr/bin/time: steadier than wall time on a busy machine. */
  cpu: number | null;
  maxRssMiB: number | null;
  stdout: string;
}

const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

function measure(command: string, args: string[]): Run {
  const argv = timeBin === null ? [command, ...args] : [timeBin, '-f', 'MAXRSS_KB=%M CPU=%U+%S', command, ...args];
  const started = performance.now();
  const child = spawnSync(argv[0]!, argv.slice(1), {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const seconds = (performance.now() - started) / 1000;
  if (child.status !== 0) throw new Error(`${argv.join(' ')} failed (${child.status}): ${child.stderr}`);
  const rss = /MAXRSS_KB=(\d+) CPU=([\d.]+)\+([\d.]+)/.exec(child.stderr);
  return {
    seconds,
    cpu: rss === null ? null : Number(rss[2]) + Number(rss[3]),
    maxRssMiB: rss === null ? null : Number(rss[1]) / 1024,
    stdout: child.stdout,
  };
}

function best(command: string, args: string[]): Run {
  const all = Array.from({ length: runs }, () => measure(command, args));
  return all.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

const distUrl = (path: string): string => JSON.stringify(pathToFileURL(join(root, 'dist', path)).href);
// The production entry: dist/cli.js's main(), as bin/scrutin.js runs it when only dist/ ships.
const distCli = `const { main } = await import(${distUrl('cli.js')});
process.exitCode = await main(process.argv.slice(1));`;
// The tally command module alone: what the CLI costs if cli.ts loads only the command it runs.
const distCommand = `const { command } = await import(${distUrl('commands/tally.js')});
const write = (stream) => (s) => stream.write(s.endsWith('\\n') ? s : s + '\\n');
process.exitCode = await command.run(process.argv.slice(2), { out: write(process.stdout), err: write(process.stderr), env: process.env, cwd: process.cwd() });`;

interface Runner {
  label: string;
  run: (file: string) => Run;
}

const runners: Runner[] = [
  {
    label: 'scrutin, dist (node dist/cli.js)',
    run: (file) => best(process.execPath, ['--input-type=module', '-e', distCli, 'tally', file, '--format', 'json']),
  },
  {
    label: 'scrutin, tsx (node bin/scrutin.js)',
    run: (file) => best(process.execPath, [join(root, 'bin', 'scrutin.js'), 'tally', file, '--format', 'json']),
  },
  {
    label: 'tally command module alone, dist',
    run: (file) => best(process.execPath, ['--input-type=module', '-e', distCommand, 'tally', file, '--format', 'json']),
  },
];

function ranking(json: string): string {
  return JSON.stringify((JSON.parse(json) as { ranking: string[][] }).ranking);
}

const fmtTime = (s: number): string => `${s.toFixed(2)} s`;
const fmtMem = (m: number | null): string => (m === null ? 'n/a' : `${m.toFixed(0)} MiB`);
const fmtCpu = (c: number | null): string => (c === null ? 'n/a' : `${c.toFixed(2)} s`);

function row(cells: string[]): string {
  const widths = [-18, -36, 8, 8, 9, 11, 10, 5];
  return cells
    .map((c, i) => ((widths[i] ?? 0) < 0 ? c.padEnd(-(widths[i] ?? 0)) : c.padStart(widths[i] ?? 0)))
    .join(' ')
    .trimEnd();
}

function main(): void {
  if (!values['no-build']) {
    process.stdout.write('Building dist/ (tsc -p tsconfig.build.json)… ');
    const build = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
      cwd: root,
      encoding: 'utf8',
    });
    // tsc emits even when a file elsewhere has a type error; only the emitted files matter here.
    console.log(build.status === 0 ? 'done.' : 'done (with type errors elsewhere in src/; emitted anyway).');
  }
  if (!existsSync(join(root, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build`');

  const dir = mkdtempSync(join(tmpdir(), 'scrutin-bench-'));
  console.log(`Random CSVs in ${dir}. Whole processes: wall time and CPU time (user + system), best of ${runs} runs`);
  console.log('for scrutin, one run for Python. On a busy machine, compare CPU times.');
  console.log(
    timeBin === null ? 'No /usr/bin/time: peak memory not measured.' : 'Peak memory: maximum resident set size, from /usr/bin/time.',
  );
  console.log('');
  console.log(row(['ballots × cand.', 'runner', 'wall', 'CPU', 'max RSS', 'Py÷it wall', 'Py÷it CPU', 'same']));
  try {
    const sizesWithStartup: [number, number][] = [[1, 2], ...sizes];
    let pythonPerPairBallot: number | null = null;
    for (const [ballots, n] of sizesWithStartup) {
      const file = join(dir, `${ballots}x${n}.csv`);
      writeElection(file, ballots, n);
      const mib = statSync(file).size / (1 << 20);
      const label = ballots === 1 ? 'start-up (1 × 2)' : `${ballots.toLocaleString('en')} × ${n}`;
      const results = runners.map((r) => ({ label: r.label, result: r.run(file) }));
      let python: Run | null = null;
      let skipped = '';
      const pairBallots = ballots * n * (n - 1);
      const estimate = pythonPerPairBallot === null ? 0 : pythonPerPairBallot * pairBallots;
      if (values['no-python']) skipped = 'skipped (--no-python)';
      else if (n ** 3 > PYTHON_MAX_CUBE)
        skipped = `not run: ${n} candidates, ${(n ** 3 / 1e6).toFixed(0)} million strongest-path steps in pure Python`;
      else if (estimate > pythonLimit) skipped = `not run: estimated ${estimate.toFixed(0)} s, over --python-limit ${pythonLimit} s`;
      else {
        python = measure('python3', [join(root, 'bench', 'tally_reference.py'), file]);
        if (ballots > 1) pythonPerPairBallot = python.seconds / pairBallots;
      }
      const reference = python === null ? null : ranking(python.stdout);
      results.forEach(({ label: runner, result }, k) => {
        const same = reference === null ? '' : ranking(result.stdout) === reference ? 'yes' : 'NO';
        const ratio = python === null ? '' : `${(python.seconds / result.seconds).toFixed(1)}×`;
        const cpuRatio = python?.cpu == null || result.cpu === null ? '' : `${(python.cpu / Math.max(result.cpu, 0.01)).toFixed(1)}×`;
        console.log(
          row([
            k === 0 ? label : k === 1 ? `  (${mib.toFixed(1)} MiB)` : '',
            runner,
            fmtTime(result.seconds),
            fmtCpu(result.cpu),
            fmtMem(result.maxRssMiB),
            ratio,
            cpuRatio,
            same,
          ]),
        );
      });
      if (python === null) console.log(row(['', 'Python reference', skipped]));
      else console.log(row(['', 'Python reference', fmtTime(python.seconds), fmtCpu(python.cpu), fmtMem(python.maxRssMiB), '1×', '1×']));
      console.log('');
      if (!values.keep) rmSync(file);
    }
    console.log('Goals: 100,000 × 50 under 2 s including process start; at least 50× faster than the Python reference;');
    console.log('peak memory flat as the number of ballots grows; 1,000 candidates in seconds.');
    console.log('"same": the ranking equals the Python reference\'s.');
  } finally {
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
  }
}

main();
