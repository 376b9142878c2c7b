// Sealed links with cheap key-derivation parameters (64 KiB, 1 pass); the full-cost
// Elekto vectors are in secrecy-golden.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import {
  DEFAULT_KDF_PARAMS,
  ELEKTO_KDF_PARAMS,
  decodeKdfParams,
  encodeKdfParams,
  type KdfParams,
} from '../../src/core/ballot/kdfParams.js';
import { newVoterId, openVoterId, sealVoterId, type DeriveKey, type OpenLinkResult } from '../../src/core/ballot/secrecy.js';
import { argon2DeriveKey } from '../../src/crypto/kdf.js';

interface Golden {
  elekto: { opslimit: number; memlimit: number; saltbytes: number };
  cheapSealed: { kdf: string; passphrase: string; salt: string; sealed: string; plaintext: string };
}
const golden = JSON.parse(readFileSync(new URL('../fixtures/golden/elekto-sealed.json', import.meta.url), 'utf8')) as Golden;

const CHEAP: KdfParams = { algorithm: 'argon2id', version: 19, memoryKiB: 64, passes: 1, parallelism: 1 };
const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

/** Predictable "randomness" so the layout can be checked byte by byte. */
function counterBytes(start: number) {
  let next = start;
  return (n: number) => Uint8Array.from({ length: n }, () => next++ & 0xff);
}

function assertWrong(result: OpenLinkResult, what: string) {
  assert.deepEqual(result, { ok: false, reason: 'wrong-passphrase' }, what);
}

test("Elekto's parameters are PyNaCl's argon2i defaults as recorded by the golden generator", () => {
  assert.equal(ELEKTO_KDF_PARAMS.algorithm, 'argon2i');
  assert.equal(ELEKTO_KDF_PARAMS.passes, golden.elekto.opslimit);
  assert.equal(ELEKTO_KDF_PARAMS.memoryKiB * 1024, golden.elekto.memlimit);
  assert.equal(ELEKTO_KDF_PARAMS.parallelism, 1);
});

test("new records cost at least as much per guess as Elekto's: argon2id, memory × passes not lower", () => {
  assert.equal(DEFAULT_KDF_PARAMS.algorithm, 'argon2id');
  // Elekto: 536870912 bytes = 512 MiB, 8 passes → 4096 MiB·passes.
  assert.ok((DEFAULT_KDF_PARAMS.memoryKiB / 1024) * DEFAULT_KDF_PARAMS.passes >= 512 * 8);
  // Two at once (one per core here) must leave room under a 1.5 GiB pod with the server itself.
  assert.ok(2 * DEFAULT_KDF_PARAMS.memoryKiB <= 1024 * 1024);
});

test("KDF parameter text: round trip, NULL is Elekto's, and anything odd is refused", () => {
  assert.equal(encodeKdfParams(DEFAULT_KDF_PARAMS), 'argon2id$v=19$m=262144,t=16,p=1');
  assert.deepEqual(decodeKdfParams('argon2i$v=19$m=65536,t=3,p=4'), {
    ok: true,
    params: { algorithm: 'argon2i', version: 19, memoryKiB: 65536, passes: 3, parallelism: 4 },
  });
  assert.deepEqual(decodeKdfParams(null), { ok: true, params: ELEKTO_KDF_PARAMS });
  const decoded = decodeKdfParams(encodeKdfParams(CHEAP));
  assert.deepEqual(decoded, { ok: true, params: CHEAP });
  for (const bad of [
    '',
    'argon2d$v=19$m=64,t=1,p=1',
    'argon2id$v=16$m=64,t=1,p=1',
    'argon2id$v=19$m=64,t=1',
    'argon2id$v=19$t=1,m=64,p=1',
    '$argon2id$v=19$m=64,t=1,p=1',
    'argon2id$v=19$m=64,t=1,p=1 ',
    'argon2id$v=19$m=4,t=1,p=1',
    'argon2id$v=19$m=64,t=0,p=1',
    'argon2id$v=19$m=64,t=1,p=0',
    'argon2id$v=19$m=99999999999,t=1,p=1',
    'argon2id$v=19$m=64,t=1,p=9',
  ]) {
    assert.equal(decodeKdfParams(bad).ok, false, bad);
  }
  assert.throws(() => encodeKdfParams({ ...CHEAP, passes: 0 }), RangeError);
  assert.throws(() => encodeKdfParams({ ...CHEAP, memoryKiB: 1.5 }), RangeError);
});

test("voter identifiers look like Python's str(uuid.uuid4())", () => {
  // Bytes 00..0f with the version nibble (byte 6 → 0x46) and variant bits (byte 8 → 0x88) set.
  assert.equal(newVoterId(counterBytes(0)), '00010203-0405-4607-8809-0a0b0c0d0e0f');
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const id = newVoterId();
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    seen.add(id);
  }
  assert.equal(seen.size, 200);
});

test('sealing: salt and nonce from the injected source, nonce ‖ tag ‖ ciphertext, 76 bytes', async () => {
  const calls: { passphrase: Uint8Array; salt: Uint8Array; params: KdfParams }[] = [];
  const key = new Uint8Array(32).fill(7);
  const fakeDerive: DeriveKey = async (passphrase, salt, params) => {
    calls.push({ passphrase: passphrase.slice(), salt: salt.slice(), params });
    return Promise.resolve(key.slice());
  };
  const voterId = '2f1c7e4a-9b3d-4c8e-a1f0-5d6e7f809a1b';
  const link = await sealVoterId({ passphrase: 'pässwort', voterId, params: CHEAP, deriveKey: fakeDerive, randomBytes: counterBytes(100) });
  assert.equal(link.kdf, 'argon2id$v=19$m=64,t=1,p=1');
  assert.deepEqual(
    [...link.salt],
    Array.from({ length: 16 }, (_, i) => 100 + i),
  );
  assert.equal(link.sealed.length, 24 + 16 + 36);
  const nonce = Uint8Array.from({ length: 24 }, (_, i) => 116 + i);
  assert.deepEqual(link.sealed.subarray(0, 24), nonce);
  // The passphrase reaches the KDF as UTF-8 (ä is two bytes), with the salt and parameters.
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0]!.passphrase, Uint8Array.from(Buffer.from('pässwort', 'utf8')));
  assert.equal(calls[0]!.passphrase.length, 9);
  assert.deepEqual(calls[0]!.salt, link.salt);
  assert.deepEqual(calls[0]!.params, CHEAP);
  // What follows the nonce is the secretbox of the identifier under that key.
  const plain = xsalsa20poly1305(key, nonce).decrypt(link.sealed.subarray(24));
  assert.equal(new TextDecoder().decode(plain), voterId);
});

test('open: the right passphrase returns the identifier; a wrong one or any altered byte fails cleanly', async () => {
  const voterId = newVoterId();
  const link = await sealVoterId({ passphrase: 'correct horse', voterId, params: CHEAP, deriveKey: argon2DeriveKey });
  const base = { salt: link.salt, sealed: link.sealed, kdf: link.kdf, deriveKey: argon2DeriveKey };
  assert.deepEqual(await openVoterId({ ...base, passphrase: 'correct horse' }), { ok: true, voterId });
  assertWrong(await openVoterId({ ...base, passphrase: 'correct horse ' }), 'trailing space');
  assertWrong(await openVoterId({ ...base, passphrase: 'Correct horse' }), 'case');
  assertWrong(await openVoterId({ ...base, passphrase: '' }), 'empty');
  // A byte in the nonce, in the tag, in the ciphertext, the last byte, and one in the salt.
  for (const i of [0, 23, 24, 39, 40, link.sealed.length - 1]) {
    const sealed = link.sealed.slice();
    sealed[i] = (sealed[i] ?? 0) ^ 0x01;
    assertWrong(await openVoterId({ ...base, sealed, passphrase: 'correct horse' }), `sealed byte ${i}`);
  }
  const salt = link.salt.slice();
  salt[5] = (salt[5] ?? 0) ^ 0x80;
  assertWrong(await openVoterId({ ...base, salt, passphrase: 'correct horse' }), 'salt');
  // Other parameters derive another key.
  assertWrong(await openVoterId({ ...base, kdf: 'argon2id$v=19$m=64,t=2,p=1', passphrase: 'correct horse' }), 'passes');
  assertWrong(await openVoterId({ ...base, kdf: 'argon2i$v=19$m=64,t=1,p=1', passphrase: 'correct horse' }), 'algorithm');
});

test('open: a damaged record is reported as such, without deriving a key', async () => {
  let derived = 0;
  const counting: DeriveKey = async (p, s, params) => {
    derived++;
    return argon2DeriveKey(p, s, params);
  };
  const link = await sealVoterId({ passphrase: 'secret!', voterId: newVoterId(), params: CHEAP, deriveKey: argon2DeriveKey });
  const base = { passphrase: 'secret!', salt: link.salt, sealed: link.sealed, kdf: link.kdf, deriveKey: counting };
  const cases: [string, Partial<typeof base>][] = [
    ['short salt', { salt: link.salt.subarray(0, 15) }],
    ['empty sealed value', { sealed: new Uint8Array(0) }],
    ['nonce and tag only', { sealed: link.sealed.subarray(0, 40) }],
    ['unknown parameters', { kdf: 'scrypt$N=16384' }],
  ];
  for (const [what, change] of cases) {
    const r = await openVoterId({ ...base, ...change });
    assert.equal(r.ok, false, what);
    assert.equal(r.reason, 'corrupt-record', what);
  }
  assert.equal(derived, 0);
});

test('open: an authentic box holding bytes that are not UTF-8 is a corrupt record, not a crash', async () => {
  const key = new Uint8Array(32).fill(3);
  const nonce = new Uint8Array(24).fill(9);
  const boxed = xsalsa20poly1305(key, nonce).encrypt(Uint8Array.from([0xff, 0xfe, 0x41]));
  const sealed = new Uint8Array([...nonce, ...boxed]);
  const r = await openVoterId({
    passphrase: 'x',
    salt: new Uint8Array(16),
    sealed,
    kdf: encodeKdfParams(CHEAP),
    deriveKey: async () => Promise.resolve(key.slice()),
  });
  assert.equal(r.ok, false);
  assert.equal(r.reason, 'corrupt-record');
});

test('a KDF returning the wrong key length is a programming error and throws', async () => {
  const short: DeriveKey = async () => Promise.resolve(new Uint8Array(16));
  await assert.rejects(sealVoterId({ passphrase: 'abcdef', voterId: 'x', params: CHEAP, deriveKey: short }), RangeError);
});

test('an argon2id record sealed by PyNaCl opens with our code (cheap parameters)', async () => {
  const v = golden.cheapSealed;
  const base = { salt: hex(v.salt), sealed: hex(v.sealed), kdf: v.kdf, deriveKey: argon2DeriveKey };
  assert.deepEqual(await openVoterId({ ...base, passphrase: v.passphrase }), { ok: true, voterId: v.plaintext });
  assertWrong(await openVoterId({ ...base, passphrase: v.passphrase + '!' }), 'wrong passphrase');
});
