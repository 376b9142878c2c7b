// The order a voter sees the candidates in: shuffled so that no candidate gains from
// always being first (ballot-order effect), yet the same for this voter on every
// reload (Elekto reshuffled on each request, so a voter's ranking jumped around).
// The seed is an HMAC of the user and the election under the server's session key:
// unpredictable to others, stable for one voter, and no state to store.
import { createHmac } from 'node:crypto';

/** sfc32: a small, well-tested PRNG; plenty for shuffling a few dozen names. */
function sfc32(a: number, b: number, c: number, d: number): () => number {
  return () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (a + b + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
}

/** A uniform integer in [0, bound) without modulo bias. */
function below(next: () => number, bound: number): number {
  const limit = 0x1_0000_0000 - (0x1_0000_0000 % bound);
  for (;;) {
    const x = next();
    if (x < limit) return x % bound;
  }
}

export function voterOrder<T>(items: readonly T[], key: Buffer, userId: number, electionKey: string): T[] {
  const seed = createHmac('sha256', key).update(`candidate-order\0${userId}\0${electionKey}`).digest();
  const next = sfc32(seed.readUInt32LE(0), seed.readUInt32LE(4), seed.readUInt32LE(8), seed.readUInt32LE(12));
  for (let i = 0; i < 12; i++) next(); // sfc32's recommended warm-up
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = below(next, i + 1);
    const tmp = out[i] as T;
    out[i] = out[j] as T;
    out[j] = tmp;
  }
  return out;
}
