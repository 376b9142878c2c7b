// The clone in META_PATH is a cache (issue 16): one that git cannot read is moved aside
// to META_PATH.broken and cloned again; a clone that is fine but cannot reach its
// remote, and a folder that is not a clone at all, are left alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitError, isUnreadableClone, syncCheckout, type GitSyncOptions } from '../../src/metarepo/git.js';
import { corruptObjects, makeUpstream, type Upstream } from './gitRepo.js';

function options(up: Upstream): GitSyncOptions {
  return { repo: up.bare, path: up.checkout, branch: 'main', electionDir: 'elections', env: up.env, timeoutMs: 30_000 };
}

async function healedClone(up: Upstream, damage: (checkout: string) => void): Promise<void> {
  const first = await syncCheckout(options(up));
  damage(up.checkout);
  const result = await syncCheckout(options(up));
  assert.equal(result.cloned, true, 'cloned again');
  assert.equal(result.revision, first.revision);
  assert.ok(existsSync(join(up.checkout, 'elections/2021/GB/election.yaml')), 'the elections are back');
  assert.ok(existsSync(`${up.checkout}.broken`), 'the unreadable clone was moved aside, not deleted');
  assert.ok(
    result.notes.some((n) => /could not be read by git .* moved to .*\.broken and cloned again/.test(n)),
    result.notes.join('\n'),
  );
  // And the next sync is an ordinary update.
  const again = await syncCheckout(options(up));
  assert.equal(again.cloned, false);
}

test('corrupted objects: moved aside and cloned again', async () => {
  const up = makeUpstream();
  try {
    await healedClone(up, (checkout) => {
      assert.ok(corruptObjects(checkout) > 0);
    });
  } finally {
    up.cleanup();
  }
});

test('a HEAD git cannot read, and a corrupt index: moved aside and cloned again', async () => {
  const up = makeUpstream();
  try {
    await healedClone(up, (checkout) => {
      writeFileSync(join(checkout, '.git', 'HEAD'), 'garbage\n');
    });
    await healedClone(up, (checkout) => {
      writeFileSync(join(checkout, '.git', 'index'), 'DIRC garbage');
    });
  } finally {
    up.cleanup();
  }
});

test('a healthy clone whose remote is unreachable is kept; a folder that is not a clone is refused, not moved', async () => {
  const up = makeUpstream();
  try {
    await syncCheckout(options(up));
    renameSync(up.bare, `${up.bare}.away`);
    await assert.rejects(syncCheckout(options(up)), (e: unknown) => e instanceof GitError && !isUnreadableClone(e));
    assert.ok(existsSync(join(up.checkout, '.git')) && !existsSync(`${up.checkout}.broken`), 'the clone stays where it was');
    renameSync(`${up.bare}.away`, up.bare);
    const stranger = join(up.root, 'not-a-clone');
    mkdirSync(stranger);
    writeFileSync(join(stranger, 'notes.txt'), 'mine\n');
    await assert.rejects(syncCheckout({ ...options(up), path: stranger }), (e: unknown) => e instanceof GitError && e.kind === 'config');
    assert.ok(existsSync(join(stranger, 'notes.txt')) && !existsSync(`${stranger}.broken`));
  } finally {
    up.cleanup();
  }
});

test('which failures call for a new clone', () => {
  const local = (detail: string, command = 'checkout') => new GitError(`git ${command} failed`, 'failed', detail, command);
  assert.equal(isUnreadableClone(local('fatal: unable to read tree 3f2a')), true);
  assert.equal(isUnreadableClone(local('error: object file .git/objects/3f is empty', 'rev-parse')), true);
  assert.equal(isUnreadableClone(new GitError('git fetch failed', 'failed', 'fatal: bad object HEAD', 'fetch')), true);
  assert.equal(
    isUnreadableClone(new GitError('git fetch failed', 'not-found', "fatal: '/x' does not appear to be a git repository", 'fetch')),
    false,
  );
  assert.equal(
    isUnreadableClone(new GitError('git fetch failed', 'failed', 'fatal: unable to access: Could not resolve host', 'fetch')),
    false,
  );
  assert.equal(isUnreadableClone(new GitError('git fetch did not finish within 120 s', 'timeout', '', 'fetch')), false);
  assert.equal(isUnreadableClone(local('error: unable to write file: No space left on device')), false, 'a new clone would not fit either');
  assert.equal(isUnreadableClone(new Error('not git')), false);
});
