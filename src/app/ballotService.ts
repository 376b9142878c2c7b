// The contract between the vote routes (voter path) and the ballot use-cases
// (ballot integrity). Routes parse the form and render; the service validates
// against the current snapshot, enforces the window to the second, derives keys
// in the bounded pool, and writes in one transaction. Time comes from ctx.clock.
import type { SessionUser } from '../views/page.js';

export interface ChoiceView {
  candidateId: string;
  name: string;
  /** null: no opinion. */
  rank: number | null;
}

export interface CastRequest {
  user: SessionUser;
  electionKey: string;
  /** The submitted `candidate@<ID>` fields, as text (other fields may be present and are ignored). */
  fields: Record<string, string>;
  /** '' when the voter chose no passphrase. */
  passphrase: string;
  /** The voter confirmed that a ballot without any preference is an abstention. */
  confirmAbstention: boolean;
  /** Fires when the client has gone: work not yet committed is abandoned. */
  signal?: AbortSignal;
}

/**
 * The server is too busy sealing or opening other ballots to start this one within its
 * time limit (or the client left): nothing was cast, opened or changed.
 */
export type Busy = { ok: false; kind: 'busy'; status: 503; message: string; retryAfterSeconds: number };

/** Too many attempts or derivations for this user and election: nothing was done; wait that long. */
export type RateLimited = { ok: false; kind: 'rate-limited'; status: 429; message: string; retryAfterSeconds: number };

export type Refusal = { ok: false; kind: 'refused'; status: 403 | 404 | 409 | 410; message: string };

export type CastOutcome =
  | { ok: true; abstention: boolean }
  | Refusal
  | Busy
  | RateLimited
  | {
      ok: false;
      kind: 'invalid';
      status: 400;
      message: string;
      /** Field name (e.g. `candidate@ann`, `password`) → what is wrong with it. */
      fieldErrors: Record<string, string>;
      /** The ballot expresses no preference: ask the voter to confirm an abstention. */
      needsAbstentionConfirmation: boolean;
    };

export interface PassphraseRequest {
  user: SessionUser;
  electionKey: string;
  passphrase: string;
  /** Fires when the client has gone. */
  signal?: AbortSignal;
}

export type OpenOutcome =
  | { ok: true; choices: ChoiceView[] }
  | Refusal
  | { ok: false; kind: 'wrong-passphrase'; status: 403; message: string; attemptsLeft: number }
  | RateLimited
  | Busy;

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
  /** Opens the ballot with the passphrase; changes nothing. */
  view: (request: PassphraseRequest) => Promise<OpenOutcome>;
  /** Opens and deletes the ballot and the voter row, so the voter may vote again. */
  revoke: (request: PassphraseRequest) => Promise<OpenOutcome>;
  status: (user: Pick<SessionUser, 'id' | 'login'>, electionKey: string) => Promise<VoterStatus>;
  /** Keys of the elections this user has voted in (dashboard). */
  votedKeys: (userId: number) => Promise<Set<string>>;
  /** Passphrase attempts allowed per user and election, shown to voters. */
  attemptLimit: { max: number; windowMinutes: number };
}
