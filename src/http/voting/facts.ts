// What the election pages need to know about one signed-in user and one election,
// gathered in one place so every page and route asks the policies the same way.
import type { VoterStatus } from '../../app/ballotService.js';
import { phaseAt, type Phase } from '../../core/election/phase.js';
import type { Election, ElectionEntry } from '../../core/meta/types.js';
import {
  canRequestException, canRevoke, canSeePublishedResults, canViewBallot, canVote, isEligible, isOfficer, type Decision,
} from '../../policies/election.js';
import type { ExceptionRequest } from '../../storage/requests.js';
import type { SessionUser } from '../../views/page.js';
import type { AppContext } from '../context.js';
import { HttpError, notFound } from '../errors.js';

export interface ElectionFacts {
  phase: Phase;
  now: Date;
  eligible: boolean;
  officer: boolean;
  status: VoterStatus;
  request: ExceptionRequest | null;
  vote: Decision;
  revoke: Decision;
  view: Decision;
  exception: Decision;
  results: Decision;
}

/** Election keys are folder names joined by `---`; anything else is not worth a lookup. */
const KEY_SHAPE = /^[A-Za-z0-9._-]{1,200}$/;

export function findEntry(ctx: AppContext, key: string, list = '/app/elections'): ElectionEntry {
  const entry = KEY_SHAPE.test(key) ? ctx.catalogue.current().entries.get(key) : undefined;
  if (entry === undefined) throw notFound('election', ['See all elections', list]);
  return entry;
}

export type UsableEntry = ElectionEntry & { ok: true };

/** An election whose files do not parse is unavailable to voters (SPEC §1). */
export function usableEntry(entry: ElectionEntry): UsableEntry {
  if (entry.ok) return entry;
  throw new HttpError(503, 'This election is unavailable', 'Its files in the meta repository have errors, so it cannot be shown or voted in right now. The election officers have been shown what to fix; please try again later.', ['See all elections', '/app/elections']);
}

export function usable(entry: ElectionEntry): Election {
  return usableEntry(entry).election;
}

export async function electionFacts(ctx: AppContext, user: SessionUser, entry: UsableEntry): Promise<ElectionFacts> {
  const election = entry.election;
  const now = ctx.clock();
  const [status, request] = await Promise.all([
    ctx.ballots.status(user, election.key),
    ctx.store.requests.findByUserAndElectionKey(user.id, election.key),
  ]);
  const who = { login: user.login, hasVoted: status.voted, loginTaken: status.loginTaken };
  return {
    phase: phaseAt(election, now),
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
  };
}

/** Turns a policy refusal into the error page it deserves. */
export function refuse(decision: Decision, next?: [string, string]): void {
  if (decision.ok) return;
  const titles: Record<number, string> = { 400: 'Something is wrong with that request', 403: 'Not allowed', 404: 'Not found', 409: 'Not possible right now', 410: 'No longer available' };
  throw new HttpError(decision.status, titles[decision.status] ?? 'Not allowed', decision.reason, next);
}
