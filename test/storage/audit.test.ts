// The audit trail a page at a time, on every engine: newest first in the order the
// entries were written (entries of the same second included), every entry on exactly
// one page, a page past either end clamped, and each community and election seeing
// only its own entries.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditRepo } from '../../src/storage/audit.js';
import { dialects, freshStore } from '../helpers/db.js';

const SECOND = new Date('2026-12-07T10:00:00Z');

/** `n` entries of `electionKey`, all in the same second, numbered in the order written. */
async function appendMany(audit: AuditRepo, electionKey: string | null, n: number, prefix = 'entry'): Promise<void> {
  for (let i = 1; i <= n; i++)
    await audit.append({ at: SECOND, electionKey, actor: 'olivia', action: 'results.viewed', detail: `${prefix} ${i}` });
}

for (const kind of dialects()) {
  describe(`the audit trail a page at a time on ${kind}`, () => {
    test('newest first, every entry on exactly one page, pages past either end clamped', async () => {
      const { store, cleanup } = await freshStore(kind);
      try {
        // 23 entries written within one second: only the write order tells them apart.
        await appendMany(store.audit, 'tsc', 23);
        const details = async (page: number) => (await store.audit.page({ electionKey: 'tsc', page, size: 10 })).items.map((e) => e.detail);

        const first = await store.audit.page({ electionKey: 'tsc', page: 1, size: 10 });
        assert.deepEqual({ page: first.page, pages: first.pages, total: first.total }, { page: 1, pages: 3, total: 23 });
        assert.deepEqual(
          first.items.map((e) => e.detail),
          Array.from({ length: 10 }, (_, i) => `entry ${23 - i}`),
        );
        assert.deepEqual(first.items[0]?.at, SECOND);
        const all = [...(await details(1)), ...(await details(2)), ...(await details(3))];
        assert.deepEqual(
          all,
          Array.from({ length: 23 }, (_, i) => `entry ${23 - i}`),
          'the three pages hold every entry once, in order',
        );
        assert.deepEqual(await details(3), ['entry 3', 'entry 2', 'entry 1']);
        assert.deepEqual(await details(2), await details(2), 'the same page twice is the same page');

        const past = await store.audit.page({ electionKey: 'tsc', page: 999_999, size: 10 });
        assert.equal(past.page, 3, 'a page past the end is the last');
        assert.deepEqual(
          past.items.map((e) => e.detail),
          ['entry 3', 'entry 2', 'entry 1'],
        );
        for (const before of [0, -1]) {
          const clamped = await store.audit.page({ electionKey: 'tsc', page: before, size: 10 });
          assert.equal(clamped.page, 1);
          assert.equal(clamped.items[0]?.detail, 'entry 23');
        }

        // Exactly two full pages: no empty third page.
        await appendMany(store.audit, 'exact', 20);
        const exact = await store.audit.page({ electionKey: 'exact', page: 3, size: 10 });
        assert.deepEqual(
          { page: exact.page, pages: exact.pages, total: exact.total, shown: exact.items.length },
          { page: 2, pages: 2, total: 20, shown: 10 },
        );

        // An entry written while someone reads moves later pages by one: nothing is skipped going back in time.
        await store.audit.append({
          at: new Date(SECOND.getTime() + 1000),
          electionKey: 'tsc',
          actor: 'oscar',
          action: 'results.downloaded',
        });
        const after = await store.audit.page({ electionKey: 'tsc', page: 1, size: 10 });
        assert.equal(after.total, 24);
        assert.equal(after.items[0]?.actor, 'oscar');
        assert.equal((await details(2))[0], 'entry 14', 'page 2 now starts one entry earlier');
      } finally {
        await cleanup();
      }
    });

    test('an election with no entries is one empty page', async () => {
      const { store, cleanup } = await freshStore(kind);
      try {
        for (const page of [1, 2, 999_999]) {
          assert.deepEqual(await store.audit.page({ electionKey: 'none', page, size: 50 }), { items: [], page: 1, pages: 1, total: 0 });
        }
      } finally {
        await cleanup();
      }
    });

    test('each election, the syncs (no election) and each community are paged apart', async () => {
      const { store, cleanup } = await freshStore(kind);
      try {
        const k8s = store.forCommunity('k8s');
        await appendMany(store.audit, 'tsc', 3, 'root tsc');
        await appendMany(k8s.audit, 'tsc', 12, 'k8s tsc');
        await appendMany(k8s.audit, 'gb', 4, 'k8s gb');
        await appendMany(k8s.audit, null, 7, 'k8s sync');
        await appendMany(store.audit, null, 2, 'root sync');

        const tsc = await k8s.audit.page({ electionKey: 'tsc', page: 2, size: 5 });
        assert.deepEqual({ pages: tsc.pages, total: tsc.total }, { pages: 3, total: 12 });
        assert.deepEqual(
          tsc.items.map((e) => e.detail),
          ['k8s tsc 7', 'k8s tsc 6', 'k8s tsc 5', 'k8s tsc 4', 'k8s tsc 3'],
        );
        const syncs = await k8s.audit.page({ electionKey: null, page: 1, size: 5 });
        assert.equal(syncs.total, 7);
        assert.ok(
          syncs.items.every((e) => e.detail?.startsWith('k8s sync') === true && e.electionKey === null),
          'only this community’s syncs',
        );
        const root = await store.audit.page({ electionKey: 'tsc', page: 1, size: 5 });
        assert.deepEqual(
          root.items.map((e) => e.detail),
          ['root tsc 3', 'root tsc 2', 'root tsc 1'],
        );
        assert.equal((await store.audit.page({ electionKey: null, page: 1, size: 5 })).total, 2);
        assert.equal((await store.forCommunity('otel').audit.page({ electionKey: 'tsc', page: 1, size: 5 })).total, 0);
      } finally {
        await cleanup();
      }
    });
  });
}
