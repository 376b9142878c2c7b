// Fragments rendered once per snapshot object: reused for the same object and variant,
// rendered afresh for another object (a new snapshot) or variant, a few variants kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fragment } from '../../src/views/fragments.js';
import { trusted } from '../../src/views/render.js';

test('a fragment is rendered once per object and variant, and again for another', () => {
  let renders = 0;
  const build = (text: string) => () => {
    renders++;
    return trusted(`<p>${text}</p>`);
  };
  const election = {};
  assert.equal(String(fragment(election, 'about', build('one'))), '<p>one</p>');
  assert.equal(String(fragment(election, 'about', build('changed'))), '<p>one</p>', 'the same object and variant: kept');
  assert.equal(renders, 1);
  assert.equal(String(fragment(election, 'side', build('two'))), '<p>two</p>');
  assert.equal(String(fragment({}, 'about', build('next revision'))), '<p>next revision</p>', 'another object: its own');
  assert.equal(renders, 3);
});

test('each object keeps its last eight variants', () => {
  const owner = {};
  let renders = 0;
  const build = () => {
    renders++;
    return trusted('<p>x</p>');
  };
  for (let i = 0; i < 9; i++) fragment(owner, `v${i}`, build);
  assert.equal(renders, 9);
  fragment(owner, 'v8', build);
  fragment(owner, 'v1', build);
  assert.equal(renders, 9, 'recent variants are kept');
  fragment(owner, 'v0', build);
  assert.equal(renders, 10, 'the oldest was dropped');
});
