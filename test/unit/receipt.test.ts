// Receipt codes: 25 Crockford base32 characters in five groups, read back leniently
// (case, dashes, spaces, O for 0, I/L for 1), anything else refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newReceipt, normalizeReceipt } from '../../src/core/ballot/receipt.js';

test('a new receipt is five groups of five unambiguous characters, and codes differ', () => {
  const codes = new Set(Array.from({ length: 200 }, () => newReceipt()));
  assert.equal(codes.size, 200);
  for (const code of codes) assert.match(code, /^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){4}$/);
});

test('every character of the alphabet is reachable and the random source is used as given', () => {
  const bytes = Uint8Array.from({ length: 25 }, (_, i) => i + 32 * (i % 3));
  assert.equal(
    newReceipt(() => bytes),
    '01234-56789-ABCDE-FGHJK-MNPQR',
  );
  assert.throws(() => newReceipt(() => new Uint8Array(3)), RangeError);
});

test('a receipt typed by a person is read back', () => {
  assert.equal(normalizeReceipt('01234-56789-abcde-fghjk-mnpqr'), '01234-56789-ABCDE-FGHJK-MNPQR');
  assert.equal(normalizeReceipt(' O1234 56789 ABCDE FGHJK MNPQR '), '01234-56789-ABCDE-FGHJK-MNPQR');
  assert.equal(normalizeReceipt('0l234-56789-ABCDE-FGHJK-MNPQR'), '01234-56789-ABCDE-FGHJK-MNPQR');
});

test('anything else is not a receipt', () => {
  for (const bad of [
    '',
    'ABCDE',
    '01234-56789-ABCDE-FGHJK-MNPQ',
    '01234-56789-ABCDE-FGHJK-MNPQRS',
    '01234-56789-ABCDE-FGHJK-MNPQU',
    '01234-56789-ABCDE-FGHJK-MNPQ!',
  ])
    assert.equal(normalizeReceipt(bad), null, bad);
});
