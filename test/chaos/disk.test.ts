// SQLite on a full disk (issue 16): a small tmpfs holds the database; once a filler file
// takes the last free byte, votes are answered "temporarily unavailable" (503), the log
// names SQLITE_FULL (not "cannot rollback"), readiness fails on the disk, and the process
// stays up. When the filler goes, writes resume by themselves and readiness recovers.
//
// Mounting needs root on Linux. Elsewhere the test is skipped with a notice; in CI
// (REQUIRE_DB_DIALECTS=1) running as root, a mount that fails is a failure, not a skip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import type { TestDatabase } from '../helpers/db.js';
import { tempDir } from '../metarepo/fixture.js';
import { assertSurvived, signedInVoters, startServer, summary, untilReady, writeElection } from './support.js';

const VOTERS = Array.from({ length: 12 }, (_, i) => `disk${String(i).padStart(2, '0')}`);
const inCi = process.env.REQUIRE_DB_DIALECTS === '1';
const root = process.platform === 'linux' && process.getuid?.() === 0;

/** Mounts a tmpfs of `sizeMiB`; returns its unmount, or the reason it cannot. */
function smallDisk(dir: string, sizeMiB: number): { unmount: () => void } | { reason: string } {
  if (!root) return { reason: 'mounting a small file system needs root on Linux' };
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    return { reason: `mount -t tmpfs failed: ${(error as { stderr?: Buffer }).stderr?.toString().trim() ?? String(error)}` };
  }
  return {
    unmount: () => {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
    },
  };
}

/** Writes zeros until the file system is full; returns how many bytes fitted. */
function fill(path: string): number {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  let written = 0;
  try {
    for (;;) {
      try {
        written += writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
        throw error;
      }
    }
    // The last partial block too.
    for (const size of [4096, 512, 1]) {
      for (;;) {
        try {
          written += writeSync(fd, chunk.subarray(0, size));
        } catch {
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

test('SQLite on a full disk: 503 answers, SQLITE_FULL logged, not ready; writes and readiness resume when space returns', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'scrutin-full-'));
  const disk = smallDisk(dir, 8);
  if ('reason' in disk) {
    if (inCi && root) assert.fail(`CI runs as root and expects a tmpfs: ${disk.reason}`);
    t.skip(`skipped: ${disk.reason}`);
    rmSync(dir, { recursive: true, force: true });
    return;
  }
  const path = join(dir, 'scrutin.db');
  const database: TestDatabase = { kind: 'sqlite', config: { kind: 'sqlite', path }, url: `sqlite:${path}`, drop: () => Promise.resolve() };
  const meta = tempDir('scrutin-chaos-');
  writeElection(meta.path, VOTERS);
  const server = await startServer({ DATABASE_URL: database.url, META_PATH: meta.path });
  const filler = join(dir, 'filler');
  try {
    const voters = await signedInVoters(server.port, VOTERS);
    await Promise.all(voters.slice(0, 4).map((v) => v.keepVoting(Date.now() + 20_000)));
    assert.deepEqual(
      voters.slice(0, 4).map((v) => v.acknowledged),
      [true, true, true, true],
    );

    // Empty the write-ahead log (so the next write must grow a file), then fill the disk.
    const raw = new SqliteDatabase(path);
    raw.pragma('wal_checkpoint(TRUNCATE)');
    raw.close();
    const filled = fill(filler);
    t.diagnostic(`${Math.round(filled / 1024)} KiB of filler took the rest of the disk`);

    const late = voters.slice(4);
    await Promise.all(late.map((v) => v.browseAndVote()));
    assert.ok(
      late.some((v) => v.results.includes('unavailable')),
      `votes on a full disk are refused with 503: ${summary(late)}`,
    );
    assert.equal(await server.get('/health/ready'), 503, 'not ready: the disk takes no writes');
    assert.equal(await server.get('/health'), 503);
    assert.equal(await server.get('/health/live'), 200);
    assert.ok(server.alive());
    assert.match(server.output(), /SQLITE_FULL/, 'the real error code is logged');
    assert.doesNotMatch(server.output(), /cannot rollback/, 'not the rollback that failed after it');

    unlinkSync(filler);
    const readyAfterMs = await untilReady(server);
    await Promise.all(late.map((v) => v.keepVoting(Date.now() + 20_000)));
    await assertSurvived(server, database, voters, 'the full disk');
    assert.deepEqual(
      voters.filter((v) => !v.done).map((v) => v.login),
      [],
      'writes resumed by themselves',
    );
    t.diagnostic(`answers: ${summary(voters)}; ready again ${readyAfterMs} ms after space returned`);
  } finally {
    await server.stop();
    meta.cleanup();
    disk.unmount();
    rmSync(dir, { recursive: true, force: true });
  }
});
