// Every reason a use-case or a policy gives for not doing what was asked, as a code
// with the facts its explanation needs. Use-cases return them (or throw them inside a
// Refused when they must unwind a transaction or a count); the HTTP edge turns each
// code into a status and words in one table (src/http/answers.ts), and so does the
// command line where it meets one.
import type { PolicyRefusal } from '../policies/election.js';

/** Why a use-case says no, beyond the policies' reasons. */
export type ServiceRefusal =
  | { ok: false; code: 'no-such-election'; key: string }
  /** The election's files have errors in the snapshot current at that moment. */
  | { ok: false; code: 'election-unavailable' }
  /** A sync changed the candidates or the rules while the vote was being recorded. */
  | { ok: false; code: 'election-changed' }
  /** The voter cast without a passphrase: nothing links the ballot to them. */
  | { ok: false; code: 'no-passphrase' }
  | { ok: false; code: 'passphrase-missing' }
  | { ok: false; code: 'wrong-passphrase'; attemptsLeft: number; max: number; windowMinutes: number }
  | { ok: false; code: 'link-damaged' }
  | { ok: false; code: 'ballot-missing' }
  | { ok: false; code: 'already-revoked' }
  /** The key derivations are too busy to start this one in time; nothing was done. */
  | { ok: false; code: 'busy'; action: 'cast' | 'open'; retryAfterSeconds: number }
  /** Wrong passphrases, limited per user and election in the database. */
  | { ok: false; code: 'too-many-attempts'; retryAfterSeconds: number; max: number; windowMinutes: number }
  /** Derivations of any kind, limited per user and election in this process. */
  | { ok: false; code: 'too-many-derivations'; retryAfterSeconds: number; max: number; windowMinutes: number }
  /**
   * The ballot form or the passphrase needs fixing. `fieldErrors`: field name (e.g.
   * `candidate@ann`, `password`) → what is wrong with it.
   */
  | { ok: false; code: 'invalid-ballot'; fieldErrors: Record<string, string>; passphraseOnly: boolean }
  /** The ballot prefers no candidate to another: the voter must confirm an abstention. */
  | { ok: false; code: 'abstention-unconfirmed' }
  /** Stored ballots rank candidates the meta repository no longer lists. */
  | { ok: false; code: 'unknown-candidates'; ids: string[]; action: 'count' | 'export' }
  | { ok: false; code: 'count-busy' }
  | { ok: false; code: 'count-timeout'; seconds: number }
  /** STV without a declared tie-break: too many ways undrawn lots could fall to explore them all. */
  | { ok: false; code: 'count-needs-tie-break'; runs: number };

export type Refusal = PolicyRefusal | ServiceRefusal;
export type RefusalCode = Refusal['code'];

/**
 * A refusal thrown: out of a transaction it must roll back, or out of a count that
 * cannot go on. The HTTP error handler answers it like a returned one.
 */
export class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(`refused: ${refusal.code}`);
    this.name = 'Refused';
  }
}
