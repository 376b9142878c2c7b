// The process guard of `scrutin serve` and `scrutin demo` (issue 16): a database driver
// error that reaches the top level, outside any request, is logged and the server keeps
// serving; so is a promise rejection nobody handled. Any other uncaught exception is
// logged and ends the process (exit 1), so its supervisor restarts it in a known state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../helpers/cli.js';

const child = fileURLToPath(new URL('../helpers/guardChild.ts', import.meta.url));
const run = (kind: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', child, kind], { cwd: repoRoot, encoding: 'utf8', timeout: 30_000 });

test('a driver error thrown outside a request is logged with its code; the process keeps serving', () => {
  const r = run('driver');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /still serving/);
  assert.match(r.stdout, /"code":"57P01".*a database driver error reached the top level; Scrutin keeps serving/);
});

test('a promise rejection nobody handled is logged; the process keeps serving', () => {
  const r = run('rejection');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /a promise failed with nobody to handle it/);
  assert.match(r.stdout, /still serving/);
});

test('any other uncaught exception is logged and ends the process with status 1', () => {
  const r = run('bug');
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /"level":60.*uncaught exception: stopping/);
  assert.doesNotMatch(r.stdout, /still serving/);
});
