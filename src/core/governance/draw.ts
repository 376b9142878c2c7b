// The declared tie-break, `tie_break: {method: seeded-hash, seed: "…"}`: a draw
// anyone can recompute from the repository with a shell, so the officers never pick.
//
//   digest(candidate) = SHA-256 of the UTF-8 bytes of  seed + "\n" + candidate ID
//                       (no newline at the end), written as 64 lowercase hex digits
//   draw order        = candidates sorted by digest, smallest first
//
//   printf '%s\n%s' "$SEED" "$ID" | sha256sum
//
// The draw order is a priority: earlier is favoured. A tie for seats goes to the
// earliest; an STV exclusion by lot removes the latest; equal surpluses transfer
// earliest first. docs/tally.md documents the same recipe for officers.
import { createHash } from 'node:crypto';
import type { TieBreakRule } from './rules.js';

export interface DrawEntry {
  candidate: string;
  /** SHA-256 hex digest of seed + "\n" + candidate. */
  digest: string;
}

export function drawDigest(seed: string, candidate: string): string {
  return createHash('sha256').update(`${seed}\n${candidate}`, 'utf8').digest('hex');
}

/** The candidates in draw order (smallest digest first). */
export function drawOrder(rule: TieBreakRule, candidates: readonly string[]): DrawEntry[] {
  return candidates
    .map((candidate) => ({ candidate, digest: drawDigest(rule.seed, candidate) }))
    .sort((a, b) =>
      a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : a.candidate < b.candidate ? -1 : a.candidate > b.candidate ? 1 : 0,
    );
}

/** What a result records when the declared tie-break decided something. */
export interface TieBreakUse {
  method: 'seeded-hash';
  seed: string;
  /** The tied candidates in draw order, with their digests. */
  draw: DrawEntry[];
}

export function tieBreakUse(rule: TieBreakRule, candidates: readonly string[]): TieBreakUse {
  return { method: rule.method, seed: rule.seed, draw: drawOrder(rule, candidates) };
}
