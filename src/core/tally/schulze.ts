// The Schulze method, winning votes, as SPEC §7 and Elekto define it, over integer
// indices and flat n×n typed arrays (cell x*n+y). Names are attached by tally.ts.

/**
 * The direct links the widest-path search starts from: `d[x][y]` where x wins the
 * head-to-head (`d[x][y] > d[y][x]`), else 0.
 */
export function directLinks(d: Uint32Array, n: number): Uint32Array {
  const links = new Uint32Array(n * n);
  for (let x = 0; x < n; x++) {
    for (let y = 0; y < n; y++) {
      if (x === y) continue;
      const xy = d[x * n + y] ?? 0;
      if (xy > (d[y * n + x] ?? 0)) links[x * n + y] = xy;
    }
  }
  return links;
}

/**
 * The strongest paths over `links` (see directLinks), in a new array: `p[x][y]` =
 * strength of the strongest path from x to y, over every chain of direct links, the
 * largest of the weakest link (Floyd–Warshall, widest path). 0 = no path.
 *
 * The inner loop is the whole cost (n³ steps: about a second for 1,000 candidates), so
 * it has no branches but the one that writes: the diagonal is not skipped (a value
 * there can never raise another cell, since a path through x back to x is never
 * stronger than the part of it that leaves x) and is cleared at the end.
 */
export function widestPaths(links: Uint32Array, n: number): Uint32Array {
  const p = links.slice();
  for (let k = 0; k < n; k++) {
    const rowK = p.subarray(k * n, k * n + n);
    for (let x = 0; x < n; x++) {
      const xk = p[x * n + k] ?? 0;
      if (xk === 0) continue;
      const rowX = p.subarray(x * n, x * n + n);
      for (let y = 0; y < n; y++) {
        const ky = rowK[y] ?? 0;
        const via = xk < ky ? xk : ky;
        if (via > (rowX[y] ?? 0)) rowX[y] = via;
      }
    }
  }
  for (let x = 0; x < n; x++) p[x * n + x] = 0;
  return p;
}

/** X beats Y when the strongest path from X to Y is stronger than the one back. */
export function beatsAt(p: Uint32Array, n: number, x: number, y: number): boolean {
  return (p[x * n + y] ?? 0) > (p[y * n + x] ?? 0);
}

/** For each candidate, how many candidates beat it. */
export function beatenByCounts(p: Uint32Array, n: number): Uint32Array {
  const beatenBy = new Uint32Array(n);
  for (let x = 0; x < n; x++) {
    for (let y = 0; y < n; y++) {
      if (x !== y && beatsAt(p, n, x, y)) beatenBy[y] = (beatenBy[y] ?? 0) + 1;
    }
  }
  return beatenBy;
}

/**
 * The ranking: candidates beaten by the same number of others form one group (a tie),
 * groups ordered by that number, fewest first. Members keep index order.
 */
export function rankGroups(beatenBy: Uint32Array): number[][] {
  const byCount = new Map<number, number[]>();
  beatenBy.forEach((count, x) => {
    const group = byCount.get(count);
    if (group === undefined) byCount.set(count, [x]);
    else group.push(x);
  });
  return [...byCount.entries()].sort((a, b) => a[0] - b[0]).map(([, group]) => group);
}

/** A tie that straddles the last seat: these candidates contend for seats firstSeat..lastSeat. */
export interface SeatTie {
  candidates: number[];
  firstSeat: number;
  lastSeat: number;
}

export interface SeatOutcome {
  /** Candidates certainly elected, best group first. */
  winners: number[];
  /** At most one: the group that does not fit in the remaining seats. No winner is named for its seats. */
  ties: SeatTie[];
  /** Seats left empty because there are fewer candidates than seats. */
  vacantSeats: number;
}

/**
 * Fills `seats` seats from the ranking. A whole group is elected when it fits in the
 * seats left; a group that does not fit is reported as a tie for the remaining seats
 * and nobody is elected to them, since officers break ties by their own rules.
 */
export function fillSeats(ranking: readonly (readonly number[])[], seats: number): SeatOutcome {
  const winners: number[] = [];
  const ties: SeatTie[] = [];
  for (const group of ranking) {
    const left = seats - winners.length;
    if (left === 0) break;
    if (group.length <= left) {
      winners.push(...group);
    } else {
      ties.push({ candidates: [...group], firstSeat: winners.length + 1, lastSeat: seats });
      break;
    }
  }
  const candidates = ranking.reduce((sum, group) => sum + group.length, 0);
  return { winners, ties, vacantSeats: Math.max(0, seats - candidates) };
}
