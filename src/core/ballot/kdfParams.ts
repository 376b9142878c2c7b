// Key-derivation parameters are stored with each sealed link (column `voter.kdf`), so the
// cost can be raised later without locking anyone out of an older ballot. The text form
// is compact and versioned by its algorithm tag, in the spirit of the PHC string format
// but without salt or hash (those live in their own columns):
//
//     argon2id$v=19$m=262144,t=16,p=1        m in KiB, t passes, p lanes
//
// A NULL column means the record was written by Elekto, whose parameters are fixed.

export type KdfAlgorithm = 'argon2i' | 'argon2id';

export interface KdfParams {
  algorithm: KdfAlgorithm;
  /** Argon2 version 1.3 (0x13 = 19); the only one libsodium and Scrutin produce. */
  version: 19;
  /** Memory in KiB. */
  memoryKiB: number;
  /** Number of passes over memory (argon2's t_cost). */
  passes: number;
  /** Lanes (argon2's p). */
  parallelism: number;
}

/**
 * Elekto's parameters: PyNaCl's defaults for `nacl.pwhash.argon2i.kdf`, i.e. libsodium's
 * OPSLIMIT_SENSITIVE (8) and MEMLIMIT_SENSITIVE (536870912 bytes). libsodium's
 * crypto_pwhash_argon2i passes opslimit straight through as t_cost, memlimit / 1024 as
 * m_cost in KiB, and always uses one lane (see test/fixtures/golden/elekto-sealed.json).
 */
export const ELEKTO_KDF_PARAMS: Readonly<KdfParams> = Object.freeze({
  algorithm: 'argon2i',
  version: 19,
  memoryKiB: 524_288,
  passes: 8,
  parallelism: 1,
});

/**
 * Parameters for new records. Guessing cost is judged by the memory–time product an
 * attacker pays per guess: 256 MiB × 16 passes equals Elekto's 512 MiB × 8, and argon2id
 * resists the time–memory trade-offs known against argon2i (whose cost in practice is
 * below its nominal product), so each guess costs at least as much as against an Elekto
 * record, while the voter waits about as long. Half the memory per derivation is what lets
 * one derivation per core fit Elekto's 1.5 GiB pod limit with room to spare (2 at once
 * peaked at 565 MiB RSS, 4 at once at 1.05 GiB). Reasoning and figures: docs/ballot-secrecy.md.
 */
export const DEFAULT_KDF_PARAMS: Readonly<KdfParams> = Object.freeze({
  algorithm: 'argon2id',
  version: 19,
  memoryKiB: 262_144,
  passes: 16,
  parallelism: 1,
});

/** Bounds that keep a corrupt or hostile column from asking for absurd work. */
export const KDF_LIMITS = Object.freeze({
  /** 4 GiB: more than any pod has to spare. */
  maxMemoryKiB: 4 * 1024 * 1024,
  maxPasses: 1024,
  maxParallelism: 16,
});

export type KdfParamsResult = { ok: true; params: KdfParams } | { ok: false; error: string };

const PATTERN = /^(argon2id|argon2i)\$v=(\d{1,3})\$m=(\d{1,10}),t=(\d{1,10}),p=(\d{1,3})$/;

export function encodeKdfParams(params: KdfParams): string {
  const checked = checkKdfParams(params);
  if (!checked.ok) throw new RangeError(checked.error);
  return `${params.algorithm}$v=${params.version}$m=${params.memoryKiB},t=${params.passes},p=${params.parallelism}`;
}

/** Decodes a `voter.kdf` value; NULL means Elekto's parameters. Never throws. */
export function decodeKdfParams(text: string | null): KdfParamsResult {
  if (text === null) return { ok: true, params: { ...ELEKTO_KDF_PARAMS } };
  const m = PATTERN.exec(text);
  if (!m) return { ok: false, error: `unrecognised KDF parameters "${text.slice(0, 64)}"` };
  const [, algorithm, version, memory, passes, parallelism] = m;
  if (version !== '19') return { ok: false, error: `unsupported argon2 version ${String(version)} (only 19 = 0x13)` };
  return checkKdfParams({
    algorithm: algorithm as KdfAlgorithm,
    version: 19,
    memoryKiB: Number(memory),
    passes: Number(passes),
    parallelism: Number(parallelism),
  });
}

function checkKdfParams(p: KdfParams): KdfParamsResult {
  if (!Number.isSafeInteger(p.parallelism) || p.parallelism < 1 || p.parallelism > KDF_LIMITS.maxParallelism) {
    return { ok: false, error: `parallelism must be 1..${KDF_LIMITS.maxParallelism}` };
  }
  // Argon2 itself requires at least 8 KiB per lane.
  if (!Number.isSafeInteger(p.memoryKiB) || p.memoryKiB < 8 * p.parallelism || p.memoryKiB > KDF_LIMITS.maxMemoryKiB) {
    return { ok: false, error: `memory must be ${8 * p.parallelism}..${KDF_LIMITS.maxMemoryKiB} KiB` };
  }
  if (!Number.isSafeInteger(p.passes) || p.passes < 1 || p.passes > KDF_LIMITS.maxPasses) {
    return { ok: false, error: `passes must be 1..${KDF_LIMITS.maxPasses}` };
  }
  return { ok: true, params: { ...p } };
}
