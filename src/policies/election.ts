// Who may do what with an election, and when. Pure predicates over (actor,
// election, facts, now): no I/O, so every rule is tested with a table of cases and
// every use-case and route asks the same question the same way. A refusal carries
// the HTTP status and a sentence a person understands.
import { phaseAt } from '../core/election/phase.js';
import { normalizeLogin, type Election, type ElectionEntry } from '../core/meta/types.js';

export type Decision = { ok: true } | { ok: false; status: 400 | 403 | 404 | 409 | 410; reason: string };

const allow: Decision = { ok: true };
const deny = (status: 400 | 403 | 404 | 409 | 410, reason: string): Decision => ({ ok: false, status, reason });

function utc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

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

export function loginTakenReason(login: string): string {
  return `A ballot has already been cast in this election under the login ${login}, by another GitHub account that held this login before it was renamed. ` +
    'One ballot counts per eligible login, so this account cannot vote here. If you think this is a mistake, contact the election officers.';
}

export function canVote(election: Election, who: VoterFacts, now: Date): Decision {
  const phase = phaseAt(election, now);
  if (phase === 'upcoming') return deny(403, `Voting has not started yet. It opens at ${utc(election.startDatetime)}.`);
  if (phase === 'completed') return deny(403, `Voting closed at ${utc(election.endDatetime)}. Ballots can no longer be cast or changed.`);
  if (!isEligible(election, who.login)) return deny(403, `${who.login} is not on the list of eligible voters for this election.`);
  if (who.hasVoted) return deny(409, 'You have already voted in this election. To change your ballot, revoke it with your passphrase first.');
  if (who.loginTaken === true) return deny(409, loginTakenReason(who.login));
  return allow;
}

/** Revoking (to vote again) is a write: only while the election is running. */
export function canRevoke(election: Election, who: VoterFacts, now: Date): Decision {
  const phase = phaseAt(election, now);
  if (!who.hasVoted) return deny(409, 'You have not voted in this election, so there is no ballot to revoke.');
  if (phase !== 'running') return deny(403, phase === 'completed' ? `Voting closed at ${utc(election.endDatetime)}: ballots can no longer be revoked.` : 'Voting has not started yet.');
  return allow;
}

/** Viewing one's own ballot with the passphrase: any time after voting, until links are erased. */
export function canViewBallot(election: Election, who: VoterFacts & { linksErased: boolean }, now: Date): Decision {
  if (!who.hasVoted) return deny(409, 'You have not voted in this election.');
  if (who.linksErased || (election.deleteAfter && phaseAt(election, now) === 'completed')) {
    return deny(410, 'This election is over and, as its officers decided (delete_after), the links between voters and ballots have been erased. Nobody can look up your ballot any more, including you.');
  }
  return allow;
}

export interface RequesterFacts {
  login: string;
  hasRequested: boolean;
}

export function canRequestException(election: Election, who: RequesterFacts, now: Date): Decision {
  if (isEligible(election, who.login)) return deny(409, 'You are already an eligible voter in this election: no exception is needed.');
  if (who.hasRequested) return deny(409, 'You have already sent an exception request for this election. Its status is shown on your request page.');
  if (now.getTime() >= election.exceptionDue.getTime()) return deny(403, `Exception requests closed at ${utc(election.exceptionDue)}.`);
  if (phaseAt(election, now) === 'completed') return deny(403, 'This election is over.');
  return allow;
}

/** The published results page (results.md) for any signed-in user, once completed. */
export function canSeePublishedResults(election: Election, now: Date): Decision {
  if (phaseAt(election, now) !== 'completed') return deny(403, `Results are published after voting closes at ${utc(election.endDatetime)}.`);
  if (election.resultsHtml === null) return deny(404, 'The officers have not published results for this election yet.');
  return allow;
}

export function canUseOfficerArea(entry: ElectionEntry, login: string): Decision {
  return isOfficer(entry, login) ? allow : deny(403, 'Only the election officers of this election can open this page.');
}

/** The computed count and the ballot download: officers, and only once voting is over. */
export function canSeeCount(entry: ElectionEntry, login: string, now: Date): Decision {
  const officer = canUseOfficerArea(entry, login);
  if (!officer.ok) return officer;
  if (!entry.ok) return deny(409, 'This election has errors in its meta files; fix them before counting.');
  if (phaseAt(entry.election, now) !== 'completed') return deny(403, `The count is available once voting closes at ${utc(entry.election.endDatetime)}.`);
  return allow;
}
