// The pairwise matrix d, filled one ballot at a time. Counting is the only part of
// the tally whose cost grows with the number of ballots, so it works on integer
// indices and typed arrays and never allocates per ballot: a CSV of a million rows
// is streamed through it with memory that depends on the candidates alone.

/**
 * Elekto stores "No opinion" as this rank in the `ballot` table (and its forms post
 * it). Wherever it appears it means no opinion, never "ranked very low".
 */
export const NO_OPINION_RANK = 100_000_000;

/** The largest count a Uint32Array cell can hold. */
const MAX_BALLOTS = 0xffff_ffff;

export class PairwiseCounter {
  /** Number of candidates. */
  readonly size: number;
  /**
   * `d[x * size + y]` = ballots that rank x better (lower) than y. The diagonal stays 0.
   * Read it, never write it.
   */
  readonly d: Uint32Array;
  #ballots = 0;
  // Scratch space for one ballot: the indices and ranks of the candidates it ranks.
  readonly #index: Int32Array;
  readonly #rank: Float64Array;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`a count needs at least one candidate, got ${size}`);
    this.size = size;
    this.d = new Uint32Array(size * size);
    this.#index = new Int32Array(size);
    this.#rank = new Float64Array(size);
  }

  /** Ballots added so far, including ones that express no preference at all. */
  get ballots(): number {
    return this.#ballots;
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
    for (let i = 0; i < n; i++) {
      const r = ranks[i] ?? 0;
      if (r === 0 || r === NO_OPINION_RANK) continue;
      if (!(r > 0) || !Number.isInteger(r)) throw new RangeError(`rank ${r} of candidate ${i} is not a positive integer`);
      index[m] = i;
      rank[m] = r;
      m++;
    }
    const d = this.d;
    for (let a = 0; a < m; a++) {
      const i = index[a] ?? 0;
      const ri = rank[a] ?? 0;
      const row = i * n;
      for (let b = a + 1; b < m; b++) {
        const rj = rank[b] ?? 0;
        if (ri < rj) {
          const k = row + (index[b] ?? 0);
          d[k] = (d[k] ?? 0) + 1;
        } else if (rj < ri) {
          const k = (index[b] ?? 0) * n + i;
          d[k] = (d[k] ?? 0) + 1;
        }
      }
    }
    this.#ballots++;
  }
}
