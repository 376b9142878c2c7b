// The count of an election, run in a worker thread (src/app/officer/countPool.ts
// starts one per count). The ballots were already added up into the pairwise matrix
// on the main thread, page by page as the database returned them; what is left is
// the part whose cost grows with the candidates (strongest paths, ranking, the
// explanation, the JSON text), which for hundreds of candidates takes seconds. An STV
// count gets the ballots in order instead, since it explores how undrawn lots fall.
import { parentPort, workerData } from 'node:worker_threads';
import { governSchulze } from '../../core/governance/schulze.js';
import { noRules, type SeatRules, type Seating } from '../../core/governance/seats.js';
import {
  alternatives,
  countStv,
  formatJson,
  seatingJson,
  tally,
  toTallyJson,
  TooManyLotsError,
  type RankedBallots,
  type StvResult,
  type TallyResult,
} from '../../core/tally/index.js';
import type { Alternatives } from '../../core/tally/alternatives.js';

/** Marks the data of a count worker, so importing this module anywhere else runs nothing. */
export const COUNT_JOB = 'scrutin-count';

export interface CountJob {
  kind: typeof COUNT_JOB;
  candidates: string[];
  /** The pairwise matrix (transferred, not copied). */
  d: Uint32Array;
  ballots: number;
  seats: number;
  /** `result`: the TallyResult; `json`: the officers' JSON download, as UTF-8 bytes; `stv`: the STV count of `ranked`. */
  output: 'result' | 'json' | 'stv';
  /** Candidate ID → display name, for the JSON. */
  names: [string, string][];
  /** `result` only: keep at most this many comparisons in each explanation list. */
  explanationLimit: number | null;
  /** The election's seat cap and tie-break; null when it declares neither (then nothing changes). */
  rules: SeatRules | null;
  /** `result` only: the ballots in order, to show what ranked pairs and instant-runoff would give; null to skip. */
  ranked: RankedBallots | null;
}

export type CountAnswer =
  | {
      output: 'result';
      /** Winners, ties and explanation as seated under `rules`. */
      result: TallyResult;
      seating: Seating | null;
      alternatives: Alternatives | null;
      /** Why the alternatives could not be computed (too many lots to explore), or null. */
      alternativesProblem: string | null;
      omitted: { adjacent: number; winners: number };
    }
  | { output: 'json'; json: Uint8Array }
  | { output: 'stv'; stv: StvResult }
  /** STV without a declared tie-break: more ways lots can fall than it explores. */
  | { output: 'too-many-lots'; runs: number }
  | { output: 'error'; message: string };

/** The worker's whole job, also callable in the same thread. */
export function runCountJob(job: CountJob): CountAnswer {
  if (job.output === 'stv') {
    if (job.ranked === null) throw new Error('an STV count needs the ballots in order');
    try {
      return { output: 'stv', stv: countStv(job.ranked, { seats: job.seats, rules: job.rules ?? noRules() }) };
    } catch (error) {
      if (error instanceof TooManyLotsError) return { output: 'too-many-lots', runs: error.runs };
      throw error;
    }
  }
  const base = tally(job.candidates, { size: job.candidates.length, d: job.d, ballots: job.ballots }, job.seats);
  const governed = job.rules === null ? null : governSchulze(base, job.rules);
  const result = governed?.result ?? base;
  if (job.output === 'json') {
    const names = new Map(job.names);
    // Without rules the download is exactly Elekto-era Scrutin's; with them, the seating is added.
    const text =
      governed === null
        ? formatJson(result, names)
        : `${JSON.stringify({ method: 'schulze', ...toTallyJson(result, names), seating: seatingJson(governed.seating) }, null, 2)}\n`;
    return { output: 'json', json: new TextEncoder().encode(text) };
  }
  let alt: Alternatives | null = null;
  let alternativesProblem: string | null = null;
  if (job.ranked !== null) {
    try {
      alt = alternatives(base, job.ranked, job.rules?.tieBreak ?? null);
    } catch (error) {
      // Instant-runoff explores every way undrawn lots can fall, up to a bound: past it, say so.
      alternativesProblem = error instanceof Error ? error.message : String(error);
    }
  }
  const { adjacent, winners } = result.explanation;
  const limit = job.explanationLimit ?? Infinity;
  const omitted = { adjacent: Math.max(0, adjacent.length - limit), winners: Math.max(0, winners.length - limit) };
  if (omitted.adjacent > 0 || omitted.winners > 0) {
    // Copying hundreds of thousands of comparisons back costs the main thread as much
    // as the count: send only what the page shows.
    result.explanation = { adjacent: adjacent.slice(0, limit), winners: winners.slice(0, limit) };
  }
  return { output: 'result', result, seating: governed?.seating ?? null, alternatives: alt, alternativesProblem, omitted };
}

function transferables(answer: CountAnswer): ArrayBuffer[] {
  if (answer.output === 'json') return [answer.json.buffer as ArrayBuffer];
  if (answer.output === 'result') return [answer.result.d.buffer as ArrayBuffer, answer.result.p.buffer as ArrayBuffer];
  return [];
}

const job = workerData as Partial<CountJob> | null;
if (parentPort !== null && job?.kind === COUNT_JOB) {
  let answer: CountAnswer;
  try {
    answer = runCountJob(job as CountJob);
  } catch (error) {
    answer = { output: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  parentPort.postMessage(answer, transferables(answer));
}
