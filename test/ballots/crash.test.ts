// The process casting votes is killed with SIGKILL in the middle of a burst; `scrutin check`
// (run as an operator would, as a separate process) must then find every vote whole:
// each voter row with its ballot, each ballot with one voter row and every candidate's
// row. A restarted process finishes the burst; check again: everyone voted exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Store } from '../../src/storage/store.js';
import { BURST_CANDIDATES, BURST_ELECTION } from '../helpers/castBurst.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { dialects, freshDatabase, type TestDatabase } from '../helpers/db.js';
import { tableCounts } from '../helpers/ballotHarness.js';
import { waitFor } from '../helpers/net.js';

const script = fileURLToPath(new URL('../helpers/castBurst.ts', import.meta.url));
const VOTERS = 400;

interface Burst {
  child: ChildProcess;
  ok: () => number;
  output: () => string;
  exited: Promise<number | null>;
}

function burst(database: TestDatabase): Burst {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: database.url,
      BURST_VOTERS: String(VOTERS),
      BURST_CONCURRENCY: '16',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      resolve(code);
    }),
  );
  return { child, ok: () => out.split('\n').filter((l) => l.startsWith('ok ')).length, output: () => out + err, exited };
}

async function checkCli(database: TestDatabase): Promise<{ code: number | null; out: string }> {
  const r = await runCli(['check'], { DATABASE_URL: database.url, APP_ENV: 'test' });
  return { code: r.code, out: r.stdout + r.stderr };
}

for (const kind of dialects()) {
  test(`on ${kind}: SIGKILL in the middle of a burst of casts leaves no partial ballot, and a restart completes the burst`, async () => {
    const database = await freshDatabase(kind);
    const store = Store.open(database.config);
    try {
      await store.migrate();
      const first = burst(database);
      await waitFor(() => Promise.resolve(first.ok() >= 40 ? true : undefined), 60_000, `the burst did not get going: ${first.output()}`);
      first.child.kill('SIGKILL');
      await first.exited;
      const reported = first.ok();

      const afterKill = await checkCli(database);
      assert.equal(afterKill.code, 0, afterKill.out);
      assert.match(afterKill.out, new RegExp(`^${BURST_ELECTION}: (\\d+) voters, \\1 ballots of ${BURST_CANDIDATES} candidates`, 'm'));
      const counts = await tableCounts(store, BURST_ELECTION);
      assert.equal(counts.ballots, counts.voters);
      assert.equal(counts.ballotRows, counts.voters * BURST_CANDIDATES);
      // Every cast reported stored is there; at most the casts in flight committed unreported.
      assert.ok(counts.voters >= reported && counts.voters <= reported + 16, `${counts.voters} stored, ${reported} reported`);
      assert.ok(counts.voters < VOTERS, 'killed in the middle of the burst, not after it');

      const second = burst(database);
      assert.equal(await second.exited, 0, second.output());
      const refusedAsVoted = second
        .output()
        .split('\n')
        .filter((l) => l.startsWith('refused 409 ')).length;
      assert.equal(refusedAsVoted, counts.voters, 'the voters from before the crash are told they already voted');
      const final = await checkCli(database);
      assert.equal(final.code, 0, final.out);
      assert.deepEqual(await tableCounts(store, BURST_ELECTION), {
        voters: VOTERS,
        ballots: VOTERS,
        ballotRows: VOTERS * BURST_CANDIDATES,
      });
    } finally {
      await store.close();
      await database.drop();
    }
  });
}
