// The ballot form, from posted fields to a typed, validated ballot, and from that to the
// rows that store it. The form posts one field per candidate, `candidate@<ID>`, holding a
// rank (1 = most preferred, equal numbers are ties) or the no-opinion choice.
//
// Approval ballots (`ballot_method: approval`) post the same field as a check box,
// present (`approve`) for an approved candidate and absent otherwise. They are stored
// in the same rows as a ranking: rank 1 for each approved candidate and no opinion for
// the rest, so one storage, one export and Elekto's schema serve every method. STV
// ballots are rankings that must put the ranked candidates in a strict order.
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

export type BallotElection = Pick<Election, 'candidates' | 'allowNoOpinion'> & {
  rules?: Pick<Election['rules'], 'method' | 'maxSelections'>;
};

/** The value an approval check box posts. */
export const APPROVE_VALUE = 'approve';
/** The field an approval ballot's "too many selected" error belongs to (the group of check boxes). */
export const APPROVALS_FIELD = 'approvals';

const NO_OPINION_VALUES = new Set(['', 'no-opinion', String(NO_OPINION_RANK)]);

/** A posted rank that means no opinion: the plain select's '', 'no-opinion', or Elekto's rank. */
export function isNoOpinionValue(value: string): boolean {
  return NO_OPINION_VALUES.has(value.trim());
}

export function candidateField(candidateId: string): string {
  return CANDIDATE_FIELD_PREFIX + candidateId;
}

function unknownCandidateErrors(form: FormFields, election: BallotElection): FieldError[] {
  const names = new Set(election.candidates.map((c) => c.id));
  const errors: FieldError[] = [];
  for (const field of Object.keys(form)) {
    if (!field.startsWith(CANDIDATE_FIELD_PREFIX)) continue;
    const id = field.slice(CANDIDATE_FIELD_PREFIX.length);
    if (!names.has(id)) {
      errors.push({ field, message: `“${id}” is not a candidate in this election. Reload the ballot and try again.` });
    }
  }
  return errors;
}

/** Parses and validates the candidate fields of a ballot form; other fields are ignored. */
export function parseBallotForm(form: FormFields, election: BallotElection): BallotFormResult {
  const method = election.rules?.method ?? 'schulze';
  if (method === 'approval') return parseApprovalForm(form, election);
  const n = election.candidates.length;
  const errors = unknownCandidateErrors(form, election);

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

  if (errors.length === 0 && method === 'stv') errors.push(...sharedRankErrors(choices, election));
  if (errors.length > 0) return { ok: false, errors };
  const ballot = { choices };
  return { ok: true, ballot, expressesPreference: expressesPreference(choices.map((c) => c.rank)) };
}

/**
 * STV reads a ballot in order, first preference first: two candidates on one rank
 * cannot be put in order, and the count would stop reading the ballot there. The
 * voter hears of it now rather than losing the rest of their preferences.
 */
function sharedRankErrors(choices: readonly BallotChoice[], election: BallotElection): FieldError[] {
  const byRank = new Map<number, string[]>();
  for (const c of choices) if (c.rank !== null) byRank.set(c.rank, [...(byRank.get(c.rank) ?? []), c.candidateId]);
  const names = new Map(election.candidates.map((c) => [c.id, c.name || c.id]));
  const errors: FieldError[] = [];
  for (const [rank, ids] of byRank) {
    if (ids.length < 2) continue;
    const who = ids.map((id) => names.get(id) ?? id);
    for (const id of ids)
      errors.push({
        field: candidateField(id),
        message: `${who.join(' and ')} share rank ${rank}. This election counts by STV, which needs one candidate per rank: give each a different number.`,
      });
  }
  return errors;
}

/**
 * An approval ballot: a candidate's field is `approve` (checked) or absent / empty
 * (not approved). At most `max_selections` may be approved. Approving nobody is an
 * abstention, which the voter confirms as on a ranking ballot.
 */
function parseApprovalForm(form: FormFields, election: BallotElection): BallotFormResult {
  const errors = unknownCandidateErrors(form, election);
  const choices: BallotChoice[] = [];
  for (const candidate of election.candidates) {
    const field = candidateField(candidate.id);
    const raw = Object.hasOwn(form, field) ? form[field] : undefined;
    const who = candidate.name || candidate.id;
    if (raw === undefined || raw === '') {
      choices.push({ candidateId: candidate.id, rank: null });
      continue;
    }
    if (Array.isArray(raw) || typeof raw !== 'string') {
      errors.push({ field, message: `The choice for ${who} could not be read: tick the box to approve them, or leave it empty.` });
      continue;
    }
    const value = raw.trim();
    if (value !== APPROVE_VALUE && value !== '1') {
      errors.push({ field, message: `The choice for ${who} could not be read: tick the box to approve them, or leave it empty.` });
      continue;
    }
    choices.push({ candidateId: candidate.id, rank: 1 });
  }
  const approved = choices.filter((c) => c.rank !== null).length;
  const max = election.rules?.maxSelections ?? null;
  if (max !== null && approved > max) {
    errors.push({
      field: APPROVALS_FIELD,
      message: `You selected ${approved} candidates; this election allows at most ${max}. Untick ${approved - max === 1 ? 'one' : String(approved - max)}.`,
    });
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, ballot: { choices }, expressesPreference: approved > 0 };
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
