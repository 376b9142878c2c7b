// What the election pages need to know about one signed-in user and one election,
// gathered in one place so every page and route asks the policies the same way.
import { phaseAt, type Phase } from '../core/election/phase.js';
import type { ElectionEntry } from '../core/meta/types.js';
import {
  canRequestException,
  canRevoke,
  canSeePublishedResults,
  canViewBallot,
  canVote,
  isEligible,
  isOfficer,
  type Decision,
  type ExceptionDecision,
  type RevokeDecision,
  type ViewDecision,
  type VoteDecision,
} from '../policies/election.js';
import type { ExceptionRequest } from '../core/records.js';
import type { BallotService, Voter, VoterStatus } from './ballots/types.js';
import type { Clock, Store } from './ports.js';

export interface ElectionFacts {
  phase: Phase;
  now: Date;
  eligible: boolean;
  officer: boolean;
  status: VoterStatus;
  request: ExceptionRequest | null;
  vote: VoteDecision;
  revoke: RevokeDecision;
  view: ViewDecision;
  exception: ExceptionDecision;
  results: Decision;
  /** When the officers published the computed result and the ballots (issue 15), or null. */
  publishedAt: Date | null;
}

export interface FactsPorts {
  store: Store;
  ballots: Pick<BallotService, 'status'>;
  clock: Clock;
}

export async function electionFacts(ports: FactsPorts, user: Voter, entry: ElectionEntry & { ok: true }): Promise<ElectionFacts> {
  const election = entry.election;
  const now = ports.clock();
  const phase = phaseAt(election, now);
  const [status, request, publishedAt] = await Promise.all([
    ports.ballots.status(user, election.key),
    ports.store.requests.findByUserAndElectionKey(user.id, election.key),
    // Results are published only after the close: the two queries are not asked on the
    // busy pages of a running election.
    phase === 'completed' ? publicationTime(ports.store, election.key) : null,
  ]);
  const who = { login: user.login, hasVoted: status.voted, loginTaken: status.loginTaken };
  return {
    phase,
    now,
    eligible: isEligible(election, user.login),
    officer: isOfficer(entry, user.login),
    status,
    request,
    vote: canVote(election, who, now),
    revoke: canRevoke(election, who, now),
    view: canViewBallot(election, { ...who, linksErased: status.linksErased }, now),
    exception: canRequestException(election, { login: user.login, hasRequested: request !== null }, now),
    results: canSeePublishedResults(election, now),
    publishedAt,
  };
}

/** When the election's computed result was published, or null. */
export async function publicationTime(store: Store, key: string): Promise<Date | null> {
  const row = await store.elections.findByKey(key);
  if (row === null) return null;
  return (await store.publications.find(row.id))?.publishedAt ?? null;
}
