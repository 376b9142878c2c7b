// The contract between the vote routes (voter path) and the ballot use-cases
// (ballot integrity). Routes parse the form and render; the service validates
// against the current snapshot, enforces the window to the second, derives keys
// in the bounded pool, and writes in one transaction. A refusal is a reason code
// (src/app/refusals.ts); the words and the status are the HTTP edge's.
import type { Refusal } from '../refusals.js';

/** Who asks: the signed-in user, as the session knows them. */
export interface Voter {
  id: number;
  login: string;
}

export interface ChoiceView {
  candidateId: string;
  name: string;
  /** null: no opinion. */
  rank: number | null;
}

export interface CastRequest {
  user: Voter;
  electionKey: string;
  /** The submitted `candidate@<ID>` fields, as text (other fields may be present and are ignored). */
  fields: Record<string, string>;
  /** '' when the voter chose no passphrase. */
  passphrase: string;
  /** The voter confirmed that a ballot without any preference is an abstention. */
  confirmAbstention: boolean;
  /** Fires when the client has gone: work not yet committed is abandoned. */
  signal?: AbortSignal;
  /** A pending cast no request waits for: its derivation may queue beyond KDF_QUEUE_TIMEOUT. */
  patient?: boolean;
}

type Codes<C extends Refusal['code']> = Extract<Refusal, { code: C }>;

/** Every refusal a cast can end with. */
export type CastRefusal = Codes<
  | 'no-such-election'
  | 'election-unavailable'
  | 'election-changed'
  | 'not-started'
  | 'voting-closed'
  | 'not-eligible'
  | 'already-voted'
  | 'login-taken'
  | 'invalid-ballot'
  | 'abstention-unconfirmed'
  | 'busy'
  | 'too-many-derivations'
>;

/** A cast that went through: what was recorded, to show it back to the voter. */
export interface CastDone {
  ok: true;
  abstention: boolean;
  /** The ballot as stored, in the election's candidate order. */
  choices: ChoiceView[];
  /** The receipt code (`ballot_receipts`), or null. */
  receipt: string | null;
}

export type CastOutcome = CastDone | CastRefusal;

export interface PassphraseRequest {
  user: Voter;
  electionKey: string;
  passphrase: string;
  /** Fires when the client has gone. */
  signal?: AbortSignal;
}

/** Every refusal a view or a revoke can end with. */
export type OpenRefusal = Codes<
  | 'no-such-election'
  | 'election-unavailable'
  | 'nothing-to-revoke'
  | 'revoke-closed'
  | 'not-started'
  | 'not-voted'
  | 'links-erased'
  | 'no-passphrase'
  | 'passphrase-missing'
  | 'wrong-passphrase'
  | 'link-damaged'
  | 'ballot-missing'
  | 'already-revoked'
  | 'busy'
  | 'too-many-attempts'
  | 'too-many-derivations'
>;

export type OpenOutcome = { ok: true; choices: ChoiceView[]; receipt: string | null } | OpenRefusal;

/** Where a voter's cast submitted through `submit` is. */
export type CastProgress =
  /** Stored (read from the database, so any replica knows). */
  | { state: 'cast' }
  /** Still being sealed, here or (as far as the session tells) on another replica. */
  | { state: 'sealing'; startedAt: Date; queued: number }
  /** Ended without a ballot: the refusal, when this process ran it. */
  | { state: 'refused'; outcome: CastRefusal }
  /** Nothing cast, nothing pending that this process knows of. */
  | { state: 'none' };

export type SubmitOutcome = { done: true; outcome: CastOutcome } | { done: false; startedAt: Date };

export interface VoterStatus {
  voted: boolean;
  /** A sealed link exists, so view/revoke with a passphrase is possible. */
  hasPassphrase: boolean;
  linksErased: boolean;
  /** Not voted, but another GitHub account already cast a ballot under this user's login here. */
  loginTaken: boolean;
}

export interface BallotService {
  cast: (request: CastRequest) => Promise<CastOutcome>;
  /**
   * Casts as a pending job (pendingCasts.ts): joins the voter's cast in progress if there
   * is one, and answers within about `waitMs` either with the outcome or with "still
   * sealing", after which the cast goes on without the request.
   */
  submit: (request: CastRequest, waitMs?: number) => Promise<SubmitOutcome>;
  /** Checks a ballot as a cast would, without casting it: the ranking to review, or the refusal. */
  review: (request: CastRequest) => Promise<{ ok: true; choices: ChoiceView[] } | CastRefusal>;
  /** Where the voter's submitted cast is; `startedHint` is when their session says it started. */
  progress: (user: Voter, electionKey: string, startedHint: Date | null) => Promise<CastProgress>;
  /** The recorded ranking and receipt of the voter's last cast here, when this process still has it. */
  lastCast: (user: Voter, electionKey: string) => Promise<CastDone | null>;
  /** Opens the ballot with the passphrase; changes nothing. */
  view: (request: PassphraseRequest) => Promise<OpenOutcome>;
  /** Opens and deletes the ballot and the voter row, so the voter may vote again. */
  revoke: (request: PassphraseRequest) => Promise<OpenOutcome>;
  status: (user: Voter, electionKey: string) => Promise<VoterStatus>;
  /** Keys of the elections this user has voted in (dashboard). */
  votedKeys: (userId: number) => Promise<Set<string>>;
  /** Passphrase attempts allowed per user and election, shown to voters. */
  attemptLimit: { max: number; windowMinutes: number };
}
