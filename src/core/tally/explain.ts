// Why the ranking is what it is: for a pair of candidates, the head-to-head counts and
// the strongest path each way, as a chain of candidates. Many chains can share the
// strongest strength; we show the one with the fewest steps, ties between chains
// broken by a fixed candidate order, so the explanation never depends on column order.

export interface PathEvidence {
  /** Strength of the strongest path (its weakest link); 0 when there is no path. */
  strength: number;
  /** The candidates along the path, first to last; empty when strength is 0. */
  chain: number[];
}

export interface Comparison {
  /** The candidate placed higher (or first of a tied pair). */
  a: number;
  b: number;
  /** `beats`: a beats b (p[a][b] > p[b][a]); `tie`: neither beats the other. */
  outcome: 'beats' | 'tie';
  /** Ballots ranking a above b, and b above a. */
  aOverB: number;
  bOverA: number;
  pathAToB: PathEvidence;
  pathBToA: PathEvidence;
}

/**
 * A shortest chain from `from` to `to` made of direct links of at least `strength`
 * (one exists whenever p[from][to] = strength > 0). Breadth-first, visiting
 * candidates in `order`.
 */
export function strongestChain(
  links: Uint32Array,
  n: number,
  from: number,
  to: number,
  strength: number,
  order: Int32Array,
): number[] {
  if (strength === 0 || from === to) return [];
  const previous = new Int32Array(n).fill(-1);
  previous[from] = from;
  const queue = [from];
  for (let head = 0; head < queue.length; head++) {
    const u = queue[head] ?? 0;
    for (const v of order) {
      if (previous[v] !== -1 || (links[u * n + v] ?? 0) < strength) continue;
      previous[v] = u;
      if (v === to) {
        const chain = [to];
        for (let w = to; w !== from; ) {
          w = previous[w] ?? from;
          chain.push(w);
        }
        return chain.reverse();
      }
      queue.push(v);
    }
  }
  throw new Error(`no path of strength ${strength} from ${from} to ${to}: the strongest paths are inconsistent`);
}

export class Explainer {
  constructor(
    private readonly d: Uint32Array,
    private readonly links: Uint32Array,
    private readonly p: Uint32Array,
    private readonly n: number,
    private readonly order: Int32Array,
  ) {}

  /** Compares two candidates, naming the one that beats the other (if any) as `a`. */
  compare(first: number, second: number): Comparison {
    const { d, p, n } = this;
    const swap = (p[second * n + first] ?? 0) > (p[first * n + second] ?? 0);
    const a = swap ? second : first;
    const b = swap ? first : second;
    const ab = p[a * n + b] ?? 0;
    const ba = p[b * n + a] ?? 0;
    return {
      a,
      b,
      outcome: ab > ba ? 'beats' : 'tie',
      aOverB: d[a * n + b] ?? 0,
      bOverA: d[b * n + a] ?? 0,
      pathAToB: this.path(a, b, ab),
      pathBToA: this.path(b, a, ba),
    };
  }

  private path(from: number, to: number, strength: number): PathEvidence {
    return { strength, chain: strongestChain(this.links, this.n, from, to, strength, this.order) };
  }
}
