// The one table from a refusal's code to what the person is told: the HTTP status, a
// title and the words (with the facts the refusal carries). Policies and use-cases
// never choose a status or a sentence; routes, the error handler, the pages and the
// command line all come here, so one refusal reads the same wherever it surfaces, and
// a translation has one place to plug in.
import type { Refusal, RefusalCode } from '../app/refusals.js';
import { utcText } from '../views/format.js';

export interface Answer {
  status: number;
  title: string;
  message: string;
  /** For 429 and 503: when trying again makes sense (the Retry-After header). */
  retryAfterSeconds?: number;
}

/** Default titles by status, for refusals without one of their own. */
const TITLES: Record<number, string> = {
  400: 'Something is wrong with that request',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Not possible right now',
  410: 'No longer available',
  429: 'Too many attempts',
  503: 'Temporarily unavailable',
};

/** Moments in the one format of the pages, which find and localise them (views/format.ts). */
const utc = (date: Date): string => utcText(date);

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const minutesUntil = (seconds: number) => plural(Math.ceil(seconds / 60), 'minute');

type Words<C extends RefusalCode> = (refusal: Extract<Refusal, { code: C }>) => { status: number; message: string; title?: string };

const NO_PASSPHRASE =
  'You voted without a passphrase, so your ballot is not linked to you in any way: nobody can open or revoke it, including you.';

const TABLE: { [C in RefusalCode]: Words<C> } = {
  // --- the policies (src/policies/election.ts) ---
  'not-started': (r) => ({
    status: 403,
    message: r.opensAt === undefined ? 'Voting has not started yet.' : `Voting has not started yet. It opens on ${utc(r.opensAt)}.`,
  }),
  'voting-closed': (r) => ({ status: 403, message: `Voting closed on ${utc(r.closedAt)}. Ballots can no longer be cast or changed.` }),
  'not-eligible': (r) => ({ status: 403, message: `${r.login} is not on the list of eligible voters for this election.` }),
  'already-voted': (r) => ({
    status: 409,
    message:
      r.hasPassphrase === false
        ? 'You have already voted in this election. You voted without a passphrase, so your ballot cannot be changed.'
        : 'You have already voted in this election. To change your ballot, revoke it with your passphrase first.',
  }),
  'login-taken': (r) => ({
    status: 409,
    message:
      `A ballot has already been cast in this election under the login ${r.login}, by another GitHub account that held this login before it was renamed. ` +
      'One ballot counts per eligible login, so this account cannot vote here. If you think this is a mistake, contact the election officers.',
  }),
  'nothing-to-revoke': () => ({ status: 409, message: 'You have not voted in this election, so there is no ballot to revoke.' }),
  'revoke-closed': (r) => ({ status: 403, message: `Voting closed on ${utc(r.closedAt)}: ballots can no longer be revoked.` }),
  'not-voted': () => ({ status: 409, message: 'You have not voted in this election.' }),
  'links-erased': () => ({
    status: 410,
    message:
      'This election is over and, as its officers decided (delete_after), the links between voters and ballots have been erased. Nobody can look up your ballot any more, including you.',
  }),
  'already-eligible': () => ({ status: 409, message: 'You are already an eligible voter in this election: no exception is needed.' }),
  'already-requested': () => ({
    status: 409,
    message: 'You have already sent an exception request for this election. Its status is shown on your request page.',
  }),
  'exceptions-closed': (r) => ({ status: 403, message: `Exception requests closed on ${utc(r.closedAt)}.` }),
  'election-over': () => ({ status: 403, message: 'This election is over.' }),
  'results-not-yet': (r) => ({ status: 403, message: `Results are published after voting closes on ${utc(r.closesAt)}.` }),
  'no-published-results': () => ({ status: 404, message: 'The officers have not published results for this election yet.' }),
  'not-officer': () => ({ status: 403, message: 'Only the election officers of this election can open this page.' }),
  'election-broken': () => ({ status: 409, message: 'This election has errors in its meta files; fix them before counting.' }),
  'count-not-yet': (r) => ({ status: 403, message: `The count is available once voting closes on ${utc(r.closesAt)}.` }),

  // --- the ballot use-cases (src/app/ballots/) ---
  'no-such-election': (r) => ({ status: 404, message: `There is no election “${r.key.slice(0, 200)}”.` }),
  'election-unavailable': () => ({
    status: 409,
    message: 'This election is unavailable: its files in the meta repository have errors. Please try again later.',
  }),
  'election-changed': () => ({
    status: 409,
    message:
      'This election changed while your vote was being recorded (its candidates or rules were updated). Nothing was stored: reload the ballot and vote again.',
  }),
  'no-passphrase': () => ({ status: 409, message: NO_PASSPHRASE }),
  'passphrase-missing': () => ({ status: 403, message: 'Enter the passphrase you chose when you voted. Nothing was changed.' }),
  'wrong-passphrase': (r) => ({
    status: 403,
    message: `That passphrase does not open your ballot. Nothing was changed. You have ${r.attemptsLeft} of ${r.max} attempts left in any ${r.windowMinutes} minutes.`,
  }),
  'link-damaged': () => ({
    status: 409,
    message: 'The link to your ballot is damaged and cannot be opened. Nothing was changed. Please tell the election officers.',
  }),
  'ballot-missing': () => ({
    status: 409,
    message: 'Your passphrase is right, but no ballot was found for it. Nothing was changed. Please tell the election officers.',
  }),
  'already-revoked': () => ({ status: 409, message: 'This ballot has already been revoked.' }),
  busy: (r) => ({
    status: 503,
    message:
      'Many voters are using their passphrases right now, and the server could not start on yours in time. ' +
      `${r.action === 'cast' ? 'Nothing was cast: your ballot is not recorded yet.' : 'Nothing was opened or changed.'} Please try again in a minute.`,
  }),
  'too-many-attempts': (r) => ({
    status: 429,
    message: `Too many passphrase attempts: at most ${r.max} are allowed in any ${r.windowMinutes} minutes for this election. Nothing was changed. Try again in ${minutesUntil(r.retryAfterSeconds)}.`,
  }),
  'too-many-derivations': (r) => ({
    status: 429,
    message: `Your passphrase has been used ${r.max} times in the last ${r.windowMinutes} minutes for this election, which is as often as it can be. Nothing was changed. Try again in ${minutesUntil(r.retryAfterSeconds)}.`,
  }),
  'invalid-ballot': (r) => ({
    status: 400,
    message: r.passphraseOnly ? (r.fieldErrors.password ?? 'The passphrase needs fixing.') : 'Some choices on your ballot need fixing.',
  }),
  'abstention-unconfirmed': () => ({
    status: 400,
    message:
      'This ballot prefers no candidate to another, so it would count as an abstention. Confirm that you want to abstain, or rank the candidates.',
  }),

  // --- the officers' count (src/app/officer/) ---
  'unknown-candidates': (r) => {
    const one = r.ids.length === 1;
    return {
      status: 409,
      title: r.action === 'count' ? 'The ballots cannot be counted yet' : 'The ballots cannot be exported yet',
      message:
        `Stored ballots rank ${one ? 'a candidate' : 'candidates'} this election no longer lists: ${r.ids.join(', ')}. ` +
        `Restore ${one ? 'its' : 'their'} candidate file${one ? '' : 's'} (candidate-<ID>.md) in the meta repository, then count again.`,
    };
  },
  'count-busy': () => ({
    status: 503,
    title: 'The count is not available right now',
    message: 'Other counts are in progress on this server. Try again in a minute.',
  }),
  'count-timeout': (r) => ({
    status: 503,
    title: 'The count is not available right now',
    message: `The count took longer than ${r.seconds} seconds and was stopped.`,
  }),
  'count-needs-tie-break': (r) => ({
    status: 409,
    title: 'The ballots cannot be counted without a tie-break',
    message: `The result depends on more than ${r.runs} ways ties could be settled by lot, too many to explore. Declare a tie-break in election.yaml (tie_break: {method: seeded-hash, seed: "…"}), or break the ties by your own rules from the ballots CSV.`,
  }),
};

/** What the person is told about a refusal. */
export function answerTo(refusal: Refusal): Answer {
  const words = TABLE[refusal.code](refusal as never);
  const answer: Answer = { status: words.status, title: words.title ?? TITLES[words.status] ?? 'Not allowed', message: words.message };
  if ('retryAfterSeconds' in refusal) answer.retryAfterSeconds = refusal.retryAfterSeconds;
  return answer;
}

/** Only the words, for a page that explains a refusal in passing. */
export function explain(refusal: Refusal): string {
  return answerTo(refusal).message;
}
