// The pairwise matrix d, filled one ballot at a time. Counting is the only part of
// the tally whose cost grows with the number of ballots, so it works on integer
// indices and typed arrays and never allocates per ballot: a CSV of a million rows
// is streamed through it with memory that depends on the candidates alone.
//
// A ballot adds 1 to d[x][y] for every pair it orders: up to n²/2 additions. Instead,
// for each ranked candidate x we build the bit set of candidates it ranks above (one
// pass over the ranks, using the ranks as buckets) and add that set, 32 candidates at
// a time, to bit-sliced counters — counter bit L of (x, y) lives in bit y of word L —
// with a ripple carry. The counters are folded into d before they could overflow and
// whenever d is read. Ballots with ranks too spread out for buckets are counted pair
// by pair, with the same result.

/**
 * Elekto stores "No opinion" as this rank in the `ballot` table (and its forms post
 * it). Wherever it appears it means no opinion, never "ranked very low".
 */
export const NO_OPINION_RANK = 100_000_000;

/** The largest count a Uint32Array cell can hold. */
const MAX_BALLOTS = 0xffff_ffff;
/** Bits per bit-sliced counter; they are folded into d every 2^LEVELS - 1 ballots. */
const LEVELS = 16;
const FOLD_EVERY = (1 << LEVELS) - 1;
/** Up to this many ranked candidates, adding pair by pair is as fast as the bit sets. */
const PAIRS_UP_TO = 12;

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
