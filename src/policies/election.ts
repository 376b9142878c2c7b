// Who may do what with an election, and when. Pure predicates over (actor,
// election, facts, now): no I/O, so every rule is tested with a table of cases and
// every use-case and route asks the same question the same way. A refusal is a
// reason code with the facts its explanation needs; the words and the HTTP status
// are chosen at the edge (src/http/answers.ts), the one place a translation plugs in.
import { phaseAt } from '../core/election/phase.js';
import { normalizeLogin, type Election, type ElectionEntry } from '../core/meta/types.js';

/** Why a policy says no. */
export type PolicyRefusal =
  /** Before the window. `opensAt` is absent where the time does not matter (revoking). */
  | { ok: false; code: 'not-started'; opensAt?: Date }
  | { ok: false; code: 'voting-closed'; closedAt: Date }
  | { ok: false; code: 'not-eligible'; login: string }
  /** `hasPassphrase` false: cast without one, so it can never be changed. */
  | { ok: false; code: 'already-voted'; hasPassphrase?: boolean }
  /** Another GitHub account already cast a ballot under this login (see VoterFacts.loginTaken). */
  | { ok: false; code: 'login-taken'; login: string }
  | { ok: false; code: 'nothing-to-revoke' }
  | { ok: false; code: 'revoke-closed'; closedAt: Date }
  | { ok: false; code: 'not-voted' }
  | { ok: false; code: 'links-erased' }
  | { ok: false; code: 'already-eligible' }
  | { ok: false; code: 'already-requested' }
  | { ok: false; code: 'exceptions-closed'; closedAt: Date }
  | { ok: false; code: 'election-over' }
  | { ok: false; code: 'results-not-yet'; closesAt: Date }
  | { ok: false; code: 'no-published-results' }
  | { ok: false; code: 'not-officer' }
  | { ok: false; code: 'election-broken' }
  | { ok: false; code: 'count-not-yet'; closesAt: Date };

export type Decision = { ok: true } | PolicyRefusal;

/** A decision that can only end in the refusals `C`. */
type DecisionOf<C extends PolicyRefusal['code']> = { ok: true } | Extract<PolicyRefusal, { code: C }>;

export type VoteDecision = DecisionOf<'not-started' | 'voting-closed' | 'not-eligible' | 'already-voted' | 'login-taken'>;
export type RevokeDecision = DecisionOf<'nothing-to-revoke' | 'revoke-closed' | 'not-started'>;
export type ViewDecision = DecisionOf<'not-voted' | 'links-erased'>;
export type ExceptionDecision = DecisionOf<'already-eligible' | 'already-requested' | 'exceptions-closed' | 'election-over'>;

const allow = { ok: true } as const;

export function isEligible(election: Election, login: string): boolean {
  return election.voterSet.has(normalizeLogin(login));
}

/** Officers of this election only (other elections' officers are nobody here). */
export function isOfficer(entry: ElectionEntry, login: string): boolean {
  const set = entry.ok ? entry.election.officerSet : entry.officerSet;
  return set.has(normalizeLogin(login));
}

export interface VoterFacts {
  login: string;
  hasVoted: boolean;
  /**
   * Another GitHub account already cast a ballot under this login in this election (it
   * held the login then, and has been renamed since): one ballot per login.
   */
  loginTaken?: boolean;
}

export function canVote(election: Election, who: VoterFacts, now: Date): VoteDecision {
  const phase = phaseAt(election, now);
  if (phase === 'upcoming') return { ok: false, code: 'not-started', opensAt: election.startDatetime };
  if (phase === 'completed') return { ok: false, code: 'voting-closed', closedAt: election.endDatetime };
  if (!isEligible(election, who.login)) return { ok: false, code: 'not-eligible', login: who.login };
  if (who.hasVoted) return { ok: false, code: 'already-voted' };
  if (who.loginTaken === true) return { ok: false, code: 'login-taken', login: who.login };
  return allow;
}

/** Revoking (to vote again) is a write: only while the election is running. */
export function canRevoke(election: Election, who: VoterFacts, now: Date): RevokeDecision {
  const phase = phaseAt(election, now);
  if (!who.hasVoted) return { ok: false, code: 'nothing-to-revoke' };
  if (phase === 'completed') return { ok: false, code: 'revoke-closed', closedAt: election.endDatetime };
  if (phase === 'upcoming') return { ok: false, code: 'not-started' };
  return allow;
}

/** Viewing one's own ballot with the passphrase: any time after voting, until links are erased. */
export function canViewBallot(election: Election, who: VoterFacts & { linksErased: boolean }, now: Date): ViewDecision {
  if (!who.hasVoted) return { ok: false, code: 'not-voted' };
  if (who.linksErased || (election.deleteAfter && phaseAt(election, now) === 'completed')) return { ok: false, code: 'links-erased' };
  return allow;
}

export interface RequesterFacts {
  login: string;
  hasRequested: boolean;
}

export function canRequestException(election: Election, who: RequesterFacts, now: Date): ExceptionDecision {
  if (isEligible(election, who.login)) return { ok: false, code: 'already-eligible' };
  if (who.hasRequested) return { ok: false, code: 'already-requested' };
  if (now.getTime() >= election.exceptionDue.getTime()) return { ok: false, code: 'exceptions-closed', closedAt: election.exceptionDue };
  if (phaseAt(election, now) === 'completed') return { ok: false, code: 'election-over' };
  return allow;
}

/** The published results page (results.md) for any signed-in user, once completed. */
export function canSeePublishedResults(election: Election, now: Date): Decision {
  if (phaseAt(election, now) !== 'completed') return { ok: false, code: 'results-not-yet', closesAt: election.endDatetime };
  if (election.resultsHtml === null) return { ok: false, code: 'no-published-results' };
  return allow;
}

export function canUseOfficerArea(entry: ElectionEntry, login: string): Decision {
  return isOfficer(entry, login) ? allow : { ok: false, code: 'not-officer' };
}

/** The computed count and the ballot download: officers, and only once voting is over. */
export function canSeeCount(entry: ElectionEntry, login: string, now: Date): Decision {
  const officer = canUseOfficerArea(entry, login);
  if (!officer.ok) return officer;
  if (!entry.ok) return { ok: false, code: 'election-broken' };
  if (phaseAt(entry.election, now) !== 'completed') return { ok: false, code: 'count-not-yet', closesAt: entry.election.endDatetime };
  return allow;
}
