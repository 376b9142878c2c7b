// The election officers' pages for docs/officers.md, run by `npm run screenshots`
// (test/browser/screenshots.ts). A server of their own, so the voters' screenshots do
// not change its turnout: the officer pages read turnout and count from the stored
// ballots. The steering election of fixtures.ts,
// with a longer voter list so the turnout, the chart and the count look like a real
// election's: ballots are cast day by day through app.service.ctx.ballots, the
// overview is taken at NOW (voting open), then the rest are cast and the clock moves
// past the close for the results.
import type { Browser, Page } from 'playwright-core';
import { decideException } from '../../src/app/officer/reviewException.js';
import { syncMeta } from '../../src/app/syncMeta.js';
import { normalizeLogin, type Election } from '../../src/core/meta/types.js';
import type { SessionUser } from '../../src/views/page.js';
import { signInWithGitHub, startBrowserApp, type BrowserApp } from '../helpers/browser.js';
import { entryOf, snapshotOf } from '../helpers/meta.js';
import { NOW, steering } from './fixtures.js';

const day = 86_400_000;
const hour = 3_600_000;

// The five voters of fixtures.ts first, then 35 more: 40 on the list. The last,
// gwen-docs, was added after her exception request was approved (the second sync).
const voters = [
  ...steering.voters,
  'farid',
  'grace-h',
  'hiro',
  'ines',
  'jmartin',
  'kofi',
  'lena',
  'mateo',
  'nadia',
  'oskar',
  'priya',
  'quentin',
  'rosa',
  'sam-k',
  'tomasz',
  'uma',
  'victor',
  'wen',
  'xavier',
  'yara',
  'zoe',
  'amir',
  'beatriz',
  'chidi',
  'dmitri',
  'elif',
  'fatima',
  'gabriel',
  'hannah',
  'igor',
  'jana',
  'kenji',
  'lucia',
  'marek',
  'gwen-docs',
];

const election: Election = { ...steering, voters, voterSet: new Set(voters.map(normalizeLogin)) };
const ADMIN = `/app/elections/${election.key}/admin`;

type Ranks = Partial<Record<'ada' | 'bruno' | 'chen' | 'dana' | 'emil', string>>;

// Kinds of ballot and how many of each (34 in all): Ada, Chen and Dana take the
// three seats, with margins from narrow to clear, so the matrix shows its shades.
const kinds: Array<[number, Ranks]> = [
  [8, { ada: '1', chen: '2', bruno: '3', dana: '4', emil: '5' }],
  [6, { chen: '1', ada: '2', dana: '3', bruno: '4' }],
  [5, { bruno: '1', ada: '2', emil: '3', chen: '4', dana: '5' }],
  [5, { dana: '1', chen: '2', bruno: '3', ada: '4' }],
  [3, { ada: '1', bruno: '1', chen: '2' }],
  [3, { emil: '1', dana: '2', bruno: '3' }],
  [3, { chen: '1', bruno: '2' }],
  [1, {}],
];

/** The ballots in a fixed, mixed order (a stride through the list), so each day gets a spread of kinds. */
function ballots(): Ranks[] {
  const all = kinds.flatMap(([n, ranks]) => Array.from({ length: n }, () => ranks));
  return all.map((_, i) => all[(i * 11) % all.length] ?? {});
}

// Ballots cast on each day from the opening: a rush after the announcement, a lull,
// a reminder on day 5, and the last-minute voters before the close (day 14).
const beforeNow = [9, 5, 2, 1, 0, 5];
const afterNow = [1, 2, 0, 1, 0, 1, 0, 2, 5];

export async function officerScreenshots(browser: Browser, shoot: (page: Page, name: string) => Promise<void>): Promise<void> {
  const app = await startBrowserApp({ snapshot: snapshotOf([entryOf(election)], 'e58a3b2', NOW), now: NOW });
  try {
    // The syncs the officer area lists: the election arriving, then the merge adding gwen-docs.
    await sync(app, '9d41c07', new Date(election.startDatetime.getTime() - 2 * day));
    const queue = ballots();
    const users = new Map<string, SessionUser>();
    let next = 0;
    const castOn = async (dayIndex: number, count: number, until: Date): Promise<void> => {
      // Spread over the day's waking hours (UTC), within the window and before `until`.
      const midnight = Date.parse(`${election.startDatetime.toISOString().slice(0, 10)}T00:00:00Z`) + dayIndex * day;
      const from = Math.max(midnight + 6 * hour, election.startDatetime.getTime() + 10 * 60_000);
      const to = Math.min(midnight + 23 * hour, election.endDatetime.getTime() - 10 * 60_000, until.getTime() - 10 * 60_000);
      for (let i = 0; i < count; i++) {
        const login = voters[next];
        const ranks = queue[next];
        if (login === undefined || ranks === undefined) throw new Error('more ballots scheduled than voters');
        next++;
        const at = new Date(Math.round(from + ((i + 0.5) * (to - from)) / count));
        app.setNow(at);
        let user = users.get(login);
        if (user === undefined) {
          const row = await app.service.ctx.store.users.recordSignIn({ login, name: null, githubId: null, now: at });
          user = { id: row.id, login: row.login, name: row.name };
          users.set(login, user);
        }
        // The form sends every candidate: an empty rank is "No opinion".
        const fields = Object.fromEntries(election.candidates.map((c) => [`candidate@${c.id}`, ranks[c.id as keyof Ranks] ?? '']));
        const outcome = await app.service.ctx.ballots.cast({
          user,
          electionKey: election.key,
          fields,
          passphrase: '',
          confirmAbstention: true,
        });
        if (!outcome.ok) throw new Error(`casting for ${login}: ${JSON.stringify(outcome)}`);
      }
    };
    for (const [i, n] of beforeNow.entries()) await castOn(i, n, NOW);
    app.setNow(NOW);

    const requests = await exceptionRequests(app);
    await sync(app, 'e58a3b2', new Date(NOW.getTime() - 2 * day + 3 * hour));
    const context = await browser.newContext({
      viewport: { width: 1200, height: 900 },
      deviceScaleFactor: 1,
      locale: 'en-GB',
      timezoneId: 'Europe/Berlin',
    });
    const page = await context.newPage();
    await signInWithGitHub(page, app, { login: 'olivia', id: 9001, name: 'Olivia Officer' }, `${ADMIN}/`);
    await shoot(page, 'officer-overview');

    await page.goto(`${app.url}${ADMIN}/exception/${requests.frank}`);
    await page.getByLabel('Approve: we will add this login to voters.yaml').check();
    await page
      .getByLabel('Note to the requester (optional)')
      .fill('Thank you, Frank: the summit and your mentoring count. We are adding you to voters.yaml today.');
    // Out of the text box: its focus ring is not part of the page, and the picture stays the same run to run.
    await page.locator('#note').blur();
    await shoot(page, 'officer-exception');
    await page.getByRole('button', { name: 'Record the decision' }).click();
    await page.waitForURL(`**${ADMIN}/exception/${requests.frank}`);
    await shoot(page, 'officer-exception-approved');
    await context.close();

    for (const [i, n] of afterNow.entries()) await castOn(beforeNow.length + i, n, election.endDatetime);
    app.setNow(new Date(election.endDatetime.getTime() + 2 * hour));
    // A new sign-in: nine days on, the officer's first session may have run out.
    const later = await browser.newContext({
      viewport: { width: 1200, height: 900 },
      deviceScaleFactor: 1,
      locale: 'en-GB',
      timezoneId: 'Europe/Berlin',
    });
    const page2 = await later.newPage();
    await signInWithGitHub(page2, app, { login: 'olivia', id: 9001, name: 'Olivia Officer' }, `${ADMIN}/results`);
    await shoot(page2, 'officer-results');
    await later.close();
  } finally {
    await app.close();
  }
}

/** A sync of the meta repository as the server runs it, at `at`, reading `revision`. */
async function sync(app: BrowserApp, revision: string, at: Date): Promise<void> {
  const quiet = { info: () => undefined, error: () => undefined };
  await syncMeta({ store: app.service.ctx.store, log: quiet, now: at }, snapshotOf([entryOf(election)], revision, at));
}

/** Four requests sent before NOW: one approved and one denied a day ago, two pending (Frank's is the one the voter screenshots send). */
async function exceptionRequests(app: BrowserApp): Promise<{ frank: number }> {
  const store = app.service.ctx.store;
  const electionId = await store.elections.ensure(election.key, election.name, NOW);
  const request = async (login: string, name: string, description: string, comments: string, at: Date) => {
    const user = await store.users.recordSignIn({ login, name, githubId: null, now: at });
    const made = await store.requests.create({
      userId: user.id,
      electionId,
      name,
      email: `${login}@example.org`,
      chat: `@${login}`,
      description,
      comments,
      now: at,
    });
    if (!made.ok) throw new Error(`request from ${login}: ${made.reason}`);
    return made.request;
  };
  const gwen = await request(
    'gwen-docs',
    'Gwen Harper',
    'I rewrote the installation guide and review most documentation pull requests.',
    "My commits are squashed under the maintainers' names.",
    new Date(NOW.getTime() - 4 * day + 5 * hour),
  );
  const hugo = await request(
    'hugo',
    'Hugo Lambert',
    'I use the project at work and follow the mailing list.',
    '',
    new Date(NOW.getTime() - 3 * day + 2 * hour),
  );
  const frank = await request(
    'frank',
    'Frank Outsider',
    'I organised the 2025 contributor summit and mentor three newcomers.',
    '',
    new Date(NOW.getTime() - 1 * day - 3 * hour),
  );
  await request(
    'ivy-m',
    'Ivy Mensah',
    'I translated the website into French and Twi.',
    'Most of it went through Weblate, so GitHub does not count it.',
    new Date(NOW.getTime() - 5 * hour),
  );
  const decide = async (r: typeof gwen, decision: 'approved' | 'denied', note: string, at: Date) => {
    const done = await decideException(store, {
      electionKey: election.key,
      electionId,
      request: r,
      decision,
      note,
      officer: 'olivia',
      now: at,
    });
    if (!done) throw new Error(`deciding request ${r.id}`);
  };
  await decide(gwen, 'approved', 'Thanks for all the reviews. Pull request #412 adds you.', new Date(NOW.getTime() - 2 * day));
  await decide(
    hugo,
    'denied',
    'This election is for contributors; we hope to see your first pull request soon.',
    new Date(NOW.getTime() - 2 * day + 20 * 60_000),
  );
  return { frank: frank.id };
}
