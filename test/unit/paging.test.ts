// Which lines page N of a list holds: the one rule behind every paged list (the voter
// lists cut in memory, the audit trail cut by the database).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pageWindow } from '../../src/core/paging.js';
import { pageOf } from '../../src/views/components/Pager.js';

test('a page within the list starts where the pages before it end', () => {
  assert.deepEqual(pageWindow(120, 1, 50), { page: 1, pages: 3, offset: 0 });
  assert.deepEqual(pageWindow(120, 2, 50), { page: 2, pages: 3, offset: 50 });
  assert.deepEqual(pageWindow(120, 3, 50), { page: 3, pages: 3, offset: 100 });
});

test('pages past either end are the last and the first; an empty list is one empty page', () => {
  assert.deepEqual(pageWindow(120, 4, 50), { page: 3, pages: 3, offset: 100 });
  assert.deepEqual(pageWindow(120, 100_000, 50), { page: 3, pages: 3, offset: 100 });
  assert.deepEqual(pageWindow(100, 3, 50), { page: 2, pages: 2, offset: 50 }, 'an exact multiple has no empty last page');
  for (const before of [0, -1, -50]) assert.deepEqual(pageWindow(120, before, 50), { page: 1, pages: 3, offset: 0 });
  assert.deepEqual(pageWindow(0, 1, 50), { page: 1, pages: 1, offset: 0 });
  assert.deepEqual(pageWindow(0, 7, 50), { page: 1, pages: 1, offset: 0 });
});

test('a list in memory: the lines of the page asked for, or of the last', () => {
  const lines = Array.from({ length: 7 }, (_, i) => i + 1);
  assert.deepEqual(pageOf(lines, 2, 3), { items: [4, 5, 6], page: 2, pages: 3, total: 7 });
  assert.deepEqual(pageOf(lines, 9, 3), { items: [7], page: 3, pages: 3, total: 7 });
  assert.deepEqual(pageOf([], 2, 3), { items: [], page: 1, pages: 1, total: 0 });
});
