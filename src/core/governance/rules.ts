// The governance rules an election declares beyond Elekto's format (SPEC §10): the
// ballot method, the per-affiliation seat cap with the members not up for election,
// and a tie-break fixed before voting opens. Plain data, produced by
// src/core/meta/governance.ts from election.yaml or by `scrutin tally` from options.

export const BALLOT_METHODS = ['schulze', 'approval', 'stv'] as const;
export type BallotMethod = (typeof BALLOT_METHODS)[number];

/**
 * The seat cap per affiliation. `count`: at most `max` members of the whole body
 * (continuing members included). `fraction`: a share of the whole body (seats +
 * continuing members): `at-most` allows floor(share × body), `less-than` allows
 * only fewer than share × body.
 */
export type AffiliationCap =
  { kind: 'count'; max: number } | { kind: 'fraction'; numerator: number; denominator: number; bound: 'at-most' | 'less-than' };

/** A member of the body who is not up for election, counted by the cap. */
export interface ContinuingMember {
  login: string;
  /** As written; null when not given (never capped). */
  affiliation: string | null;
}

export const TIE_BREAK_METHODS = ['seeded-hash'] as const;

/** A tie-break declared before voting: see ./draw.ts for the exact recipe. */
export interface TieBreakRule {
  method: 'seeded-hash';
  seed: string;
}

export interface GovernanceRules {
  method: BallotMethod;
  /** Approval: how many candidates a ballot may approve; null = no limit. */
  maxSelections: number | null;
  cap: AffiliationCap | null;
  /** The candidate `info` key holding the affiliation. */
  affiliationField: string;
  continuingMembers: ContinuingMember[];
  tieBreak: TieBreakRule | null;
}

export const DEFAULT_AFFILIATION_FIELD = 'employer';

/** An election without any of the keys: Schulze, and nothing else changes. */
export function defaultRules(): GovernanceRules {
  return {
    method: 'schulze',
    maxSelections: null,
    cap: null,
    affiliationField: DEFAULT_AFFILIATION_FIELD,
    continuingMembers: [],
    tieBreak: null,
  };
}

/** The cap as election.yaml spells it: `2`, `1/3`, `<1/3`. */
export function capText(cap: AffiliationCap): string {
  if (cap.kind === 'count') return String(cap.max);
  return `${cap.bound === 'less-than' ? '<' : ''}${cap.numerator}/${cap.denominator}`;
}

/** The cap in words, for explanations. */
export function capWords(cap: AffiliationCap): string {
  if (cap.kind === 'count') return `at most ${cap.max} per affiliation`;
  const share = `${cap.numerator}/${cap.denominator}`;
  return cap.bound === 'less-than' ? `less than ${share} of the body per affiliation` : `at most ${share} of the body per affiliation`;
}

/**
 * How many members of the whole body one affiliation may hold. The body is the seats
 * being filled plus the continuing members. May be 0 (nobody of any affiliation can be
 * seated), which the meta parser warns about.
 */
export function capLimit(cap: AffiliationCap, body: number): number {
  if (cap.kind === 'count') return cap.max;
  const scaled = cap.numerator * body;
  if (cap.bound === 'at-most') return Math.floor(scaled / cap.denominator);
  // Fewer than share × body: the largest whole number strictly below it.
  return Math.ceil(scaled / cap.denominator) - 1;
}

/**
 * Reads a cap as election.yaml or `--max-per-affiliation` spells it: a whole number
 * from 1, a fraction `a/b` at most 1 (optionally `<a/b` for "less than"), or a decimal
 * in (0, 1] read exactly (`0.5` is 1/2). Returns a reason when the text is not a cap.
 */
export function parseCap(text: string): { cap: AffiliationCap } | { error: string } {
  const raw = text.trim();
  if (/^\d+$/.test(raw)) {
    const max = Number(raw);
    if (max < 1) return { error: `a count must be at least 1 (got ${raw})` };
    return { cap: { kind: 'count', max } };
  }
  const strict = raw.startsWith('<');
  const body = strict ? raw.slice(1).trim() : raw;
  let numerator: number;
  let denominator: number;
  const fraction = /^(\d+)\s*\/\s*(\d+)$/.exec(body);
  const decimal = /^(\d*)\.(\d+)$/.exec(body);
  if (fraction !== null) {
    numerator = Number(fraction[1]);
    denominator = Number(fraction[2]);
    if (denominator === 0) return { error: `"${raw}" divides by zero` };
  } else if (decimal !== null && (decimal[2] ?? '').length <= 6) {
    const digits = decimal[2] ?? '';
    denominator = 10 ** digits.length;
    numerator = Number(decimal[1] === '' ? '0' : decimal[1]) * denominator + Number(digits);
  } else if (strict && /^\d+$/.test(body)) {
    return { error: `"${raw}": "<" goes with a fraction such as <1/3; for a count write the largest allowed number` };
  } else {
    return { error: `"${raw}" is neither a whole number (such as 2) nor a fraction (such as 1/3)` };
  }
  if (numerator === 0) return { error: `"${raw}" allows no one; a fraction must be above 0` };
  if (numerator > denominator) return { error: `"${raw}" is more than the whole body; a fraction must be at most 1` };
  const g = gcd(numerator, denominator);
  return { cap: { kind: 'fraction', numerator: numerator / g, denominator: denominator / g, bound: strict ? 'less-than' : 'at-most' } };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
