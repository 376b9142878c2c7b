// The machine-readable result: `scrutin tally --format json`, the officers' JSON
// download, and what scripts and results pages read. Candidates appear by ID
// everywhere except in `candidates`, which also gives each one's display name.
import type { Comparison, PathEvidence } from './explain.js';
import { type CandidateNames, idOf, nameLookup } from './formatCommon.js';
import type { TallyResult } from './tally.js';

/**
 * The JSON shape (documented for officers in docs/tally.md):
 *
 * ```
 * {
 *   "seats": 1,                                   // no_winners (--winners)
 *   "candidates": [{ "id": "e", "name": "Eve" }], // column order of the CSV
 *   "ballots": 45,                                // ballots counted, empty ones included
 *   "pairwise":  { "e": { "a": 25, … }, … },      // pairwise[x][y]: ballots ranking x above y
 *   "strongest": { "e": { "a": 28, … }, … },      // strongest[x][y]: strength of the strongest path x→y (0: none)
 *   "ranking": [["e"], ["a"], ["b", "c"]],        // groups of tied candidates, best first; IDs sorted within a group
 *   "winners": ["e"],                             // elected, in ranking order
 *   "ties": [{ "candidates": ["b", "c"], "firstSeat": 2, "lastSeat": 2 }],
 *                                                 // the group straddling the last seat, if any:
 *                                                 // nobody is named for seats firstSeat..lastSeat
 *   "vacantSeats": 0,                             // seats left empty: fewer candidates than seats
 *   "explanation": {
 *     "adjacent": [Comparison],                   // each pair within a tied group and across consecutive groups
 *     "winners":  [Comparison]                    // each winner against each candidate not elected
 *   }
 * }
 * Comparison = {
 *   "a": "e", "b": "a",                           // a is placed higher (or first of a tied pair)
 *   "outcome": "beats" | "tie",                   // a beats b, or neither beats the other
 *   "aOverB": 25, "bOverA": 20,                   // head to head: ballots ranking a above b, b above a
 *   "pathAToB": { "strength": 28, "chain": ["e", "d", "a"] },
 *   "pathBToA": { "strength": 25, "chain": ["a", "c", "e"] }   // chain [] when strength is 0
 * }
 * ```
 */
export interface TallyJson {
  seats: number;
  candidates: { id: string; name: string }[];
  ballots: number;
  pairwise: Record<string, Record<string, number>>;
  strongest: Record<string, Record<string, number>>;
  ranking: string[][];
  winners: string[];
  ties: { candidates: string[]; firstSeat: number; lastSeat: number }[];
  vacantSeats: number;
  explanation: { adjacent: ComparisonJson[]; winners: ComparisonJson[] };
}

export interface PathJson {
  strength: number;
  chain: string[];
}

export interface ComparisonJson {
  a: string;
  b: string;
  outcome: 'beats' | 'tie';
  aOverB: number;
  bOverA: number;
  pathAToB: PathJson;
  pathBToA: PathJson;
}

// Without a prototype, a candidate ID such as "__proto__" is just a key.
function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function matrix(result: TallyResult, cells: Uint32Array): Record<string, Record<string, number>> {
  const n = result.candidates.length;
  const out = dict<Record<string, number>>();
  result.candidates.forEach((x, i) => {
    const row = dict<number>();
    result.candidates.forEach((y, j) => {
      if (i !== j) row[y] = cells[i * n + j] ?? 0;
    });
    out[x] = row;
  });
  return out;
}

export function toTallyJson(result: TallyResult, names?: CandidateNames): TallyJson {
  const id = idOf(result);
  const name = nameLookup(result, names);
  const path = (e: PathEvidence): PathJson => ({ strength: e.strength, chain: e.chain.map(id) });
  const comparison = (c: Comparison): ComparisonJson => ({
    a: id(c.a),
    b: id(c.b),
    outcome: c.outcome,
    aOverB: c.aOverB,
    bOverA: c.bOverA,
    pathAToB: path(c.pathAToB),
    pathBToA: path(c.pathBToA),
  });
  return {
    seats: result.seats,
    candidates: result.candidates.map((cid, i) => ({ id: cid, name: name(i) })),
    ballots: result.ballots,
    pairwise: matrix(result, result.d),
    strongest: matrix(result, result.p),
    ranking: result.ranking.map((group) => group.map(id)),
    winners: result.winners.map(id),
    ties: result.ties.map((t) => ({ candidates: t.candidates.map(id), firstSeat: t.firstSeat, lastSeat: t.lastSeat })),
    vacantSeats: result.vacantSeats,
    explanation: {
      adjacent: result.explanation.adjacent.map(comparison),
      winners: result.explanation.winners.map(comparison),
    },
  };
}

export function formatJson(result: TallyResult, names?: CandidateNames): string {
  return `${JSON.stringify(toTallyJson(result, names), null, 2)}\n`;
}
