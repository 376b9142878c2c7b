// Readiness (src/app/readiness.ts), check by check, on a real SQLite store: the database
// must answer, the elections must be loaded and not stale past META_MAX_AGE, and the
// folders Scrutin writes to must take writes; after the database reported a full disk,
// only a real write clears it. A change of verdict is logged once, with the reasons.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readiness, type ReadinessDeps } from '../../src/app/readiness.js';
import type { CatalogueStatus } from '../../src/metarepo/catalogue.js';
import { freshStore } from '../helpers/db.js';

type MetaStatus = Pick<CatalogueStatus, 'state' | 'lastSuccessAt' | 'lastError'>;

const NOW = new Date('2026-03-01T12:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

async function setUp(meta: (() => MetaStatus) | null, folders: string[] = []) {
  const { store, cleanup } = await freshStore('sqlite');
  const warnings: object[] = [];
  const infos: string[] = [];
  const deps: ReadinessDeps = {
    store,
    meta,
    clock: () => NOW,
    databaseWithinMs: 2_000,
    metaMaxAgeMs: 15 * 60_000,
    writableFolders: () => folders,
    log: { warn: (obj) => warnings.push(obj), info: (_obj, msg) => infos.push(msg) },
  };
  return { readiness: new Readiness(deps), store, warnings, infos, cleanup };
}

test('no meta repository configured: ready on the database and the disk alone', async () => {
  const { readiness, cleanup } = await setUp(null);
  try {
    const report = await readiness.check();
    assert.equal(report.ready, true);
    assert.deepEqual(Object.fromEntries(Object.entries(report.checks).map(([k, c]) => [k, c.ok])), {
      database: true,
      meta: true,
      disk: true,
    });
  } finally {
    await cleanup();
  }
});

test('the elections: not ready before any snapshot; ready when loaded or degraded within META_MAX_AGE; not ready once stale', async () => {
  let status: MetaStatus = { state: 'empty', lastSuccessAt: null, lastError: 'git clone failed: repository not found' };
  const { readiness, warnings, infos, cleanup } = await setUp(() => status);
  try {
    let report = await readiness.check();
    assert.equal(report.ready, false);
    assert.match(report.checks.meta.detail, /no elections loaded yet: git clone failed/);
    assert.equal(warnings.length, 1, 'logged once');

    status = { state: 'ok', lastSuccessAt: minutesAgo(60 * 24), lastError: null };
    report = await readiness.check();
    assert.equal(report.ready, true, 'a quiet repository is not stale: the last sync succeeded');
    assert.deepEqual(infos, ['ready again']);

    status = { state: 'degraded', lastSuccessAt: minutesAgo(10), lastError: 'git fetch failed' };
    assert.equal((await readiness.check()).ready, true, 'serving the last good snapshot for a while is fine');

    status = { state: 'degraded', lastSuccessAt: minutesAgo(16), lastError: 'git fetch failed' };
    report = await readiness.check();
    assert.equal(report.ready, false);
    assert.match(report.checks.meta.detail, /could not be refreshed for 960 s \(META_MAX_AGE 900 s\): git fetch failed/);
    await readiness.check();
    assert.equal(warnings.length, 2, 'the same failure is not logged again');
  } finally {
    await cleanup();
  }
});

test('the database: not ready when it does not answer', async () => {
  const { readiness, store, cleanup } = await setUp(null);
  await store.close();
  try {
    const report = await readiness.check();
    assert.equal(report.ready, false);
    assert.equal(report.checks.database.ok, false);
  } finally {
    await cleanup().catch(() => undefined);
  }
});

test('the disk: a folder that takes no writes fails it; a disk-full report holds until a real write succeeds', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'scrutin-ready-'));
  const gone = join(dir, 'gone');
  const { readiness, store, cleanup } = await setUp(null, [dir, gone]);
  try {
    let report = await readiness.check();
    assert.equal(report.checks.disk.ok, false);
    assert.match(report.checks.disk.detail, /gone does not accept writes: ENOENT/);

    const healthy = await setUp(null, [dir]);
    try {
      healthy.store.monitor.observe(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }));
      assert.notEqual(healthy.store.monitor.diskFullSince, null);
      report = await healthy.readiness.check();
      assert.equal(report.checks.disk.ok, true, 'the probe write went through: there is room again');
      assert.equal(healthy.store.monitor.diskFullSince, null, 'and the report is cleared');
    } finally {
      await healthy.cleanup();
    }
    assert.equal(store.monitor.diskFullSince, null);
  } finally {
    await cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('checks asked for at once share one run; recent() reuses a fresh report', async () => {
  const { readiness, cleanup } = await setUp(null);
  try {
    const [a, b] = await Promise.all([readiness.check(), readiness.check()]);
    assert.equal(a, b);
    assert.equal(await readiness.recent(60_000), a);
  } finally {
    await cleanup();
  }
});
