// The repository is parsed in a worker thread under budgets (issue 14, item 4): the
// event loop keeps turning while the worker parses, an election that takes too long
// or breaks the worker gets an error of its own while the others load, and each kind
// of file has a size limit. The worker is driven deterministically through the
// stand-in entry heldLoadWorker.ts (the real worker code plus a gate).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ElectionEntry, MetaSnapshot } from '../../src/core/meta/types.js';
import { configureLoadWorker, FILE_LIMITS, loadSnapshot } from '../../src/metarepo/load.js';
import type { HoldData } from './heldLoadWorker.js';
import { candidateFile, copyFixture, GOOD_ELECTION, tempDir, writeElection } from './fixture.js';

const HELD = new URL('./heldLoadWorker.ts', import.meta.url);

/** Three elections a, b, c in a fresh folder. */
async function withThree(fn: (root: string) => Promise<void>): Promise<void> {
  const tmp = tempDir('scrutin-worker-');
  try {
    for (const key of ['a', 'b', 'c']) writeElection(tmp.path, `elections/${key}`);
    await fn(tmp.path);
  } finally {
    tmp.cleanup();
  }
}

async function withWorker<T>(data: HoldData, timeLimitMs: number, fn: () => Promise<T>, memoryMb?: number): Promise<T> {
  const restore = configureLoadWorker({ entry: HELD, timeLimitMs, data, ...(memoryMb === undefined ? {} : { memoryMb }) });
  try {
    return await fn();
  } finally {
    restore();
  }
}

function states(snapshot: MetaSnapshot): [string, boolean][] {
  return [...snapshot.entries.values()].map((e) => [e.key, e.ok]);
}

function onlyError(entry: ElectionEntry | undefined): string {
  assert.ok(entry !== undefined && !entry.ok);
  assert.equal(entry.problems.length, 1, JSON.stringify(entry.problems));
  assert.equal(entry.problems[0]?.code, 'read-budget');
  return entry.problems[0].message;
}

test('the worker and the in-process parser give the same snapshot', async () => {
  const tmp = tempDir();
  try {
    copyFixture(tmp.path);
    const loadedAt = new Date('2025-01-01T00:00:00Z');
    const inWorker = await loadSnapshot({ root: tmp.path, electionDir: 'elections', revision: 'r', now: () => loadedAt });
    const here = await loadSnapshot({ root: tmp.path, electionDir: 'elections', revision: 'r', now: () => loadedAt, inProcess: true });
    assert.deepEqual(inWorker, here);
    assert.equal(inWorker.entries.size, 3);
  } finally {
    tmp.cleanup();
  }
});

test('while the worker parses, the event loop keeps turning: timers fire and the load is still pending', async () => {
  await withThree(async (root) => {
    const gate = new SharedArrayBuffer(8);
    const flags = new Int32Array(gate);
    await withWorker({ key: 'b', action: 'hold', gate }, 60_000, async () => {
      let settled = false;
      const loading = loadSnapshot({ root, electionDir: 'elections' }).finally(() => {
        settled = true;
      });
      // Each turn of this loop is a timer callback on the main thread: it runs only
      // because the parsing happens elsewhere.
      let turns = 0;
      while (Atomics.load(flags, 1) === 0) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        turns++;
        assert.ok(turns < 4000, 'the worker never reached election b');
      }
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(settled, false, 'the load waits for the worker');
      Atomics.store(flags, 0, 1);
      Atomics.notify(flags, 0);
      const snapshot = await loading;
      assert.deepEqual(states(snapshot), [
        ['a', true],
        ['b', true],
        ['c', true],
      ]);
    });
  });
});

test('an election that takes longer than the time limit gets a clear error, its officers kept; the others load', async () => {
  await withThree(async (root) => {
    const gate = new SharedArrayBuffer(8);
    // Never released: only the time limit can end it.
    const snapshot = await withWorker({ key: 'b', action: 'hold', gate }, 300, () => loadSnapshot({ root, electionDir: 'elections' }));
    assert.deepEqual(states(snapshot), [
      ['a', true],
      ['b', false],
      ['c', true],
    ]);
    const b = snapshot.entries.get('b');
    assert.match(onlyError(b), /this election was not loaded: reading it took longer than 0\.3 s, so it was stopped/);
    assert.ok(b !== undefined && !b.ok && b.officerSet.has('olivia') && b.name === 'Test election', 'officers can still see why');
    // The next load starts a new worker and works as before.
    const again = await loadSnapshot({ root, electionDir: 'elections' });
    assert.deepEqual(states(again), [
      ['a', true],
      ['b', true],
      ['c', true],
    ]);
  });
});

test('a worker that breaks on an election: that election gets the error, the others load', async () => {
  await withThree(async (root) => {
    const snapshot = await withWorker({ key: 'a', action: 'throw' }, 60_000, () => loadSnapshot({ root, electionDir: 'elections' }));
    assert.deepEqual(states(snapshot), [
      ['a', false],
      ['b', true],
      ['c', true],
    ]);
    assert.match(onlyError(snapshot.entries.get('a')), /reading it failed: test worker broke on a/);
  });
});

test('a worker that runs out of memory on an election: that election gets the error, the others load', async () => {
  await withThree(async (root) => {
    const snapshot = await withWorker(
      { key: 'c', action: 'exhaust-memory' },
      60_000,
      () => loadSnapshot({ root, electionDir: 'elections' }),
      32,
    );
    assert.deepEqual(states(snapshot), [
      ['a', true],
      ['b', true],
      ['c', false],
    ]);
    assert.match(onlyError(snapshot.entries.get('c')), /needed more memory than the reader is allowed/);
  });
});

test('a reader that cannot start fails the load (the sync keeps the last snapshot) instead of blaming an election', async () => {
  await withThree(async (root) => {
    const restore = configureLoadWorker({ entry: new URL('./no-such-worker.js', import.meta.url) });
    try {
      await assert.rejects(loadSnapshot({ root, electionDir: 'elections' }));
    } finally {
      restore();
    }
    assert.equal((await loadSnapshot({ root, electionDir: 'elections' })).entries.size, 3);
  });
});

test('each kind of file has its own size limit; a file over it is an error of its election', async () => {
  const tmp = tempDir();
  try {
    const over = (name: string): number => (FILE_LIMITS[name] ?? 0) + 1;
    writeElection(tmp.path, 'elections/voters', {
      'voters.yaml': `eligible_voters:\n${'  - someone\n'.repeat(Math.ceil(over('voters.yaml') / 12))}`,
    });
    writeElection(tmp.path, 'elections/yaml', { 'election.yaml': `${GOOD_ELECTION}# ${'x'.repeat(over('election.yaml'))}\n` });
    writeElection(tmp.path, 'elections/bio', { 'candidate-ann.md': candidateFile('ann', '', 'b'.repeat(over('candidate'))) });
    writeElection(tmp.path, 'elections/fine', {
      'voters.yaml': `eligible_voters:\n${Array.from({ length: 20_000 }, (_, i) => `  - voter-${i}\n`).join('')}`,
      'results.md': `# Results\n\n${'Long text. '.repeat(80_000)}\n`,
    });
    const snapshot = await loadSnapshot({ root: tmp.path, electionDir: 'elections' });
    assert.deepEqual(states(snapshot), [
      ['bio', false],
      ['fine', true],
      ['voters', false],
      ['yaml', false],
    ]);
    for (const [key, file] of [
      ['bio', 'candidate-ann.md'],
      ['voters', 'voters.yaml'],
      ['yaml', 'election.yaml'],
    ] as const) {
      const entry = snapshot.entries.get(key);
      const problem = entry?.problems.find((p) => p.code === 'file-too-large');
      assert.equal(problem?.file, `elections/${key}/${file}`, key);
      assert.match(
        problem.message,
        new RegExp(`files over ${file === 'candidate-ann.md' ? FILE_LIMITS.candidate : FILE_LIMITS[file]} bytes are not read`),
      );
    }
    const fine = snapshot.entries.get('fine');
    assert.ok(fine?.ok);
    assert.equal(fine.election.voters.length, 20_000);
  } finally {
    tmp.cleanup();
  }
});

test('a load held in one lane leaves the other lanes to the other workers; its own lane waits its turn', async () => {
  await withThree(async (held) => {
    const other = tempDir('scrutin-worker-other-');
    try {
      writeElection(other.path, 'elections/x');
      const gate = new SharedArrayBuffer(8);
      const flags = new Int32Array(gate);
      await withWorker({ key: 'b', action: 'hold', gate }, 60_000, async () => {
        let firstDone = false;
        let secondDone = false;
        const first = loadSnapshot({ root: held, electionDir: 'elections', lane: 'hostile' }).finally(() => {
          firstDone = true;
        });
        let turns = 0;
        while (Atomics.load(flags, 1) === 0) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          assert.ok(++turns < 4000, 'the worker never reached election b');
        }
        // Same lane: waits behind the held load.
        const second = loadSnapshot({ root: other.path, electionDir: 'elections', lane: 'hostile' }).finally(() => {
          secondDone = true;
        });
        // Another lane: loads in the other worker while the first is still held.
        const elsewhere = await loadSnapshot({ root: other.path, electionDir: 'elections', lane: 'neighbour' });
        assert.deepEqual(states(elsewhere), [['x', true]]);
        assert.equal(firstDone, false, 'the held load is still held');
        assert.equal(secondDone, false, 'a lane runs one load at a time');
        Atomics.store(flags, 0, 1);
        Atomics.notify(flags, 0);
        assert.deepEqual(states(await first), [
          ['a', true],
          ['b', true],
          ['c', true],
        ]);
        assert.deepEqual(states(await second), [['x', true]]);
      });
    } finally {
      other.cleanup();
    }
  });
});
