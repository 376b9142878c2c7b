// `npm run bench:governance`: in-process timings of the counts the officers' page runs
// beside or instead of Schulze (issue 18): STV (Scottish STV), the approval sum and
// seating under a cap, and the informational ranked pairs + instant-runoff, on
// random ballots collected as the page collects them (one entry per distinct
// ballot). Prints figures; asserts nothing.
import { performance } from 'node:perf_hooks';
import { parseCap } from '../src/core/governance/rules.js';
import { approvalResult } from '../src/core/tally/approval.js';
import { RankedBallotCollector } from '../src/core/tally/rankedBallots.js';
import { alternatives, countStv, StoredBallotCount, tally } from '../src/core/tally/index.js';

/** A small deterministic generator, so runs compare. */
function generator(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.floor((s / 2 ** 32) * n);
  };
}

const sizes: [ballots: number, candidates: number, seats: number][] = [
  [1_000, 10, 3],
  [10_000, 20, 5],
  [100_000, 20, 5],
  [100_000, 50, 7],
];

function ms(from: number): string {
  return `${(performance.now() - from).toFixed(0)} ms`;
}

for (const [ballots, n, seats] of sizes) {
  const random = generator(ballots * 31 + n);
  const ids = Array.from({ length: n }, (_, i) => `c${String(i).padStart(3, '0')}`);
  const ranks = new Float64Array(n);
  const collector = new RankedBallotCollector(ids);
  const pairwise = new StoredBallotCount(ids);
  const approvals = new Array<number>(n).fill(0);
  let t = performance.now();
  for (let b = 0; b < ballots; b++) {
    ranks.fill(0);
    // Rank a few candidates, a popular few more often; approve the same ones.
    const depth = 1 + random(Math.min(n, 6));
    for (let k = 1; k <= depth; k++) {
      const c = random(3) === 0 ? random(Math.min(n, 5)) : random(n);
      if (ranks[c] === 0) {
        ranks[c] = k;
        approvals[c] = (approvals[c] ?? 0) + 1;
      }
    }
    collector.add(ranks);
    pairwise.add(ids.map((id, i) => ({ candidate: id, rank: ranks[i] ?? 0 })));
  }
  const collect = ms(t);
  const ranked = collector.result();

  t = performance.now();
  const stv = countStv(ranked, {
    seats,
    rules: { cap: null, affiliations: new Map(), continuing: [], tieBreak: { method: 'seeded-hash', seed: 'bench' } },
  });
  const stvTime = ms(t);

  const cap = parseCap('1/3');
  if ('error' in cap) throw new Error(cap.error);
  const affiliations = new Map(ids.map((id, i) => [id, `company${i % 4}`]));
  t = performance.now();
  approvalResult({ candidates: ids, ballots, blank: 0, approvals }, seats, { cap: cap.cap, affiliations, continuing: [], tieBreak: null });
  const approvalTime = ms(t);

  const result = tally(ids, pairwise.counter, seats);
  t = performance.now();
  alternatives(result, ranked, { method: 'seeded-hash', seed: 'bench' });
  const altTime = ms(t);

  console.log(
    `${String(ballots).padStart(7)} ballots, ${String(n).padStart(3)} candidates, ${seats} seats: ` +
      `${ranked.lists.length} distinct ballots (collected in ${collect}); STV ${stvTime} (${stv.stages.length} stages); ` +
      `approval + cap ${approvalTime}; ranked pairs + IRV ${altTime}`,
  );
}
