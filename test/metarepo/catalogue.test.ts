// The catalogue: atomic swaps, one sync at a time with requests coalesced into one
// more run, degraded status on failure, listeners after each swap — first with a
// fake source, then end to end against a local git repository.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, renameSync } from 'node:fs';
import { Catalogue } from '../../src/metarepo/catalogue.js';
import type { SyncSource } from '../../src/metarepo/catalogue.js';
import { createCatalogue } from '../../src/metarepo/source.js';
import type { MetaSnapshot } from '../../src/core/meta/types.js';
import type { CatalogueReader } from '../../src/app/ports.js';
import { makeUpstream } from './gitRepo.js';

function snapshot(revision: string | null): MetaSnapshot {
  return { revision, loadedAt: new Date(0), entries: new Map(), problems: [] };
}

/** A source whose update waits until released, counting calls. */
function controlledSource(): SyncSource & { updates: number; loads: number; release: () => void; revision: string; fail: string | null } {
  let waiting: (() => void)[] = [];
  const src = {
    updates: 0,
    loads: 0,
    revision: 'r1',
    fail: null as string | null,
    release: () => {
      const w = waiting;
      waiting = [];
      for (const resolve of w) resolve();
    },
    update: async () => {
      src.updates++;
      // The fetch sees the repository as it is when the fetch starts.
      const revision = src.revision;
      await new Promise<void>((resolve) => waiting.push(resolve));
      if (src.fail !== null) throw new Error(src.fail);
      return revision;
    },
    load: (revision: string | null) => {
      src.loads++;
      return Promise.resolve(snapshot(revision));
    },
  };
  return src;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Lets pending promise chains run until `condition` holds (or fails after many turns). */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await tick();
  assert.ok(condition(), 'condition never became true');
}

test('requests during a slow sync are coalesced into exactly one more run', async () => {
  const src = controlledSource();
  const cat = new Catalogue({ source: src, initial: snapshot(null) });
  const first = cat.requestSync('startup');
  await tick();
  assert.equal(cat.status().syncing, true);
  src.revision = 'r2';
  const during = Array.from({ length: 10 }, (_, i) => cat.requestSync(`webhook ${i}`));
  // All ten share one promise: the queued run.
  assert.equal(new Set(during).size, 1);
  src.release();
  assert.equal((await first).status, 'swapped');
  await until(() => src.updates === 2);
  src.release();
  const outcomes = await Promise.all(during);
  assert.equal(src.updates, 2);
  assert.equal(src.loads, 2);
  assert.ok(outcomes.every((o) => o.status === 'swapped' && o.revision === 'r2'));
  assert.equal(cat.current().revision, 'r2');
  assert.equal(cat.status().syncing, false);
  // Idle again: the next request starts a fresh run.
  const later = cat.requestSync('later');
  await tick();
  src.release();
  assert.equal((await later).status, 'unchanged');
  assert.equal(src.updates, 3);
  assert.equal(src.loads, 2);
});

test('a failed sync keeps the last good snapshot and reports degraded with the error and its time; success clears it', async () => {
  const src = controlledSource();
  let now = new Date('2025-03-01T10:00:00Z');
  const cat = new Catalogue({ source: src, initial: snapshot(null), clock: () => now });
  assert.equal(cat.status().state, 'empty');
  const ok = cat.requestSync('startup');
  await tick();
  src.release();
  await ok;
  const good = cat.current();
  assert.equal(cat.status().state, 'ok');
  assert.equal(cat.status().lastSuccessAt?.toISOString(), '2025-03-01T10:00:00.000Z');

  now = new Date('2025-03-01T11:00:00Z');
  src.fail = 'git fetch failed: repository not found';
  const bad = cat.requestSync('webhook');
  await tick();
  src.release();
  assert.deepEqual(await bad, { status: 'failed', error: 'git fetch failed: repository not found' });
  assert.equal(cat.current(), good);
  const status = cat.status();
  assert.equal(status.state, 'degraded');
  assert.equal(status.lastError, 'git fetch failed: repository not found');
  assert.equal(status.lastErrorAt?.toISOString(), '2025-03-01T11:00:00.000Z');
  assert.equal(status.lastSuccessAt?.toISOString(), '2025-03-01T10:00:00.000Z');
  assert.equal(status.revision, 'r1');

  src.fail = null;
  src.revision = 'r3';
  const again = cat.requestSync('retry');
  await tick();
  src.release();
  await again;
  assert.equal(cat.status().state, 'ok');
  assert.equal(cat.status().lastError, null);
  assert.equal(cat.current().revision, 'r3');
});

test('listeners run after each swap with the new and previous snapshot; a failing listener does not undo the swap', async () => {
  const src = controlledSource();
  const errors: string[] = [];
  const cat = new Catalogue({
    source: src,
    initial: snapshot(null),
    log: { info: () => undefined, warn: () => undefined, error: (_o, msg) => errors.push(msg) },
  });
  const seen: [string | null, string | null][] = [];
  cat.onSwap((next, previous) => {
    seen.push([next.revision, previous.revision]);
  });
  const off = cat.onSwap(() => {
    throw new Error('database down');
  });
  const p1 = cat.requestSync('a');
  await tick();
  src.release();
  await p1;
  off();
  src.revision = 'r2';
  const p2 = cat.requestSync('b');
  await tick();
  src.release();
  await p2;
  assert.deepEqual(seen, [
    ['r1', null],
    ['r2', 'r1'],
  ]);
  assert.equal(errors.length, 1);
  assert.equal(cat.current().revision, 'r2');
});

test('an unchanged revision skips the reload unless forced; a plain folder (null revision) always reloads', async () => {
  let loads = 0;
  let revision: string | null = 'same';
  const source: SyncSource = {
    update: () => Promise.resolve(revision),
    load: (r) => {
      loads++;
      return Promise.resolve(snapshot(r));
    },
  };
  const cat = new Catalogue({ source, initial: snapshot(null) });
  await cat.requestSync('one');
  await cat.requestSync('two');
  assert.equal(loads, 1);
  assert.equal((await cat.requestSync({ reason: 'force', force: true })).status, 'swapped');
  assert.equal(loads, 2);
  revision = null;
  await cat.requestSync('plain');
  await cat.requestSync('plain');
  assert.equal(loads, 4);
});

test('end to end with git: a pushed voter appears, a force-push is followed, a vanished repository keeps the last snapshot (degraded)', async () => {
  const up = makeUpstream();
  const savedPath = process.env.PATH;
  try {
    const cat = createCatalogue({
      repo: up.bare,
      path: up.checkout,
      branch: 'main',
      electionDir: 'elections',
      initial: snapshot(null),
      timeoutMs: 30_000,
    });
    const first = await cat.requestSync('startup');
    assert.equal(first.status, 'swapped');
    const gb = cat.current().entries.get('2021---GB');
    assert.ok(gb?.ok);
    assert.ok(!gb.election.voterSet.has('newvoter'));

    up.write('elections/2021/GB/voters.yaml', 'eligible_voters:\n  - dims\n  - NewVoter\n');
    const added = up.commit('add a voter');
    up.push();
    const second = await cat.requestSync('webhook');
    assert.equal(second.status, 'swapped');
    assert.equal(cat.current().revision, added);
    const gb2 = cat.current().entries.get('2021---GB');
    assert.ok(gb2?.ok);
    assert.ok(gb2.election.voterSet.has('newvoter'));

    // Break one election: the others keep working.
    up.write('elections/2021/TOC/election.yaml', 'name: [broken\n');
    up.commit('break TOC');
    up.push();
    await cat.requestSync('webhook');
    assert.equal(cat.current().entries.get('2021---TOC')?.ok, false);
    assert.equal(cat.current().entries.get('2021---GB')?.ok, true);

    // Force-push back to the commit that added the voter.
    up.git('reset', '--quiet', '--hard', added);
    up.push('--force');
    await cat.requestSync('webhook');
    assert.equal(cat.current().revision, added);
    assert.equal(cat.current().entries.get('2021---TOC')?.ok, true);

    const lastGood = cat.current();
    renameSync(up.bare, `${up.bare}.gone`);
    const failed = await cat.requestSync('webhook');
    assert.equal(failed.status, 'failed');
    assert.equal(cat.current(), lastGood);
    assert.equal(cat.status().state, 'degraded');
    assert.match(cat.status().lastError ?? '', /git fetch failed/);
    renameSync(`${up.bare}.gone`, up.bare);
    await cat.requestSync('retry');
    assert.equal(cat.status().state, 'ok');
    rmSync(up.checkout, { recursive: true, force: true });
    // A deleted checkout is cloned again.
    assert.equal((await cat.requestSync({ reason: 'reclone', force: true })).status, 'swapped');
  } finally {
    process.env.PATH = savedPath;
    up.cleanup();
  }
});

test('a Catalogue is what the HTTP layer reads (CatalogueReader)', () => {
  const cat = new Catalogue({
    source: { update: () => Promise.resolve(null), load: (r) => Promise.resolve(snapshot(r)) },
    initial: snapshot(null),
  });
  const reader: CatalogueReader = cat;
  assert.equal(reader.status().state, 'empty');
  assert.equal(reader.current().revision, null);
});
