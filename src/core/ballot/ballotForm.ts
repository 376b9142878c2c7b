// The ballot form, from posted fields to a typed, validated ballot, and from that to the
// rows that store it. The form posts one field per candidate, `candidate@<ID>`, holding a
// rank (1 = most preferred, equal numbers are ties) or the no-opinion choice.
import type { Election } from '../meta/types.js';
import { expressesPreference, NO_OPINION_RANK } from './rank.js';

export const CANDIDATE_FIELD_PREFIX = 'candidate@';
export const PASSPHRASE_FIELD = 'password';
/** Bounds the key-derivation input; far beyond any passphrase a person types. */
export const MAX_PASSPHRASE_LENGTH = 1024;

export interface BallotChoice {
  candidateId: string;
  /** 1..N, or null for no opinion. */
  rank: number | null;
}

/** A validated ballot: one choice per candidate of the election, in the election's order. */
export interface Ballot {
  choices: BallotChoice[];
}

/** A problem a voter can fix, tied to the form field it concerns. */
export interface FieldError {
  field: string;
  message: string;
}

export type BallotFormResult =
  | {
      ok: true;
      ballot: Ballot;
      /**
       * False when the ballot prefers no candidate to another (all unranked, or every
       * ranked candidate on the same rank): it counts as an abstention, which the voter
       * must confirm explicitly.
       */
      expressesPreference: boolean;
    }
  | { ok: false; errors: FieldError[] };

/** The posted body as @fastify/formbody gives it: repeated fields become arrays. */
export type FormFields = Readonly<Record<string, unknown>>;

export type BallotElection = Pick<Election, 'candidates' | 'allowNoOpinion'>;

const NO_OPINION_VALUES = new Set(['', 'no-opinion', String(NO_OPINION_RANK)]);

/** A posted rank that means no opinion: the plain select's '', 'no-opinion', or Elekto's rank. */
export function isNoOpinionValue(value: string): boolean {
  return NO_OPINION_VALUES.has(value.trim());
}

export function candidateField(candidateId: string): string {
  return CANDIDATE_FIELD_PREFIX + candidateId;
}

/** Parses and validates the candidate fields of a ballot form; other fields are ignored. */
export function parseBallotForm(form: FormFields, election: BallotElection): BallotFormResult {
  const n = election.candidates.length;
  const names = new Map(election.candidates.map((c) => [c.id, c.name]));
  const errors: FieldError[] = [];

  for (const field of Object.keys(form)) {
    if (!field.startsWith(CANDIDATE_FIELD_PREFIX)) continue;
    const id = field.slice(CANDIDATE_FIELD_PREFIX.length);
    if (!names.has(id)) {
      errors.push({ field, message: `“${id}” is not a candidate in this election. Reload the ballot and try again.` });
    }
  }

  const choices: BallotChoice[] = [];
  for (const candidate of election.candidates) {
    const field = candidateField(candidate.id);
    const raw = Object.hasOwn(form, field) ? form[field] : undefined;
    const who = candidate.name || candidate.id;
    const rankHint = n === 1 ? 'rank 1' : `a rank from 1 to ${n}`;
    if (raw === undefined) {
      errors.push({
        field,
        message: election.allowNoOpinion
          ? `Choose ${rankHint} or “No opinion” for ${who}.`
          : `Choose ${rankHint} for ${who}: this election asks you to rank every candidate.`,
      });
      continue;
    }
    if (Array.isArray(raw)) {
      errors.push({ field, message: `${who} was given more than one rank. Give exactly one.` });
      continue;
    }
    if (typeof raw !== 'string') {
      errors.push({ field, message: `The rank for ${who} could not be read. Choose ${rankHint}.` });
      continue;
    }
    const value = raw.trim();
    if (isNoOpinionValue(value)) {
      if (!election.allowNoOpinion) {
        errors.push({ field, message: `This election asks you to rank every candidate: choose ${rankHint} for ${who}.` });
        continue;
      }
      choices.push({ candidateId: candidate.id, rank: null });
      continue;
    }
    const rank = /^\d{1,9}$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isInteger(rank) || rank < 1 || rank > n) {
      errors.push({ field, message: `The rank for ${who} must be a whole number from 1 to ${n}; “${value.slice(0, 20)}” is not.` });
      continue;
    }
    choices.push({ candidateId: candidate.id, rank });
  }

  if (errors.length > 0) return { ok: false, errors };
  const ballot = { choices };
  return { ok: true, ballot, expressesPreference: expressesPreference(choices.map((c) => c.rank)) };
}

/** One stored `ballot` row: every candidate gets one, unranked ones with NO_OPINION_RANK. */
export interface BallotRow {
  candidate: string;
  rank: number;
}

/**
 * The rows that store a ballot: one per candidate of the election, so even an abstention
 * leaves a trace of having been cast and Elekto's own count reads it the same way.
 */
export function ballotRows(ballot: Ballot): BallotRow[] {
  return ballot.choices.map((c) => ({ candidate: c.candidateId, rank: c.rank ?? NO_OPINION_RANK }));
}

/** Reads stored rows back (for viewing a ballot); the sentinel and NULL mean no opinion. */
export function ballotFromRows(rows: readonly { candidate: string; rank: number | null }[]): Ballot {
  return {
    choices: rows.map((r) => ({
      candidateId: r.candidate,
      rank: r.rank === null || r.rank >= NO_OPINION_RANK ? null : r.rank,
    })),
  };
}

export type PassphraseResult = { ok: true; passphrase: string | null } | { ok: false; error: FieldError };

/**
 * The optional passphrase: absent or empty means none (then no link is stored); otherwise
 * at least `minLength` and at most MAX_PASSPHRASE_LENGTH characters, counted as Unicode
 * code points. Used exactly as typed — no trimming or normalisation — because the key is
 * derived from these bytes, as Elekto did.
 */
export function checkPassphrase(value: unknown, minLength: number): PassphraseResult {
  const field = PASSPHRASE_FIELD;
  if (value === undefined || value === '') return { ok: true, passphrase: null };
  if (typeof value !== 'string') return { ok: false, error: { field, message: 'Enter the passphrase once, as text.' } };
  // A lone surrogate has no UTF-8 form: it would silently become U+FFFD in the key input.
  if (/\p{Cs}/u.test(value)) {
    return { ok: false, error: { field, message: 'The passphrase contains a character that cannot be used; please retype it.' } };
  }
  let length = 0;
  for (const _ of value) length++;
  if (length < minLength) {
    return { ok: false, error: { field, message: `The passphrase must be at least ${minLength} characters long, or left empty.` } };
  }
  if (length > MAX_PASSPHRASE_LENGTH) {
    return { ok: false, error: { field, message: `The passphrase must be at most ${MAX_PASSPHRASE_LENGTH} characters long.` } };
  }
  return { ok: true, passphrase: value };
}
