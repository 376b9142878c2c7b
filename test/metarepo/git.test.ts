// The git side of a sync against real repositories made in temp folders: clone,
// fetch, force-push, sparse checkout, failures as clear GitErrors, and the token
// kept out of argv, config and messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitError, headRevision, isRemoteRepo, redact, syncCheckout } from '../../src/metarepo/git.js';
import type { GitSyncOptions } from '../../src/metarepo/git.js';
import { makeUpstream } from './gitRepo.js';
import { tempDir } from './fixture.js';

function options(up: ReturnType<typeof makeUpstream>, extra: Partial<GitSyncOptions> = {}): GitSyncOptions {
  return { repo: up.bare, path: up.checkout, branch: 'main', electionDir: 'elections', env: up.env, timeoutMs: 30_000, ...extra };
}

async function rejectsWith(promise: Promise<unknown>, kind: GitError['kind'], pattern: RegExp): Promise<GitError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof GitError, String(error));
    assert.equal(error.kind, kind, `${error.message}\n${error.detail}`);
    assert.match(error.message, pattern);
    return error;
  }
  assert.fail('expected a GitError');
}

test('clone when META_PATH is missing: HEAD of the branch, sparse to ELECTION_DIR', async () => {
  const up = makeUpstream();
  try {
    const result = await syncCheckout(options(up));
    assert.equal(result.cloned, true);
    assert.equal(result.previousRevision, null);
    assert.equal(result.revision, up.git('rev-parse', 'HEAD'));
    assert.equal(result.sparse, true);
    assert.ok(existsSync(join(up.checkout, 'elections/2021/GB/election.yaml')));
    // Cone mode keeps top-level files but not other folders.
    assert.ok(!existsSync(join(up.checkout, 'docs/outside.md')));
    assert.equal(await headRevision(up.checkout, { env: up.env }), result.revision);
  } finally {
    up.cleanup();
  }
});

test('fetch after a new commit; local edits in the checkout are discarded', async () => {
  const up = makeUpstream();
  try {
    const first = await syncCheckout(options(up));
    up.write('elections/2021/GB/voters.yaml', 'eligible_voters:\n  - newvoter\n');
    const second = up.commit('add a voter');
    up.push();
    writeFileSync(join(up.checkout, 'elections/2021/GB/election.yaml'), 'tampered: true\n');
    writeFileSync(join(up.checkout, 'elections/2021/GB/candidate-evil.md'), 'untracked\n');
    const result = await syncCheckout(options(up));
    assert.equal(result.cloned, false);
    assert.equal(result.previousRevision, first.revision);
    assert.equal(result.revision, second);
    assert.match(readFileSync(join(up.checkout, 'elections/2021/GB/voters.yaml'), 'utf8'), /newvoter/);
    assert.match(readFileSync(join(up.checkout, 'elections/2021/GB/election.yaml'), 'utf8'), /^name: Select our 2021/);
    assert.ok(!existsSync(join(up.checkout, 'elections/2021/GB/candidate-evil.md')));
  } finally {
    up.cleanup();
  }
});

test('a force-push is followed: the checkout lands on the rewritten history', async () => {
  const up = makeUpstream();
  try {
    up.write('elections/2021/GB/results.md', 'draft\n');
    up.commit('draft results');
    up.push();
    const before = await syncCheckout(options(up));
    up.git('reset', '--quiet', '--hard', 'HEAD~1');
    up.write('elections/2021/GB/results.md', 'rewritten\n');
    const rewritten = up.commit('rewritten results');
    up.push('--force');
    const after = await syncCheckout(options(up));
    assert.notEqual(after.revision, before.revision);
    assert.equal(after.revision, rewritten);
    assert.equal(readFileSync(join(up.checkout, 'elections/2021/GB/results.md'), 'utf8'), 'rewritten\n');
  } finally {
    up.cleanup();
  }
});

test('a repository that goes away: GitError, and the checkout is left as it was', async () => {
  const up = makeUpstream();
  try {
    const good = await syncCheckout(options(up));
    rmSync(up.bare, { recursive: true, force: true });
    await rejectsWith(syncCheckout(options(up)), 'not-found', /git fetch failed/);
    assert.equal(await headRevision(up.checkout, { env: up.env }), good.revision);
    assert.ok(existsSync(join(up.checkout, 'elections/2021/GB/election.yaml')));
  } finally {
    up.cleanup();
  }
});

test('an unknown branch, a bad branch name, a non-empty folder that is not a checkout', async () => {
  const up = makeUpstream();
  try {
    await rejectsWith(syncCheckout(options(up, { branch: 'nope' })), 'branch', /git clone failed/);
    await rejectsWith(syncCheckout(options(up, { branch: '--upload-pack=touch /tmp/x' })), 'config', /not a valid branch name/);
    mkdirSync(up.checkout, { recursive: true });
    writeFileSync(join(up.checkout, 'precious.txt'), 'keep me');
    await rejectsWith(syncCheckout(options(up)), 'config', /is not empty and is not a git checkout/);
    assert.equal(readFileSync(join(up.checkout, 'precious.txt'), 'utf8'), 'keep me');
  } finally {
    up.cleanup();
  }
});

test('a changed ELECTION_DIR re-limits the sparse checkout; META_BRANCH can change', async () => {
  const up = makeUpstream();
  try {
    await syncCheckout(options(up));
    const r = await syncCheckout(options(up, { electionDir: 'docs' }));
    assert.equal(r.sparse, true);
    assert.ok(existsSync(join(up.checkout, 'docs/outside.md')));
    assert.ok(!existsSync(join(up.checkout, 'elections')));
    up.git('checkout', '--quiet', '-b', 'next');
    up.write('elections/new/election.yaml', 'name: x\n');
    const next = up.commit('next');
    up.git('push', '--quiet', 'origin', 'next');
    const switched = await syncCheckout(options(up, { branch: 'next' }));
    assert.equal(switched.revision, next);
    assert.ok(existsSync(join(up.checkout, 'elections/new/election.yaml')));
  } finally {
    up.cleanup();
  }
});

test('no command-running transports: an ext:: META_REPO is refused by git', async () => {
  const tmp = tempDir();
  try {
    const marker = join(tmp.path, 'pwned');
    await rejectsWith(
      syncCheckout({
        repo: `ext::sh -c touch% ${marker}`,
        path: join(tmp.path, 'meta'),
        branch: 'main',
        electionDir: 'elections',
        timeoutMs: 10_000,
      }),
      'failed',
      /git clone failed/,
    );
    assert.ok(!existsSync(marker));
  } finally {
    tmp.cleanup();
  }
});

/** A stand-in git that records its arguments and environment, to see what the token touches. */
function fakeGit(dir: string, behaviour = ''): { bin: string; log: string } {
  const bin = join(dir, 'fake-git');
  const log = join(dir, 'git.log');
  writeFileSync(
    bin,
    `#!/bin/sh
echo "ARGS $*" >> "${log}"
env | grep -E '^GIT_CONFIG_(COUNT|KEY|VALUE)' | sed 's/^/ENV /' >> "${log}"
${behaviour}
if [ "$1" = clone ]; then for a; do last="$a"; done; mkdir -p "$last"; fi
case "$1" in
  --version) echo "git version 2.39.5" ;;
  rev-parse) echo "0123456789abcdef0123456789abcdef01234567" ;;
esac
exit 0
`,
  );
  chmodSync(bin, 0o755);
  return { bin, log };
}

test('META_REPO_TOKEN: sent as an http.extraHeader for the repository host only, never in argv or the stored URL', async () => {
  const tmp = tempDir();
  try {
    const token = 'ghp_secretTOKEN1234567890';
    const { bin, log } = fakeGit(tmp.path);
    const result = await syncCheckout({
      repo: 'https://github.example/org/meta.git',
      path: join(tmp.path, 'meta'),
      branch: 'main',
      electionDir: 'elections',
      token,
      gitBinary: bin,
      env: { PATH: process.env.PATH },
    });
    assert.equal(result.revision, '0123456789abcdef0123456789abcdef01234567');
    const text = readFileSync(log, 'utf8');
    const args = text.split('\n').filter((l) => l.startsWith('ARGS'));
    assert.ok(args.some((l) => l.includes('clone') && l.includes('https://github.example/org/meta.git')));
    assert.ok(args.every((l) => !l.includes(token) && !l.includes(Buffer.from(`x-access-token:${token}`).toString('base64'))));
    assert.match(text, /ENV GIT_CONFIG_KEY_0=http\.https:\/\/github\.example\/\.extraHeader/);
    assert.match(
      text,
      new RegExp(`ENV GIT_CONFIG_VALUE_0=Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`),
    );
  } finally {
    tmp.cleanup();
  }
});

test('a token with an ssh or local META_REPO is not used, and says so', async () => {
  const tmp = tempDir();
  try {
    const { bin, log } = fakeGit(tmp.path);
    const result = await syncCheckout({
      repo: 'git@github.example:org/meta.git',
      path: join(tmp.path, 'meta'),
      branch: 'main',
      electionDir: 'elections',
      token: 'tok',
      gitBinary: bin,
      env: { PATH: process.env.PATH },
    });
    assert.match(result.notes[0] ?? '', /not an https URL/);
    assert.doesNotMatch(readFileSync(log, 'utf8'), /GIT_CONFIG_VALUE/);
  } finally {
    tmp.cleanup();
  }
});

test('errors never show the token; a hung git is stopped by the timeout', async () => {
  const tmp = tempDir();
  try {
    const token = 'ghp_leakyTOKEN';
    const { bin } = fakeGit(
      tmp.path,
      `if [ "$1" = clone ]; then echo "fatal: Authentication failed for 'https://x:${token}@github.example/org/meta.git/' ($GIT_CONFIG_VALUE_0)" >&2; exit 128; fi`,
    );
    const err = await rejectsWith(
      syncCheckout({
        repo: 'https://github.example/org/meta.git',
        path: join(tmp.path, 'meta'),
        branch: 'main',
        electionDir: 'elections',
        token,
        gitBinary: bin,
        env: { PATH: process.env.PATH },
      }),
      'auth',
      /Authentication failed/,
    );
    assert.ok(!err.message.includes(token) && !err.detail.includes(token));
    assert.ok(!err.detail.includes(Buffer.from(`x-access-token:${token}`).toString('base64')));

    const slow = fakeGit(join(tmp.path), 'if [ "$1" = clone ]; then exec sleep 30; fi');
    await rejectsWith(
      syncCheckout({
        repo: 'https://github.example/org/meta.git',
        path: join(tmp.path, 'meta2'),
        branch: 'main',
        electionDir: 'elections',
        gitBinary: slow.bin,
        timeoutMs: 300,
        env: { PATH: process.env.PATH },
      }),
      'timeout',
      /did not finish within/,
    );
  } finally {
    tmp.cleanup();
  }
});

test('isRemoteRepo and redact', () => {
  for (const remote of [
    'https://github.com/o/r.git',
    'ssh://git@github.com/o/r',
    'git@github.com:o/r.git',
    'github.com:o/r',
    'file:///srv/meta.git',
  ])
    assert.equal(isRemoteRepo(remote), true, remote);
  for (const local of ['/srv/meta.git', './meta', 'meta', '../a:b/c']) assert.equal(isRemoteRepo(local), false, local);
  assert.equal(redact('https://user:pw@github.com/x fatal', null), 'https://[redacted]@github.com/x fatal');
  assert.equal(redact('token abc123 here', 'abc123'), 'token [redacted] here');
});
