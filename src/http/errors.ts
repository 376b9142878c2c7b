// Errors a route can raise on purpose, each with the status and the words a person
// needs. Unexpected errors become a 500 page without details (unless APP_DEBUG).
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly title: string,
    message: string,
    readonly next?: [string, string],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const notFound = (what = 'page', next?: [string, string]) =>
  new HttpError(404, 'Not found', `There is no such ${what}. Check the address, or start again from the list of elections.`, next);

export const forbidden = (message: string, next?: [string, string]) => new HttpError(403, 'Not allowed', message, next);

export const badRequest = (message: string, next?: [string, string]) => new HttpError(400, 'Something is wrong with that request', message, next);

export const conflict = (title: string, message: string, next?: [string, string]) => new HttpError(409, title, message, next);
