// The count of an election, run in a worker thread (src/app/officer/countPool.ts
// starts one per count). The ballots were already added up into the pairwise matrix
// on the main thread, page by page as the database returned them; what is left is
// the part whose cost grows with the candidates (strongest paths, ranking, the
// explanation, the JSON text), which for hundreds of candidates takes seconds.
import { parentPort, workerData } from 'node:worker_threads';
import { formatJson, tally, type TallyResult } from '../../core/tally/index.js';

/** Marks the data of a count worker, so importing this module anywhere else runs nothing. */
export const COUNT_JOB = 'scrutin-count';

export interface CountJob {
  kind: typeof COUNT_JOB;
  candidates: string[];
  /** The pairwise matrix (transferred, not copied). */
  d: Uint32Array;
  ballots: number;
  seats: number;
  /** `result`: the TallyResult; `json`: the officers' JSON download, as UTF-8 bytes. */
  output: 'result' | 'json';
  /** Candidate ID → display name, for the JSON. */
  names: [string, string][];
  /** `result` only: keep at most this many comparisons in each explanation list. */
  explanationLimit: number | null;
}

export type CountAnswer =
  | { output: 'result'; result: TallyResult; omitted: { adjacent: number; winners: number } }
  | { output: 'json'; json: Uint8Array }
  | { output: 'error'; message: string };

/** The worker's whole job, also callable in the same thread. */
export function runCountJob(job: CountJob): CountAnswer {
  const result = tally(job.candidates, { size: job.candidates.length, d: job.d, ballots: job.ballots }, job.seats);
  if (job.output === 'json') return { output: 'json', json: new TextEncoder().encode(formatJson(result, new Map(job.names))) };
  const { adjacent, winners } = result.explanation;
  const limit = job.explanationLimit ?? Infinity;
  const omitted = { adjacent: Math.max(0, adjacent.length - limit), winners: Math.max(0, winners.length - limit) };
  if (omitted.adjacent > 0 || omitted.winners > 0) {
    // Copying hundreds of thousands of comparisons back costs the main thread as much
    // as the count: send only what the page shows.
    result.explanation = { adjacent: adjacent.slice(0, limit), winners: winners.slice(0, limit) };
  }
  return { output: 'result', result, omitted };
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
