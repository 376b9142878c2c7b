// The pairwise matrix d, filled one ballot at a time. Counting is the only part of
// the tally whose cost grows with the number of ballots, so it works on integer
// indices and typed arrays and never allocates per ballot: a CSV of a million rows
// is streamed through it with memory that depends on the candidates alone.
//
// A ballot adds 1 to d[x][y] for every pair it orders: up to n²/2 additions. Ballots
// whose ranks are all at most 127 (every real ballot of an election with fewer than
// 128 candidates) are not counted one by one: each rank is written as one byte into
// a block of BLOCK ballots laid out by candidate, so four ballots share a 32-bit word.
// When the block is full, or d is read, each pair (x, y) is counted over the whole
// block with one subtraction per four ballots and direction (SWAR: the byte lanes of
// a word never borrow from each other, see #countBlock). The block's size is fixed,
// so memory does not grow with the ballots.
//
// Other ballots — a rank of 128 or more, as in a file with ranks far apart — keep a
// path of their own: for each ranked candidate x we build the bit set of candidates it
// ranks above (one pass over the ranks, using the ranks as buckets) and add that set,
// 32 candidates at a time, to bit-sliced counters — counter bit L of (x, y) lives in
// bit y of word L — with a ripple carry. The counters are folded into d before they
// could overflow and whenever d is read. Ballots with ranks too spread out for buckets
// are counted pair by pair. Every path gives the same counts.

import { NO_OPINION_RANK } from '../ballot/rank.js';

/** The largest count a Uint32Array cell can hold. */
const MAX_BALLOTS = 0xffff_ffff;
/** Bits per bit-sliced counter; they are folded into d every 2^LEVELS - 1 ballots. */
const LEVELS = 16;
const FOLD_EVERY = (1 << LEVELS) - 1;
/** Up to this many ranked candidates, adding pair by pair is as fast as the bit sets. */
const PAIRS_UP_TO = 12;

/** The largest rank a block's byte can hold: one bit of each byte is kept free (see #countBlock). */
const MAX_BYTE_RANK = 127;
/**
 * Ballots per block. A byte lane counts at most 255 words before it overflows, so
 * counting runs over stretches of 255 words; 2040 ballots are two whole stretches.
 * Smaller blocks pay the per-pair overhead more often, larger ones fit the CPU caches
 * less well (100,000 ballots × 50 candidates: 2040 was a little faster than 1020 and 4080).
 */
const BLOCK = 2040;
const BLOCK_WORDS = BLOCK / 4;
/** Words a byte lane can sum before it could pass 255. */
const STRETCH = 255;
/** One in each byte lane. */
const LANE_ONES = 0x01010101;
/** The high bit of each byte lane. */
const HIGH_BITS = 0x80808080 | 0;

/** The four byte lanes of a word, each at most 255, added up. */
function sumLanes(word: number): number {
  const pairs = (word & 0x00ff00ff) + ((word >>> 8) & 0x00ff00ff);
  return (pairs & 0xffff) + (pairs >>> 16);
}

// The block's inner loops are small functions of their own: V8 then optimizes each
// once, with complete type feedback, instead of recompiling one large function
// several times while the first blocks of a run are counted. Accumulators wrap to 32
// bits with `| 0`: the top lane reaches past the sign bit, and without it V8 stops on
// the overflow and recompiles for floating point (sumLanes reads the lanes the same
// either way, so this is for speed only).

/** Turns words [from, to) of the block from ranks into biased ranks, and fills their plusOne. */
function toBiased(biased: Int32Array, plusOne: Int32Array, from: number, to: number): void {
  for (let w = from; w < to; w++) {
    const r = biased[w] ?? 0;
    // The high bit of each lane whose rank is 0: (r | 128) - 1 keeps it only when r ≥ 1.
    const none = (((r | HIGH_BITS) - LANE_ONES) & HIGH_BITS) ^ HIGH_BITS;
    plusOne[w] = (r + LANE_ONES + none - (none >>> 7)) | 0;
    biased[w] = r | HIGH_BITS;
  }
}

/**
 * Over block words [from, to) (at most STRETCH of them), adds to sums[2k] the ballots
 * ranking candidate x (words at bx) above candidate y + k (words at by + k·BLOCK_WORDS),
 * and to sums[2k + 1] those ranking y + k above x, for k = 0..3: x's words are loaded
 * once for four candidates.
 */
function countFour(biased: Int32Array, plusOne: Int32Array, bx: number, by: number, from: number, to: number, sums: Float64Array): void {
  const b0 = by;
  const b1 = b0 + BLOCK_WORDS;
  const b2 = b1 + BLOCK_WORDS;
  const b3 = b2 + BLOCK_WORDS;
  let a0 = 0,
    c0 = 0,
    a1 = 0,
    c1 = 0,
    a2 = 0,
    c2 = 0,
    a3 = 0,
    c3 = 0;
  for (let w = from; w < to; w++) {
    const bxw = biased[bx + w] ?? 0;
    const pxw = plusOne[bx + w] ?? 0;
    a0 = (a0 + ((((biased[b0 + w] ?? 0) - pxw) >>> 7) & LANE_ONES)) | 0;
    c0 = (c0 + (((bxw - (plusOne[b0 + w] ?? 0)) >>> 7) & LANE_ONES)) | 0;
    a1 = (a1 + ((((biased[b1 + w] ?? 0) - pxw) >>> 7) & LANE_ONES)) | 0;
    c1 = (c1 + (((bxw - (plusOne[b1 + w] ?? 0)) >>> 7) & LANE_ONES)) | 0;
    a2 = (a2 + ((((biased[b2 + w] ?? 0) - pxw) >>> 7) & LANE_ONES)) | 0;
    c2 = (c2 + (((bxw - (plusOne[b2 + w] ?? 0)) >>> 7) & LANE_ONES)) | 0;
    a3 = (a3 + ((((biased[b3 + w] ?? 0) - pxw) >>> 7) & LANE_ONES)) | 0;
    c3 = (c3 + (((bxw - (plusOne[b3 + w] ?? 0)) >>> 7) & LANE_ONES)) | 0;
  }
  sums[0] = (sums[0] ?? 0) + sumLanes(a0);
  sums[1] = (sums[1] ?? 0) + sumLanes(c0);
  sums[2] = (sums[2] ?? 0) + sumLanes(a1);
  sums[3] = (sums[3] ?? 0) + sumLanes(c1);
  sums[4] = (sums[4] ?? 0) + sumLanes(a2);
  sums[5] = (sums[5] ?? 0) + sumLanes(c2);
  sums[6] = (sums[6] ?? 0) + sumLanes(a3);
  sums[7] = (sums[7] ?? 0) + sumLanes(c3);
}

/** countFour for one candidate y: sums[0] for x above y, sums[1] for y above x. */
function countOne(biased: Int32Array, plusOne: Int32Array, bx: number, by: number, from: number, to: number, sums: Float64Array): void {
  let a = 0;
  let c = 0;
  for (let w = from; w < to; w++) {
    a = (a + ((((biased[by + w] ?? 0) - (plusOne[bx + w] ?? 0)) >>> 7) & LANE_ONES)) | 0;
    c = (c + ((((biased[bx + w] ?? 0) - (plusOne[by + w] ?? 0)) >>> 7) & LANE_ONES)) | 0;
  }
  sums[0] = (sums[0] ?? 0) + sumLanes(a);
  sums[1] = (sums[1] ?? 0) + sumLanes(c);
}

export class PairwiseCounter {
  /** Number of candidates. */
  readonly size: number;
  readonly #d: Uint32Array;
  #ballots = 0;
  /** Ballots added to the bit-sliced counters since they were last folded into d. */
  #unfolded = 0;
  /** 32-bit words per candidate set. */
  readonly #words: number;
  /** slices[(x * LEVELS + L) * words + w], bit b: bit L of the count for (x, y = 32w + b). */
  readonly #slices: Int32Array;
  /** Ranks up to this are bucketed; a ballot with a larger rank is counted pair by pair. */
  readonly #maxBucket: number;
  /** bucket[r * words + w]: candidates ranked r, then (in place) those ranked below r. */
  readonly #bucket: Int32Array;
  // The current ballot: indices and ranks of the candidates it ranks.
  readonly #index: Int32Array;
  readonly #rank: Int32Array;
  /**
   * The block: byte i * BLOCK + k is the rank of candidate i on the block's ballot k,
   * 0 for no opinion. #countBlock turns it, in place, into the biased ranks.
   */
  readonly #blockBytes: Uint8Array;
  /** The same bytes as words of four ballots each: candidate i's at i * BLOCK_WORDS. */
  readonly #blockWords: Int32Array;
  /** Filled by #countBlock: each rank plus one, and 128 for no opinion, four to a word. */
  readonly #plusOne: Int32Array;
  /** Ballots in the block, not yet in d. */
  #pending = 0;
  /** Counts of one pass of countFour or countOne. */
  readonly #sums = new Float64Array(8);

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`a count needs at least one candidate, got ${size}`);
    this.size = size;
    this.#d = new Uint32Array(size * size);
    this.#words = (size + 31) >>> 5;
    this.#slices = new Int32Array(size * LEVELS * this.#words);
    this.#maxBucket = 2 * size + 2;
    this.#bucket = new Int32Array((this.#maxBucket + 2) * this.#words);
    this.#index = new Int32Array(size);
    this.#rank = new Int32Array(size);
    this.#blockBytes = new Uint8Array(size * BLOCK);
    this.#blockWords = new Int32Array(this.#blockBytes.buffer);
    this.#plusOne = new Int32Array(size * BLOCK_WORDS);
  }

  /** Ballots added so far, including ones that express no preference at all. */
  get ballots(): number {
    return this.#ballots;
  }

  /**
   * `d[x * size + y]` = ballots that rank x better (lower) than y. The diagonal is 0.
   * Read it, never write it; it stays current as ballots are added.
   */
  get d(): Uint32Array {
    if (this.#pending > 0) this.#countBlock();
    if (this.#unfolded > 0) this.#fold();
    return this.#d;
  }

  /**
   * Adds one ballot. `ranks[i]` is the rank of candidate i: a positive integer
   * (1 = most preferred, equal numbers = equally preferred), or 0 or
   * NO_OPINION_RANK for no opinion. The array is read, not kept, so callers reuse it.
   */
  addRanks(ranks: ArrayLike<number>): void {
    const n = this.size;
    if (ranks.length !== n) throw new RangeError(`a ballot needs ${n} ranks, got ${ranks.length}`);
    if (this.#ballots === MAX_BALLOTS) throw new RangeError('too many ballots for one count');
    const bytes = this.#blockBytes;
    for (let i = 0, at = this.#pending; i < n; i++, at += BLOCK) {
      let r = ranks[i] ?? 0;
      // One test for "a whole number from 0 to 127": fractions, NaN and negatives fail it.
      if ((r & MAX_BYTE_RANK) !== r) {
        if (r !== NO_OPINION_RANK) {
          // The bytes already written in this slot are rewritten by the next ballot or
          // cleared by #countBlock, so they never count.
          this.#addWide(ranks);
          return;
        }
        r = 0;
      }
      bytes[at] = r;
    }
    this.#ballots++;
    if (++this.#pending === BLOCK) this.#countBlock();
  }

  /** A ballot with a rank too large for a byte (or a bad rank, which is refused here). */
  #addWide(ranks: ArrayLike<number>): void {
    const n = this.size;
    const index = this.#index;
    const rank = this.#rank;
    let m = 0;
    let top = 0;
    for (let i = 0; i < n; i++) {
      const r = ranks[i] ?? 0;
      if (r === 0 || r === NO_OPINION_RANK) continue;
      // In range first, so `r | 0` (cheaper than Number.isInteger) cannot wrap.
      if (!(r > 0 && r < NO_OPINION_RANK) || (r | 0) !== r) {
        throw new RangeError(`rank ${r} of candidate ${i} is not a whole number from 1 below ${NO_OPINION_RANK}`);
      }
      index[m] = i;
      rank[m] = r;
      if (r > top) top = r;
      m++;
    }
    if (m > PAIRS_UP_TO && top <= this.#maxBucket) this.#addBucketed(m, top);
    else if (m > 1) this.#addPairs(m);
    this.#ballots++;
  }

  /**
   * Adds the block's ballots to d. With every rank r a byte from 0 (no opinion) to 127,
   * take per ballot
   *   biased = 128 + r  (128 for no opinion)      plusOne = r + 1  (128 for no opinion)
   * Then biased(y) - plusOne(x) lies in 0..254, so byte lanes never borrow from one
   * another, and its high bit (≥ 128) is set exactly when x and y are both ranked and
   * r(x) < r(y): if y has no opinion it is 127 - r(x) or less, if x has none it is
   * r(y) ≤ 127. So the high bits of one subtraction say, for four ballots at once,
   * whether each ranks x above y; they are added up in the byte lanes themselves.
   */
  #countBlock(): void {
    const n = this.size;
    const bytes = this.#blockBytes;
    const biased = this.#blockWords;
    const plusOne = this.#plusOne;
    const sums = this.#sums;
    const pending = this.#pending;
    const words = (pending + 3) >>> 2;
    for (let x = 0; x < n; x++) {
      // A partly filled last word: the empty slots hold no opinion, so they count nowhere.
      bytes.fill(0, x * BLOCK + pending, x * BLOCK + words * 4);
      toBiased(biased, plusOne, x * BLOCK_WORDS, x * BLOCK_WORDS + words);
    }
    for (let x = 0; x < n; x++) {
      const bx = x * BLOCK_WORDS;
      let y = x + 1;
      for (; y + 4 <= n; y += 4) {
        sums.fill(0);
        for (let from = 0; from < words; from += STRETCH)
          countFour(biased, plusOne, bx, y * BLOCK_WORDS, from, Math.min(words, from + STRETCH), sums);
        for (let k = 0; k < 4; k++) this.#addPair(x, y + k, sums[2 * k] ?? 0, sums[2 * k + 1] ?? 0);
      }
      for (; y < n; y++) {
        sums.fill(0);
        for (let from = 0; from < words; from += STRETCH)
          countOne(biased, plusOne, bx, y * BLOCK_WORDS, from, Math.min(words, from + STRETCH), sums);
        this.#addPair(x, y, sums[0] ?? 0, sums[1] ?? 0);
      }
    }
    this.#pending = 0;
  }

  /** d[x][y] += xy and d[y][x] += yx. */
  #addPair(x: number, y: number, xy: number, yx: number): void {
    const n = this.size;
    const d = this.#d;
    d[x * n + y] = (d[x * n + y] ?? 0) + xy;
    d[y * n + x] = (d[y * n + x] ?? 0) + yx;
  }

  #addBucketed(m: number, top: number): void {
    const words = this.#words;
    const bucket = this.#bucket;
    const index = this.#index;
    const rank = this.#rank;
    const slices = this.#slices;
    bucket.fill(0, 0, (top + 1) * words);
    for (let a = 0; a < m; a++) {
      const i = index[a] ?? 0;
      const k = (rank[a] ?? 0) * words + (i >>> 5);
      bucket[k] = (bucket[k] ?? 0) | (1 << (i & 31));
    }
    // bucket[r] becomes the set of candidates ranked strictly below r: the union of
    // the buckets after it. `below` carries that union down from the worst rank.
    for (let w = 0; w < words; w++) {
      let below = 0;
      for (let r = top; r >= 1; r--) {
        const k = r * words + w;
        const here = bucket[k] ?? 0;
        bucket[k] = below;
        below |= here;
      }
    }
    for (let a = 0; a < m; a++) {
      const x = index[a] ?? 0;
      const from = (rank[a] ?? 0) * words;
      const base = x * LEVELS * words;
      for (let w = 0; w < words; w++) {
        // Ripple-carry addition of one bit per candidate into the counter words.
        let carry = bucket[from + w] ?? 0;
        for (let k = base + w; carry !== 0; k += words) {
          const word = slices[k] ?? 0;
          slices[k] = word ^ carry;
          carry &= word;
        }
      }
    }
    if (++this.#unfolded === FOLD_EVERY) this.#fold();
  }

  #addPairs(m: number): void {
    const n = this.size;
    const d = this.#d;
    const index = this.#index;
    const rank = this.#rank;
    for (let a = 0; a < m; a++) {
      const i = index[a] ?? 0;
      const ri = rank[a] ?? 0;
      for (let b = a + 1; b < m; b++) {
        const j = index[b] ?? 0;
        const rj = rank[b] ?? 0;
        // Ranks are below 2^27, so the sign of the difference is the comparison.
        const ij = i * n + j;
        const ji = j * n + i;
        d[ij] = (d[ij] ?? 0) + ((ri - rj) >>> 31);
        d[ji] = (d[ji] ?? 0) + ((rj - ri) >>> 31);
      }
    }
  }

  /** Adds the bit-sliced counters into d and clears them. */
  #fold(): void {
    const n = this.size;
    const words = this.#words;
    const slices = this.#slices;
    const d = this.#d;
    for (let x = 0; x < n; x++) {
      for (let level = 0; level < LEVELS; level++) {
        const weight = 2 ** level;
        for (let w = 0; w < words; w++) {
          const k = (x * LEVELS + level) * words + w;
          let bits = slices[k] ?? 0;
          while (bits !== 0) {
            const low = bits & -bits;
            const y = w * 32 + 31 - Math.clz32(low);
            const cell = x * n + y;
            d[cell] = (d[cell] ?? 0) + weight;
            bits ^= low;
          }
        }
      }
    }
    slices.fill(0);
    this.#unfolded = 0;
  }
}
