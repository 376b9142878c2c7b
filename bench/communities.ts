// `npm run bench:communities`: one Scrutin hosting many communities (issue #17).
// Generates BENCH_COMMUNITIES (100) local meta repositories of BENCH_ELECTIONS (20)
// elections with BENCH_VOTERS (2,000) voters each into a temporary folder, starts the
// service on PostgreSQL (TEST_POSTGRES_URL; SQLite without it, said in the output)
// with a COMMUNITIES file naming them all, and prints:
//   - the full start-up sync time (every clone, parse and election-table sync) and
//     the peak resident memory during it;
//   - page latency (p50/p99, autocannon) of a public election page and the front
//     page, against the same service hosting a single community;
//   - the same election page's latency while one community re-syncs in a loop,
//     i.e. whether one community's sync blocks requests.
// Prints figures; asserts nothing. BENCH_SECONDS (default 5) sets each run's length.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseConfig } from '../src/config.js';
import { startService, type Service } from '../src/main.js';
import { freshDatabase, type TestDatabase } from '../test/helpers/db.js';
import { freePort } from '../test/helpers/net.js';
import { tempDir } from '../test/metarepo/fixture.js';

interface Result {
  latency: { p50: number; p99: number; average: number };
  requests: { average: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (options: { url: string; connections: number; duration: number }) => Promise<Result>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const COMMUNITIES = Number(process.env.BENCH_COMMUNITIES ?? 100);
const ELECTIONS = Number(process.env.BENCH_ELECTIONS ?? 20);
const VOTERS = Number(process.env.BENCH_VOTERS ?? 2000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

const gitEnv = {
  PATH: process.env.PATH,
  HOME: '/nonexistent',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.org',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.org',
};

function election(c: number, e: number): string {
  const running = e % 2 === 0;
  return `name: Community ${c} election ${e}
organization: Community ${c}
start_datetime: ${running ? '2020-01-01 00:00:00' : '2098-01-01 00:00:00'}
end_datetime: 2099-01-01 00:00:00
no_winners: 1
allow_no_opinion: True
delete_after: False
election_officers:
  - officer-${c}
eligibility: Contributors may vote.
exception_description: Ask the officers.
exception_due: 2097-01-01 00:00:00
`;
}

function candidate(id: string): string {
  return `${'-'.repeat(61)}\nname: Candidate ${id}\nID: ${id}\ninfo:\n  - employer: Example\n${'-'.repeat(61)}\n\n${'A bio of a few words. '.repeat(20)}\n`;
}

/** One bare repository per community, built from a work tree committed once. */
function generate(root: string): string[] {
  const voters = `eligible_voters:\n${Array.from({ length: VOTERS }, (_, v) => `  - voter-${v}`).join('\n')}\n`;
  const repos: string[] = [];
  for (let c = 0; c < COMMUNITIES; c++) {
    const work = join(root, 'work', `c${c}`);
    for (let e = 0; e < ELECTIONS; e++) {
      const dir = join(work, 'elections', `e${e}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'election.yaml'), election(c, e));
      writeFileSync(join(dir, 'voters.yaml'), voters);
      for (const id of ['ann', 'ben', 'cat']) writeFileSync(join(dir, `candidate-${id}.md`), candidate(id));
    }
    const bare = join(root, 'repos', `c${c}.git`);
    execFileSync('git', ['init', '-q', '-b', 'main', work], { env: gitEnv });
    execFileSync('git', ['add', '-A'], { cwd: work, env: gitEnv });
    execFileSync('git', ['commit', '-q', '-m', 'elections'], { cwd: work, env: gitEnv });
    execFileSync('git', ['clone', '-q', '--bare', work, bare], { env: gitEnv });
    repos.push(bare);
  }
  return repos;
}

async function start(
  database: TestDatabase,
  file: string,
  metaPath: string,
): Promise<{ service: Service; ms: number; peakMiB: number; beforeMiB: number; port: number }> {
  const port = await freePort();
  const config = parseConfig(
    {
      APP_ENV: 'development',
      APP_KEY: 'bench-key-0123456789abcdef',
      DATABASE_URL: database.url,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      RATE_LIMIT_PER_MINUTE: '0',
      COMMUNITIES: file,
      META_PATH: metaPath,
      APP_PORT: String(port),
    },
    process.cwd(),
    { purpose: 'serve' },
  );
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  const quiet = new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (chunk.includes('"level":50') || chunk.includes('"level":60')) process.stderr.write(chunk);
      cb();
    },
  });
  const started = performance.now();
  const service = await startService(config, { logDestination: quiet });
  const ms = performance.now() - started;
  clearInterval(sampler);
  return { service, ms, peakMiB: peak / 2 ** 20, beforeMiB: before / 2 ** 20, port };
}

function communitiesFile(dir: string, repos: string[]): string {
  const file = join(dir, `communities-${repos.length}.yaml`);
  writeFileSync(
    file,
    `communities:\n${repos.map((repo, c) => `  - key: c${c}\n    name: Community ${c}\n    meta_repo: ${repo}\n${c === 0 ? '    default: true\n' : ''}`).join('')}`,
  );
  return file;
}

function line(label: string, r: Result): string {
  return `${label.padEnd(46)} p50 ${String(r.latency.p50).padStart(4)} ms  p99 ${String(r.latency.p99).padStart(4)} ms  ${Math.round(r.requests.average)} req/s${r.non2xx + r.errors > 0 ? `  (${r.non2xx} non-2xx, ${r.errors} errors)` : ''}`;
}

async function main(): Promise<void> {
  const kind = process.env.TEST_POSTGRES_URL !== undefined && process.env.TEST_POSTGRES_URL !== '' ? 'postgresql' : 'sqlite';
  console.log(
    `${COMMUNITIES} communities x ${ELECTIONS} elections x ${VOTERS} voters on ${kind}; ${cpus().length} cores, load ${loadavg()[0]?.toFixed(2) ?? '?'}`,
  );
  if (kind === 'sqlite') console.log('(set TEST_POSTGRES_URL to run on PostgreSQL, as the issue asks)');
  const tmp = tempDir('scrutin-bench-communities-');
  try {
    const t0 = performance.now();
    const repos = generate(tmp.path);
    console.log(`generated ${repos.length} repositories in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const many = await freshDatabase(kind);
    const one = await freshDatabase(kind);
    try {
      const big = await start(many, communitiesFile(tmp.path, repos), join(tmp.path, 'meta-many'));
      const served = big.service.ctx.communities().reduce((n, c) => n + c.ctx.catalogue.current().entries.size, 0);
      console.log(
        `start-up sync, ${COMMUNITIES} communities: ${(big.ms / 1000).toFixed(1)} s, peak RSS ${big.peakMiB.toFixed(0)} MiB (${big.beforeMiB.toFixed(0)} MiB before), ${served} elections served`,
      );
      const small = await start(one, communitiesFile(tmp.path, repos.slice(0, 1)), join(tmp.path, 'meta-one'));
      console.log(`start-up sync, 1 community: ${(small.ms / 1000).toFixed(1)} s (started after the other, in the same process)`);
      try {
        const last = COMMUNITIES - 1;
        // Each URL is warmed up for a second first (JIT, connection pools), so the
        // figures compare steady states rather than whichever ran first.
        const run = async (port: number, path: string) => {
          await autocannon({ url: `http://127.0.0.1:${port}${path}`, connections: 8, duration: 1 });
          return autocannon({ url: `http://127.0.0.1:${port}${path}`, connections: 8, duration: SECONDS });
        };
        console.log(line('election page, 1 community', await run(small.port, '/c/c0/elections/e0')));
        console.log(line(`election page, ${COMMUNITIES} communities`, await run(big.port, `/c/c${last}/elections/e0`)));
        console.log(line('plain URL (default community), 1 community', await run(small.port, '/elections/e0')));
        console.log(line(`plain URL (default community), ${COMMUNITIES}`, await run(big.port, '/elections/e0')));
        console.log(line(`front page, ${COMMUNITIES} communities`, await run(big.port, '/')));

        // One community re-syncing (forced: fetch, parse every election, sync the
        // table) over and over while the pages of another are measured.
        const syncing = big.service.ctx.communities()[0]?.ctx.meta;
        const state = { syncs: 0, stop: false };
        const loop = (async () => {
          while (!state.stop && syncing !== null && syncing !== undefined) {
            await syncing.sync({ reason: 'bench', force: true });
            state.syncs++;
          }
        })();
        const during = await run(big.port, `/c/c${last}/elections/e0`);
        state.stop = true;
        await loop;
        console.log(line(`election page while c0 re-syncs (${state.syncs} syncs)`, during));
      } finally {
        await small.service.stop();
        await big.service.stop();
      }
    } finally {
      await many.drop();
      await one.drop();
    }
  } finally {
    tmp.cleanup();
  }
}

await main();
