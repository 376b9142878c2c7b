// Sealed links between a `voter` row (who voted) and the `ballot` rows (how), readable
// only with the voter's passphrase. Byte for byte what Elekto stores with PyNaCl:
//   key    = argon2(passphrase as UTF-8, 16-byte salt) → 32 bytes
//   sealed = nonce(24) ‖ tag(16) ‖ XSalsa20(voter identifier as UTF-8)   (SecretBox.encrypt)
// The key derivation is injected (src/crypto/kdf.ts supplies argon2 off the event loop),
// so this module stays pure and tests can run it with cheap parameters.
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { decodeKdfParams, encodeKdfParams, type KdfParams } from './kdfParams.js';

export const SALT_BYTES = 16;
export const KEY_BYTES = 32;
export const NONCE_BYTES = 24;
export const TAG_BYTES = 16;
/** Elekto's voter identifier, `str(uuid.uuid4())`, is 36 characters: sealed it is 76 bytes. */
export const VOTER_ID_LENGTH = 36;

/** Derives `KEY_BYTES` bytes from a passphrase (UTF-8) and salt with the given parameters. */
export type DeriveKey = (passphrase: Uint8Array, salt: Uint8Array, params: KdfParams) => Promise<Uint8Array>;
/** Cryptographically secure random bytes. */
export type RandomBytes = (length: number) => Uint8Array;

/** WebCrypto's generator: not I/O, and available on every Node we support. */
export const webCryptoRandomBytes: RandomBytes = (length) => crypto.getRandomValues(new Uint8Array(length));

/** What goes into the `voter` row's `salt`, `ballot_id` and `kdf` columns. */
export interface SealedLink {
  salt: Uint8Array;
  sealed: Uint8Array;
  /** Encoded parameters (never null for new records: NULL is reserved for Elekto's). */
  kdf: string;
}

export type OpenLinkResult =
  | { ok: true; voterId: string }
  /** Wrong passphrase or altered data: authenticated encryption cannot tell them apart. */
  | { ok: false; reason: 'wrong-passphrase' }
  /** The stored record itself is unusable (bad lengths, unknown parameters, not text). */
  | { ok: false; reason: 'corrupt-record'; detail: string };

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A fresh ballot voter identifier in Elekto's format (`str(uuid.uuid4())`: lower-case,
 * with dashes), made from 16 random bytes with the RFC 9562 version-4 and variant bits.
 */
export function newVoterId(randomBytes: RandomBytes = webCryptoRandomBytes): string {
  const b = randomBytes(16);
  if (b.length !== 16) throw new RangeError('randomBytes returned the wrong length');
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface SealOptions {
  passphrase: string;
  voterId: string;
  params: KdfParams;
  deriveKey: DeriveKey;
  randomBytes?: RandomBytes;
}

/** Seals `voterId` under a key derived from `passphrase`, with a fresh salt and nonce. */
export async function sealVoterId(opts: SealOptions): Promise<SealedLink> {
  const random = opts.randomBytes ?? webCryptoRandomBytes;
  const kdf = encodeKdfParams(opts.params);
  const salt = random(SALT_BYTES);
  const nonce = random(NONCE_BYTES);
  if (salt.length !== SALT_BYTES || nonce.length !== NONCE_BYTES) throw new RangeError('randomBytes returned the wrong length');
  const key = await deriveChecked(opts.deriveKey, opts.passphrase, salt, opts.params);
  try {
    // noble returns tag ‖ ciphertext, libsodium's crypto_secretbox_easy layout.
    const boxed = xsalsa20poly1305(key, nonce).encrypt(utf8.encode(opts.voterId));
    const sealed = new Uint8Array(NONCE_BYTES + boxed.length);
    sealed.set(nonce, 0);
    sealed.set(boxed, NONCE_BYTES);
    return { salt, sealed, kdf };
  } finally {
    key.fill(0);
  }
}

export interface OpenOptions {
  passphrase: string;
  salt: Uint8Array;
  sealed: Uint8Array;
  /** The `voter.kdf` column; NULL means Elekto's parameters. */
  kdf: string | null;
  deriveKey: DeriveKey;
}

/** Opens a sealed link. Never throws for a wrong passphrase or a damaged record. */
export async function openVoterId(opts: OpenOptions): Promise<OpenLinkResult> {
  const decoded = decodeKdfParams(opts.kdf);
  if (!decoded.ok) return { ok: false, reason: 'corrupt-record', detail: decoded.error };
  if (opts.salt.length !== SALT_BYTES) {
    return { ok: false, reason: 'corrupt-record', detail: `salt is ${opts.salt.length} bytes, expected ${SALT_BYTES}` };
  }
  if (opts.sealed.length <= NONCE_BYTES + TAG_BYTES) {
    return { ok: false, reason: 'corrupt-record', detail: `sealed value is only ${opts.sealed.length} bytes` };
  }
  const key = await deriveChecked(opts.deriveKey, opts.passphrase, opts.salt, decoded.params);
  let plain: Uint8Array;
  try {
    const nonce = opts.sealed.subarray(0, NONCE_BYTES);
    plain = xsalsa20poly1305(key, nonce).decrypt(opts.sealed.subarray(NONCE_BYTES));
  } catch {
    // The only failure left once lengths are right is the Poly1305 tag check.
    return { ok: false, reason: 'wrong-passphrase' };
  } finally {
    key.fill(0);
  }
  try {
    return { ok: true, voterId: strictUtf8.decode(plain) };
  } catch {
    return { ok: false, reason: 'corrupt-record', detail: 'the sealed identifier is not UTF-8 text' };
  }
}

async function deriveChecked(derive: DeriveKey, passphrase: string, salt: Uint8Array, params: KdfParams): Promise<Uint8Array> {
  const key = await derive(utf8.encode(passphrase), salt, params);
  if (key.length !== KEY_BYTES) throw new RangeError(`key derivation returned ${key.length} bytes, expected ${KEY_BYTES}`);
  return key;
}
