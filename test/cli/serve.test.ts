// `scrutin serve` as an operator runs it: against each database it migrates an
// empty database, serves /health with 200, and stops cleanly on SIGTERM. With a
// blank APP_KEY the generated key lives in the database, so a session made by one
// process is accepted by another (replicas, restarts). A broken configuration stops
// it with one message naming each bad variable.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { binPath, repoRoot, runCli } from '../helpers/cli.js';
import { dialects, freshDatabase } from '../helpers/db.js';
import { freePort, waitFor } from '../helpers/net.js';

interface Running {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<number | null>;
}

async function serve(env: Record<string, string>): Promise<Running> {
  const port = await freePort();
  const child = spawn(process.execPath, [binPath, 'serve'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, APP_ENV: 'development', APP_PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      resolve(code);
    }),
  );
  try {
    await waitFor(async () => ((await fetch(`http://127.0.0.1:${port}/health`)).ok ? true : undefined), 30_000, `scrutin serve on ${port}`);
  } catch (error) {
    // A server that never answered is stopped here (its workers leave with the primary's
    // channel), so that a failed start fails this test instead of holding the suite open.
    child.kill('SIGKILL');
    await exited;
    throw new Error(`${(error as Error).message}\n--- its output ---\n${out}`, { cause: error });
  }
  return { child, port, output: () => out, exited };
}

/** Stops a server the test did not stop itself (an assertion failed first). */
async function stopped(s: Running | undefined): Promise<void> {
  if (s === undefined || s.child.exitCode !== null || s.child.signalCode !== null) return;
  s.child.kill('SIGKILL');
  await s.exited;
}

for (const kind of dialects()) {
  describe(`scrutin serve on ${kind}`, () => {
    test('migrates an empty database, serves /health with 200, stops on SIGTERM with exit 0', async () => {
      const database = await freshDatabase(kind);
      let s: Running | undefined;
      try {
        s = await serve({ DATABASE_URL: database.url });
        const health = await fetch(`http://127.0.0.1:${s.port}/health`);
        assert.equal(health.status, 200);
        assert.deepEqual(await health.json(), { status: 'ok' });
        s.child.kill('SIGTERM');
        assert.equal(await s.exited, 0, s.output());
      } finally {
        await stopped(s);
        await database.drop();
      }
    });
  });
}

test('with APP_KEY blank, two processes on one database share the generated key: a session from one is valid on the other', async () => {
  const database = await freshDatabase('sqlite');
  const a = await serve({ DATABASE_URL: database.url });
  let b: Running | undefined;
  try {
    b = await serve({ DATABASE_URL: database.url });
    const loginPage = await fetch(`http://127.0.0.1:${a.port}/login`);
    const cookie = (loginPage.headers.get('set-cookie') ?? '').split(';')[0]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await loginPage.text())?.[1] ?? '';
    // The form was served by A; B accepts its session and CSRF token.
    const res = await fetch(`http://127.0.0.1:${b.port}/login/dev`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ _csrf: csrf, username: 'alice' }).toString(),
    });
    assert.equal(res.status, 303);
    const session = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    const back = await fetch(`http://127.0.0.1:${a.port}/login`, { redirect: 'manual', headers: { cookie: session } });
    assert.equal(back.status, 303, 'A sees the session B created: signed in');
  } finally {
    a.child.kill('SIGTERM');
    b?.child.kill('SIGTERM');
    await Promise.all([a.exited, b?.exited]);
    await database.drop();
  }
});

test('scrutin serve with a broken configuration prints one message naming each bad variable and exits non-zero', async () => {
  const r = await runCli(['serve'], { APP_ENV: 'production', APP_KEY: 'test', DB_CONNECTION: 'postgresql', APP_PORT: 'x' });
  assert.equal(r.code, 1);
  for (const name of ['APP_KEY', 'DB_HOST', 'DB_DATABASE', 'DB_USERNAME', 'APP_PORT', 'GITHUB_CLIENT_ID', 'META_REPO', 'APP_URL'])
    assert.match(r.stderr, new RegExp(`- ${name}`), name);
  assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/, 'no stack trace');
});
