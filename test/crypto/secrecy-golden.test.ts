// Elekto compatibility at full cost (argon2i, 8 passes, 512 MiB: about 2 s per derivation).
// The vectors were made by test/fixtures/golden/make_vectors.py with Debian's python3-nacl
// following Elekto's own calls; the last tests go the other way, asking PyNaCl to open what
// Scrutin sealed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ELEKTO_KDF_PARAMS, type KdfParams } from '../../src/core/ballot/kdfParams.js';
import { newVoterId, openVoterId, sealVoterId, type DeriveKey } from '../../src/core/ballot/secrecy.js';
import { argon2DeriveKey } from '../../src/crypto/kdf.js';
import { needTool } from '../helpers/tools.js';

interface SealedVector {
  label: string;
  passphrase: string;
  salt: string;
  sealed: string;
  plaintext: string;
}
const golden = JSON.parse(readFileSync(new URL('../fixtures/golden/elekto-sealed.json', import.meta.url), 'utf8')) as {
  sealed: SealedVector[];
};
const generator = fileURLToPath(new URL('../fixtures/golden/make_vectors.py', import.meta.url));
const PYTHON = '/usr/bin/python3';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// Derivations at 512 MiB are slow; flipping bytes of the sealed value reuses the key.
const keys = new Map<string, Uint8Array>();
const memoDerive: DeriveKey = async (passphrase, salt, params) => {
  const id = `${toHex(passphrase)}/${toHex(salt)}/${JSON.stringify(params)}`;
  let key = keys.get(id);
  if (!key) {
    key = Uint8Array.from(await argon2DeriveKey(passphrase, salt, params));
    keys.set(id, key);
  }
  return key.slice();
};

function pythonNaclMissing(): string | false {
  const probe = spawnSync(PYTHON, ['-c', 'import nacl.secret, nacl.pwhash'], { stdio: 'ignore' });
  return probe.status === 0
    ? false
    : `${PYTHON} with python3-nacl is not installed (apt-get install python3-nacl); PyNaCl cross-check skipped`;
}

function pynaclOpen(request: Record<string, unknown>): { ok: boolean; plaintext?: string } {
  const out = execFileSync(PYTHON, [generator, 'open'], { input: JSON.stringify(request), encoding: 'utf8' });
  return JSON.parse(out) as { ok: boolean; plaintext?: string };
}

test('the golden file holds the three kinds of Elekto passphrase, each sealing a 36-character identifier in 76 bytes', () => {
  assert.deepEqual(
    golden.sealed.map((v) => v.label),
    ['ascii', 'utf8', 'six-digit fallback'],
  );
  for (const v of golden.sealed) {
    assert.equal(hex(v.salt).length, 16);
    assert.equal(hex(v.sealed).length, 76);
    assert.match(v.plaintext, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  }
  assert.match(golden.sealed[1]!.passphrase, /[\u0080-\u{10ffff}]/u);
  assert.match(golden.sealed[2]!.passphrase, /^\d{6}$/);
});

for (const v of golden.sealed) {
  test(`Elekto record (${v.label} passphrase) opens with the right passphrase, with a NULL kdf column`, async () => {
    const r = await openVoterId({ passphrase: v.passphrase, salt: hex(v.salt), sealed: hex(v.sealed), kdf: null, deriveKey: memoDerive });
    assert.deepEqual(r, { ok: true, voterId: v.plaintext });
  });

  test(`Elekto record (${v.label} passphrase): altered bytes fail cleanly`, async () => {
    const sealed = hex(v.sealed);
    for (const i of [3, 30, 60]) {
      const altered = sealed.slice();
      altered[i] = (altered[i] ?? 0) ^ 0x40;
      const r = await openVoterId({ passphrase: v.passphrase, salt: hex(v.salt), sealed: altered, kdf: null, deriveKey: memoDerive });
      assert.deepEqual(r, { ok: false, reason: 'wrong-passphrase' }, `byte ${i}`);
    }
  });
}

test('Elekto records refuse near-miss passphrases cleanly', async () => {
  const [ascii, utf8, digits] = golden.sealed as [SealedVector, SealedVector, SealedVector];
  const lastDigit = Number(digits.passphrase.at(-1));
  const nearMisses: [SealedVector, string][] = [
    [ascii, ascii.passphrase.toUpperCase()],
    // The same text in decomposed form is different bytes: neither side normalises.
    [utf8, utf8.passphrase.normalize('NFD')],
    [digits, digits.passphrase.slice(0, 5) + String((lastDigit + 1) % 10)],
  ];
  for (const [v, wrong] of nearMisses) {
    assert.notEqual(wrong, v.passphrase);
    const r = await openVoterId({ passphrase: wrong, salt: hex(v.salt), sealed: hex(v.sealed), kdf: null, deriveKey: argon2DeriveKey });
    assert.deepEqual(r, { ok: false, reason: 'wrong-passphrase' }, v.label);
  }
});

const skip = needTool(pythonNaclMissing());

test("a link sealed by Scrutin with Elekto's parameters opens in PyNaCl (Elekto's decrypt path)", { skip }, async () => {
  const voterId = newVoterId();
  const passphrase = 'Scrutin → Elekto ✓';
  const link = await sealVoterId({ passphrase, voterId, params: ELEKTO_KDF_PARAMS, deriveKey: argon2DeriveKey });
  assert.equal(link.sealed.length, 76);
  const request = { salt: toHex(link.salt), sealed: toHex(link.sealed), passphrase };
  assert.deepEqual(pynaclOpen(request), { ok: true, plaintext: voterId });
});

test('a new-style argon2id link sealed by Scrutin opens in PyNaCl with the same parameters (cheap)', { skip }, async () => {
  const params: KdfParams = { algorithm: 'argon2id', version: 19, memoryKiB: 128, passes: 2, parallelism: 1 };
  const voterId = newVoterId();
  const link = await sealVoterId({ passphrase: 'ñandú 42', voterId, params, deriveKey: argon2DeriveKey });
  assert.equal(link.kdf, 'argon2id$v=19$m=128,t=2,p=1');
  // libsodium's argon2id: opslimit = passes, memlimit = bytes.
  const request = {
    salt: toHex(link.salt),
    sealed: toHex(link.sealed),
    passphrase: 'ñandú 42',
    alg: 'argon2id',
    opslimit: 2,
    memlimit: 128 * 1024,
  };
  assert.deepEqual(pynaclOpen(request), { ok: true, plaintext: voterId });
  // The helper does report failure, so the success above means something.
  assert.deepEqual(pynaclOpen({ ...request, passphrase: 'ñandú 43' }), { ok: false });
});
