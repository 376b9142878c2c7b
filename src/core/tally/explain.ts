// Why the ranking is what it is: for a pair of candidates, the head-to-head counts and
// the strongest path each way, as a chain of candidates. Many chains can share the
// strongest strength; we show the one with the fewest steps, ties between chains
// broken by a fixed candidate order, so the explanation never depends on column order.
//
// The chain from x to y of strength s is found by a breadth-first search from x over
// the direct links of strength at least s, visiting candidates in that fixed order.
// A tied group of g candidates needs g² such chains, and one search costs up to n²
// steps, so searching once per chain made a large tie cost n⁴ (400 candidates and a
// handful of ballots: half a minute). The searches are therefore shared: one search
// from x at strength s serves every chain that starts at x with that strength (the
// search tree does not depend on the target), strengths are taken from the strongest
// down so the graph of links only ever gains edges, and the graph is a bit matrix
// whose columns are in the fixed order, so a search step reads 32 candidates at once
// in exactly the order the one-chain search visited them.

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

/** A chain to find: from `from` to `to`, through links of at least `strength` (> 0). */
export interface ChainQuery {
  from: number;
  to: number;
  strength: number;
}

/**
 * For each query, a shortest chain from `from` to `to` made of direct links of at
 * least `strength` (one exists whenever p[from][to] = strength > 0): breadth-first,
 * visiting candidates in `order`, so among shortest chains the one whose candidates
 * come first in that order at each step.
 */
export function strongestChains(links: Uint32Array, n: number, order: Int32Array, queries: readonly ChainQuery[]): number[][] {
  const chains: number[][] = queries.map(() => []);
  const q = queries.length;
  if (q === 0) return chains;

  // Queries grouped by strength (strongest first), then by start: one search per group.
  const strengths = [...new Set(queries.map((query) => query.strength))].sort((a, b) => b - a);
  const level = new Map(strengths.map((s, i) => [s, i]));
  const groupOf = new Float64Array(q);
  queries.forEach((query, i) => (groupOf[i] = (level.get(query.strength) ?? 0) * n + query.from));
  const byGroup = Uint32Array.from(queries.keys()).sort((i, j) => (groupOf[i] ?? 0) - (groupOf[j] ?? 0) || i - j);

  // The links, each filed under the first strength (strongest first) it is strong enough for.
  const weakest = strengths[strengths.length - 1] ?? 0;
  const added: number[][] = strengths.map(() => []);
  for (let cell = 0; cell < n * n; cell++) {
    const s = links[cell] ?? 0;
    if (s < weakest || s === 0) continue;
    let lo = 0;
    let hi = strengths.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((strengths[mid] ?? 0) <= s) hi = mid;
      else lo = mid + 1;
    }
    added[lo]?.push(cell);
  }

  // adjacency[u*words + w], bit b: a link u → order[32w + b] is in the graph.
  const words = (n + 31) >>> 5;
  const position = new Int32Array(n);
  order.forEach((x, i) => (position[x] = i));
  const adjacency = new Int32Array(n * words);
  const visited = new Int32Array(words);
  const previous = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  const wanted = new Int32Array(n);

  let at = 0;
  let graphLevel = -1;
  while (at < q) {
    const first = byGroup[at] ?? 0;
    const group = groupOf[first] ?? 0;
    const from = (queries[first] as ChainQuery).from;
    const strength = (queries[first] as ChainQuery).strength;
    const groupLevel = Math.floor(group / n);
    while (graphLevel < groupLevel) {
      graphLevel++;
      for (const cell of added[graphLevel] ?? []) {
        const u = Math.floor(cell / n);
        const p = position[cell - u * n] ?? 0;
        const word = u * words + (p >>> 5);
        adjacency[word] = (adjacency[word] ?? 0) | (1 << (p & 31));
      }
    }
    let end = at;
    let targets = 0;
    while (end < q && groupOf[byGroup[end] ?? 0] === group) {
      const to = (queries[byGroup[end] ?? 0] as ChainQuery).to;
      if (wanted[to] === 0 && to !== from) targets++;
      wanted[to] = 1;
      end++;
    }

    // One breadth-first search from `from`, stopped once every target is reached.
    visited.fill(0);
    const start = position[from] ?? 0;
    visited[start >>> 5] = 1 << (start & 31);
    previous[from] = from;
    queue[0] = from;
    let tail = 1;
    for (let head = 0; head < tail && targets > 0; head++) {
      const u = queue[head] ?? 0;
      const row = u * words;
      for (let w = 0; w < words && targets > 0; w++) {
        let fresh = (adjacency[row + w] ?? 0) & ~(visited[w] ?? 0);
        if (fresh === 0) continue;
        visited[w] = (visited[w] ?? 0) | fresh;
        while (fresh !== 0) {
          const bit = fresh & -fresh;
          fresh ^= bit;
          const v = order[(w << 5) | (31 - Math.clz32(bit))] ?? 0;
          previous[v] = u;
          queue[tail++] = v;
          if (wanted[v] === 1) {
            wanted[v] = 0;
            targets--;
          }
        }
      }
    }

    for (let k = at; k < end; k++) {
      const i = byGroup[k] ?? 0;
      const to = (queries[i] as ChainQuery).to;
      if (to === from || previous[to] === -1) {
        throw new Error(`no path of strength ${strength} from ${from} to ${to}: the strongest paths are inconsistent`);
      }
      const chain = [to];
      for (let v = to; v !== from;) {
        v = previous[v] ?? from;
        chain.push(v);
      }
      chains[i] = chain.reverse();
    }
    for (let k = 0; k < tail; k++) previous[queue[k] ?? 0] = -1;
    for (let k = at; k < end; k++) wanted[(queries[byGroup[k] ?? 0] as ChainQuery).to] = 0;
    at = end;
  }
  return chains;
}

/**
 * Compares each pair, naming the one that beats the other (if any) as `a`, with the
 * head-to-head counts and the strongest chain each way.
 */
export function comparePairs(
  d: Uint32Array,
  links: Uint32Array,
  p: Uint32Array,
  n: number,
  order: Int32Array,
  pairs: readonly (readonly [number, number])[],
): Comparison[] {
  const queries: ChainQuery[] = [];
  const comparisons = pairs.map(([first, second]): Comparison => {
    const swap = (p[second * n + first] ?? 0) > (p[first * n + second] ?? 0);
    const a = swap ? second : first;
    const b = swap ? first : second;
    const ab = p[a * n + b] ?? 0;
    const ba = p[b * n + a] ?? 0;
    if (ab > 0) queries.push({ from: a, to: b, strength: ab });
    if (ba > 0) queries.push({ from: b, to: a, strength: ba });
    return {
      a,
      b,
      outcome: ab > ba ? 'beats' : 'tie',
      aOverB: d[a * n + b] ?? 0,
      bOverA: d[b * n + a] ?? 0,
      pathAToB: { strength: ab, chain: [] },
      pathBToA: { strength: ba, chain: [] },
    };
  });
  const chains = strongestChains(links, n, order, queries);
  let next = 0;
  for (const c of comparisons) {
    if (c.pathAToB.strength > 0) c.pathAToB.chain = chains[next++] ?? [];
    if (c.pathBToA.strength > 0) c.pathBToA.chain = chains[next++] ?? [];
  }
  return comparisons;
}
