// Ballot receipt codes (`ballot_receipts: true`, SPEC §10). A receipt is 125 random bits
// written as 25 characters of Crockford's base32 in five groups of five
// (`7K2QM-X4T9B-…`): no I, L, O or U, so it reads aloud and copies by hand without
// ambiguity, and a mistyped 0/O or 1/I/L still matches. It is drawn at random for each
// cast, stored only on the anonymous ballot rows, and published with them: it finds a
// ballot, never a voter.
import { webCryptoRandomBytes, type RandomBytes } from './secrecy.js';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const GROUPS = 5;
const GROUP = 5;
const CHARS = GROUPS * GROUP;

/** A fresh receipt code. */
export function newReceipt(randomBytes: RandomBytes = webCryptoRandomBytes): string {
  const bytes = randomBytes(CHARS);
  if (bytes.length !== CHARS) throw new RangeError('randomBytes returned the wrong length');
  // One byte per character, its low 5 bits: 256 is a multiple of 32, so each is uniform.
  let out = '';
  for (let i = 0; i < CHARS; i++) {
    if (i > 0 && i % GROUP === 0) out += '-';
    out += ALPHABET[(bytes[i] ?? 0) & 31] ?? '0';
  }
  return out;
}

/**
 * A receipt as a voter may type it (any case, spaces or dashes anywhere, O for 0, I or L
 * for 1) in its canonical form, or null when it cannot be one.
 */
export function normalizeReceipt(input: string): string | null {
  const plain = input
    .toUpperCase()
    .replace(/[\s-]+/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (plain.length !== CHARS) return null;
  for (const ch of plain) if (!ALPHABET.includes(ch)) return null;
  const groups: string[] = [];
  for (let i = 0; i < CHARS; i += GROUP) groups.push(plain.slice(i, i + GROUP));
  return groups.join('-');
}
