// Errors a route can raise on purpose, each with the status and the words a person
// needs: the edge's own (no such page, sign in first), and refusals of the policies
// and use-cases, worded by the table in answers.ts. Unexpected errors become a 500
// page without details (unless APP_DEBUG); a database that is away becomes a 503
// "temporarily unavailable" page.
import type { Refusal } from '../app/refusals.js';
import { dbFault, type DbFault } from '../storage/errors.js';
import { answerTo } from './answers.js';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly title: string,
    message: string,
    readonly next?: [string, string],
    /** Sent as Retry-After (429, 503). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** The error page for a refusal; `title` replaces the table's where the page says what was attempted. */
export function refusalError(refusal: Refusal, options: { title?: string; next?: [string, string] } = {}): HttpError {
  const answer = answerTo(refusal);
  return new HttpError(answer.status, options.title ?? answer.title, answer.message, options.next, answer.retryAfterSeconds);
}

export const notFound = (what = 'page', next?: [string, string]) =>
  new HttpError(404, 'Not found', `There is no such ${what}. Check the address, or start again from the list of elections.`, next);

export const badRequest = (message: string, next?: [string, string]) =>
  new HttpError(400, 'Something is wrong with that request', message, next);

/** The answer to a database that is away, too slow or out of space: 503 with Retry-After. */
export interface UnavailableAnswer {
  status: 503;
  title: string;
  message: string;
  retryAfterSeconds: number;
  fault: DbFault;
}

const CHECK_YOUR_VOTE = 'If you were casting a ballot, open the election page first: it says whether your vote was recorded.';

export function unavailableAnswer(error: unknown): UnavailableAnswer | null {
  const fault = dbFault(error);
  if (fault === null) return null;
  if (fault === 'disk-full' || fault === 'read-only') {
    return {
      status: 503,
      title: 'Temporarily unavailable',
      message: `The server cannot store anything right now: its database has no room left or refuses writes, which its operators have to fix. Nothing you did caused this. Please try again later. ${CHECK_YOUR_VOTE}`,
      retryAfterSeconds: 120,
      fault,
    };
  }
  return {
    status: 503,
    title: 'Temporarily unavailable',
    message: `The election database is not answering right now. Nothing you did caused this, and nothing stored is lost. Please try again in a minute. ${CHECK_YOUR_VOTE}`,
    retryAfterSeconds: 30,
    fault,
  };
}
