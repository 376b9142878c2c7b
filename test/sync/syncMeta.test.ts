// syncMeta on each database: the election table follows the snapshot without ever
// deleting, broken elections count as present, the revision is recorded once for the
// replicas, a second replica applying the same snapshot writes no second audit entry,
// and completed delete_after elections have their links erased.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { META_REVISION_SETTING, syncMeta } from '../../src/app/syncMeta.js';
import type { ElectionEntry } from '../../src/core/meta/types.js';
import { dialects, freshStore } from '../helpers/db.js';
import { entryOf, makeElection, snapshotOf } from '../helpers/meta.js';

const NOW = new Date('2026-02-01T12:00:00Z');
const quiet = { info: () => undefined, error: () => undefined };

function broken(key: string, name: string | null): ElectionEntry {
  return {
    key,
    dir: `elections/${key}`,
    ok: false,
    name,
    officerSet: new Set(),
    problems: [{ file: `elections/${key}/election.yaml`, line: 2, message: 'bad', severity: 'error' }],
  };
}

for (const kind of dialects()) {
  describe(`syncMeta on ${kind}`, () => {
    test('adds, renames, orphans and restores; records the revision; audits once per change', async () => {
      const { store, cleanup } = await freshStore(kind);
      try {
        const deps = { store, log: quiet, now: NOW };
        const a = entryOf(makeElection({ key: 'a', name: 'Alpha' }));
        const b = entryOf(makeElection({ key: 'b', name: 'Beta' }));
        const first = await syncMeta(deps, snapshotOf([a, b, broken('c', 'Gamma')], 'rev1'));
        assert.deepEqual(first.change, { added: ['a', 'b', 'c'], renamed: [], orphaned: [], restored: [] });
        assert.equal(first.previousRevision, null);
        assert.equal(await store.settings.get(META_REVISION_SETTING), 'rev1');
        assert.equal(
          (await store.elections.findByKey('c'))?.name,
          'Gamma',
          'a broken election gets a row under the name that could be read',
        );

        // A second replica applying the same snapshot changes nothing and writes no audit entry.
        const again = await syncMeta(deps, snapshotOf([a, b, broken('c', 'Gamma')], 'rev1'));
        assert.deepEqual(again.change, { added: [], renamed: [], orphaned: [], restored: [] });
        assert.equal(again.audited, false);

        // b's folder gone, a renamed, c still broken (present, not orphaned).
        const a2 = entryOf(makeElection({ key: 'a', name: 'Alpha (renamed)' }));
        const second = await syncMeta(deps, snapshotOf([a2, broken('c', null)], 'rev2'));
        assert.deepEqual(second.change, { added: [], renamed: ['a'], orphaned: ['b'], restored: [] });
        assert.equal(second.previousRevision, 'rev1');
        const rows = new Map((await store.elections.list()).map((r) => [r.key, r]));
        assert.equal(rows.get('a')?.name, 'Alpha (renamed)');
        assert.ok(rows.get('b')?.orphanedAt !== null);
        assert.equal(rows.get('c')?.orphanedAt, null);
        assert.equal(rows.get('c')?.name, 'Gamma', 'an unreadable name does not erase the known one');

        const third = await syncMeta(deps, snapshotOf([a2, b, broken('c', null)], 'rev3'));
        assert.deepEqual(third.change.restored, ['b']);
        assert.equal((await store.elections.findByKey('b'))?.orphanedAt, null);
        assert.equal((await store.elections.list()).length, 3, 'nothing deleted');

        const audit = (await store.audit.list({ electionKey: null })).filter((e) => e.action === 'meta.sync');
        assert.equal(audit.length, 3, 'rev1, rev2 and rev3 (not the repeated rev1)');
        assert.ok(audit.every((e) => e.actor === 'sync'));
        assert.match(audit[1]?.detail ?? '', /^revision rev2 \(was rev1\); renamed a; orphaned b$/);
        assert.match(audit[0]?.detail ?? '', /restored b/);
      } finally {
        await cleanup();
      }
    });

    test('a folder that is not a git checkout (revision null) records no revision', async () => {
      const { store, cleanup } = await freshStore(kind);
      try {
        await syncMeta({ store, log: quiet, now: NOW }, snapshotOf([entryOf(makeElection({ key: 'a' }))], null));
        assert.equal(await store.settings.get(META_REVISION_SETTING), null);
        assert.ok(await store.elections.findByKey('a'));
      } finally {
        await cleanup();
      }
    });

    test('completed delete_after elections have their links erased after the sync, once', async () => {
      const { store, cleanup } = await freshStore(kind);
      try {
        const done = makeElection({
          key: 'done',
          deleteAfter: true,
          startDatetime: new Date('2026-01-01T00:00:00Z'),
          endDatetime: new Date('2026-01-15T00:00:00Z'),
        });
        const open = makeElection({
          key: 'open',
          deleteAfter: true,
          startDatetime: new Date('2026-01-20T00:00:00Z'),
          endDatetime: new Date('2026-03-01T00:00:00Z'),
        });
        const kept = makeElection({
          key: 'kept',
          deleteAfter: false,
          startDatetime: new Date('2026-01-01T00:00:00Z'),
          endDatetime: new Date('2026-01-15T00:00:00Z'),
        });
        const snap = snapshotOf([entryOf(done), entryOf(open), entryOf(kept)], 'rev1');
        const first = await syncMeta({ store, log: quiet, now: NOW }, snap);
        assert.deepEqual(first.erased, ['done']);
        assert.ok((await store.elections.findByKey('done'))?.linksErasedAt instanceof Date);
        assert.equal((await store.elections.findByKey('open'))?.linksErasedAt, null);
        assert.equal((await store.elections.findByKey('kept'))?.linksErasedAt, null);
        const second = await syncMeta({ store, log: quiet, now: NOW }, snap);
        assert.deepEqual(second.erased, []);
      } finally {
        await cleanup();
      }
    });
  });
}
