// Loading a checked-out meta repository from disk: the walk, keys from nested
// folders, hidden folders, symbolic links (never followed), a missing ELECTION_DIR.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSnapshot, loadElection } from '../../src/metarepo/load.js';
import { copyFixture, tempDir, writeElection } from './fixture.js';

test('the sample repository loads: three elections, keys from nested folders, no errors', async () => {
  const tmp = tempDir();
  try {
    copyFixture(tmp.path);
    const loadedAt = new Date('2025-01-01T00:00:00Z');
    const snap = await loadSnapshot({ root: tmp.path, electionDir: 'elections', revision: 'abc', now: () => loadedAt });
    assert.deepEqual([...snap.entries.keys()], ['2021---GB', '2021---TOC', 'name_the_app']);
    assert.equal(snap.revision, 'abc');
    assert.equal(snap.loadedAt, loadedAt);
    assert.deepEqual(snap.problems, []);
    for (const entry of snap.entries.values()) {
      assert.equal(entry.ok, true, entry.key);
      assert.deepEqual(
        entry.problems.filter((p) => p.severity === 'error'),
        [],
      );
    }
    const gb = snap.entries.get('2021---GB');
    assert.ok(gb?.ok);
    assert.equal(gb.dir, 'elections/2021/GB');
    assert.equal(gb.election.candidates.length, 3);
  } finally {
    tmp.cleanup();
  }
});

test('any depth: steering---2024 and a---b---c; hidden folders skipped; ELECTION_DIR with a trailing slash', async () => {
  const tmp = tempDir();
  try {
    writeElection(tmp.path, 'elections/steering/2024');
    writeElection(tmp.path, 'elections/a/b/c');
    writeElection(tmp.path, 'elections/.github/hidden');
    writeElection(tmp.path, 'elections/.draft');
    writeElection(tmp.path, 'other/not-here');
    const snap = await loadSnapshot({ root: tmp.path, electionDir: 'elections/' });
    assert.deepEqual([...snap.entries.keys()], ['a---b---c', 'steering---2024']);
    assert.equal(snap.entries.get('a---b---c')?.dir, 'elections/a/b/c');
  } finally {
    tmp.cleanup();
  }
});

test('ELECTION_DIR may be nested (events/elections) or the repository root ("")', async () => {
  const tmp = tempDir();
  try {
    writeElection(tmp.path, 'events/elections/2024');
    const nested = await loadSnapshot({ root: tmp.path, electionDir: 'events/elections' });
    assert.deepEqual([...nested.entries.keys()], ['2024']);
    const whole = await loadSnapshot({ root: tmp.path, electionDir: '' });
    assert.deepEqual([...whole.entries.keys()], ['events---elections---2024']);
  } finally {
    tmp.cleanup();
  }
});

test('a missing ELECTION_DIR is a snapshot problem, not a crash', async () => {
  const tmp = tempDir();
  try {
    copyFixture(tmp.path);
    const snap = await loadSnapshot({ root: tmp.path, electionDir: 'elekto-elections' });
    assert.equal(snap.entries.size, 0);
    assert.equal(snap.problems.length, 1);
    assert.match(snap.problems[0]!.message, /ELECTION_DIR "elekto-elections" does not exist/);
    const gone = await loadSnapshot({ root: join(tmp.path, 'nope'), electionDir: 'elections' });
    assert.match(gone.problems[0]!.message, /does not exist/);
  } finally {
    tmp.cleanup();
  }
});

test('symbolic links are never followed: a linked folder, a linked voters.yaml, a linked ELECTION_DIR', async () => {
  const tmp = tempDir();
  const outside = tempDir('scrutin-outside-');
  try {
    const root = join(tmp.path, 'repo');
    writeElection(root, 'elections/real');
    // Outside the repository: an election and a file an attacker would like to read.
    writeElection(outside.path, 'secret-election');
    writeFileSync(join(outside.path, 'voters.yaml'), 'eligible_voters:\n  - mallory\n');
    symlinkSync(join(outside.path, 'secret-election'), join(root, 'elections', 'linked'));
    writeElection(root, 'elections/lured', { 'voters.yaml': 'unused' });
    rmSync(join(root, 'elections/lured/voters.yaml'));
    symlinkSync(join(outside.path, 'voters.yaml'), join(root, 'elections/lured/voters.yaml'));

    const snap = await loadSnapshot({ root, electionDir: 'elections' });
    assert.deepEqual([...snap.entries.keys()], ['lured', 'real']);
    assert.deepEqual(
      snap.problems.map((p) => [p.file, p.severity]),
      [['elections/linked', 'warning']],
    );
    const lured = snap.entries.get('lured')!;
    assert.equal(lured.ok, false);
    assert.match(lured.problems[0]?.message ?? '', /symbolic link/);
    assert.ok(!JSON.stringify(lured).includes('mallory'));

    renameSync(join(root, 'elections'), join(root, 'real-elections'));
    symlinkSync(join(root, 'real-elections'), join(root, 'elections'));
    const viaLink = await loadSnapshot({ root, electionDir: 'elections' });
    assert.equal(viaLink.entries.size, 0);
    assert.match(viaLink.problems[0]?.message ?? '', /symbolic link/);
  } finally {
    tmp.cleanup();
    outside.cleanup();
  }
});

test('keys that collide (a---b and a/b) keep the first folder and report the second', async () => {
  const tmp = tempDir();
  try {
    writeElection(tmp.path, 'elections/a---b');
    writeElection(tmp.path, 'elections/a/b');
    const snap = await loadSnapshot({ root: tmp.path, electionDir: 'elections' });
    assert.deepEqual([...snap.entries.keys()], ['a---b']);
    assert.equal(snap.problems.length, 1);
    assert.match(snap.problems[0]!.message, /both make the election key "a---b"/);
  } finally {
    tmp.cleanup();
  }
});

test('election.yaml directly in ELECTION_DIR is reported; an oversized file is an error of its election', async () => {
  const tmp = tempDir();
  try {
    writeElection(tmp.path, 'elections');
    writeElection(tmp.path, 'elections/big', { 'voters.yaml': `eligible_voters:\n${'  - someone\n'.repeat(200)}` });
    const snap = await loadSnapshot({ root: tmp.path, electionDir: 'elections', maxFileBytes: 1000 });
    assert.match(snap.problems[0]?.message ?? '', /directly in ELECTION_DIR/);
    const big = snap.entries.get('big')!;
    assert.equal(big.ok, false);
    assert.match(big.problems[0]?.message ?? '', /bytes; files over 1000 bytes are not read/);
  } finally {
    tmp.cleanup();
  }
});

test('one broken election does not affect the others', async () => {
  const tmp = tempDir();
  try {
    copyFixture(tmp.path);
    writeFileSync(join(tmp.path, 'elections/2021/GB/election.yaml'), 'name: [broken\n');
    const snap = await loadSnapshot({ root: tmp.path, electionDir: 'elections' });
    assert.equal(snap.entries.get('2021---GB')?.ok, false);
    assert.equal(snap.entries.get('2021---TOC')?.ok, true);
    assert.equal(snap.entries.get('name_the_app')?.ok, true);
  } finally {
    tmp.cleanup();
  }
});

test('loadElection reads one folder (scrutin validate <folder>)', async () => {
  const tmp = tempDir();
  try {
    copyFixture(tmp.path);
    const { entry, problems } = await loadElection(tmp.path, 'elections/2021/TOC', '2021---TOC');
    assert.deepEqual(problems, []);
    assert.ok(entry?.ok);
    assert.equal(entry.election.candidates.length, 2);
    const none = await loadElection(tmp.path, 'elections/2021', '2021');
    assert.equal(none.entry, null);
    assert.match(none.problems[0]?.message ?? '', /no election\.yaml/);
  } finally {
    tmp.cleanup();
  }
});
