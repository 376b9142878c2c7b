// The officer's path in Chromium, as a new officer would try it: sign in through the
// (fake) GitHub, open the officer area from the dashboard, read turnout and who has
// not voted, approve one exception and deny another with notes (the requesters see
// them), then open the results of a closed election. axe-core runs on every officer
// page at desktop width and at 320 px; the stylesheet loads under the strict CSP;
// nothing is fetched from another origin.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ElectionEntry } from '../../src/core/meta/types.js';
import type { SessionUser } from '../../src/views/page.js';
import {
  axeViolations,
  browserSkipReason,
  describeViolations,
  foreignRequests,
  launchBrowser,
  recordRequests,
  signInWithGitHub,
  startBrowserApp,
  type BrowserApp,
} from '../helpers/browser.js';
import { snapshotOf, entryOf } from '../helpers/meta.js';
import { NOW, steering, toc } from './fixtures.js';
import { needTool } from '../helpers/tools.js';

const skip = needTool(browserSkipReason());
if (skip !== false) console.log(`# browser tests skipped: ${skip}`);

const day = 86_400_000;
const broken: ElectionEntry = {
  key: 'broken',
  dir: 'elections/broken',
  ok: false,
  name: 'Broken election',
  officerSet: new Set(['olivia']),
  problems: [{ file: 'elections/broken/election.yaml', line: 3, message: 'end_datetime must be a date and time', severity: 'error' }],
};
const STEERING = `/app/elections/${steering.key}/admin`;
const TOC = `/app/elections/${toc.key}/admin`;

describe('the officer path in Chromium', { skip }, () => {
  let app: BrowserApp;
  let browser: Browser;
  const consoleProblems: string[] = [];
  const cspProblems: string[] = [];
  const users = new Map<string, SessionUser>();

  async function cast(login: string, key: string, ranks: Record<string, string>, at: Date): Promise<void> {
    app.setNow(at);
    let user = users.get(login);
    if (user === undefined) {
      const row = await app.service.ctx.store.users.recordSignIn({ login, name: null, githubId: null, now: at });
      user = { id: row.id, login: row.login, name: row.name };
      users.set(login, user);
    }
    const fields = Object.fromEntries(Object.entries(ranks).map(([id, r]) => [`candidate@${id}`, r]));
    const outcome = await app.service.ctx.ballots.cast({ user, electionKey: key, fields, passphrase: '', confirmAbstention: true });
    assert.ok(outcome.ok, JSON.stringify(outcome));
  }

  before(async () => {
    app = await startBrowserApp({ snapshot: snapshotOf([entryOf(steering), entryOf(toc), broken], 'abc123', NOW), now: NOW });
    browser = await launchBrowser();
    await cast('Alice-Voter', steering.key, { ada: '1', bruno: '2', chen: '3', dana: '', emil: '' }, new Date(NOW.getTime() - 4 * day));
    await cast('bob', steering.key, { ada: '2', bruno: '1', chen: '3', dana: '4', emil: '5' }, new Date(NOW.getTime() - 2 * day));
    await cast(
      'carol',
      steering.key,
      { ada: '1', bruno: '1', chen: '2', dana: '', emil: '' },
      new Date(NOW.getTime() - 2 * day + 3_600_000),
    );
    // The closed election: Fay first; Gus and Hana level for the second seat.
    const during = new Date(toc.startDatetime.getTime() + day);
    await cast('Alice-Voter', toc.key, { fay: '1', gus: '2', hana: '3' }, during);
    await cast('bob', toc.key, { fay: '1', gus: '3', hana: '2' }, during);
    app.setNow(NOW);
  });
  after(async () => {
    await browser.close();
    await app.close();
  });

  async function newContext(): Promise<{ context: BrowserContext; page: Page; requests: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'en-GB', timezoneId: 'America/New_York' });
    context.setDefaultTimeout(10_000);
    const requests = recordRequests(context);
    context.on('response', (response) => {
      if (response.request().resourceType() !== 'document' || !response.url().startsWith(app.url)) return;
      const csp = response.headers()['content-security-policy'] ?? '';
      if (csp === '' || csp.includes('unsafe-inline')) cspProblems.push(`${response.url()}: ${csp}`);
    });
    const page = await context.newPage();
    page.on('console', (m) => {
      // The refused decision (400) is on purpose; the browser logs its status.
      if (m.type() === 'error' && !m.text().includes('status of 400')) consoleProblems.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => {
      consoleProblems.push(`${page.url()}: ${e.message}`);
    });
    return { context, page, requests };
  }

  /** axe at desktop width and at 320 px, and no sideways scrolling of the page at 320 px. */
  async function accessible(page: Page, label: string): Promise<void> {
    const desktop = await axeViolations(page);
    assert.equal(desktop.length, 0, `${label} (desktop):\n${describeViolations(desktop)}`);
    const size = page.viewportSize() ?? { width: 1200, height: 900 };
    await page.setViewportSize({ width: 320, height: 640 });
    const narrow = await axeViolations(page);
    assert.equal(narrow.length, 0, `${label} (320 px):\n${describeViolations(narrow)}`);
    const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
    assert.ok(width <= 320, `${label}: the page scrolls sideways at 320 px (${width} px wide)`);
    await page.setViewportSize(size);
  }

  test('turnout, who has not voted, and two exception requests decided with notes the requesters see', async () => {
    const store = app.service.ctx.store;
    const electionId = await store.elections.ensure(steering.key, steering.name, NOW);
    const request = async (login: string, name: string) => {
      const user = await store.users.recordSignIn({ login, name, githubId: null, now: NOW });
      const made = await store.requests.create({
        userId: user.id,
        electionId,
        name,
        email: `${login}@example.org`,
        chat: `@${login}`,
        description: `${name} mentors newcomers every week.`,
        comments: '',
        now: NOW,
      });
      assert.ok(made.ok);
      return made.request.id;
    };
    const mallory = await request('Mallory', 'Mallory Quinn');
    const trent = await request('trent', 'Trent Rowe');

    const { context, page, requests } = await newContext();
    await signInWithGitHub(page, app, { login: 'Olivia', id: 9001, name: 'Olivia Officer' }, '/app');
    await page.getByRole('link', { name: steering.name }).first().click();
    await page.goto(`${app.url}${STEERING}/`);
    assert.match((await page.textContent('.turnout-figure')) ?? '', /3 of 5 eligible voters have voted \(60%\)/);
    const chart = page.getByRole('img', { name: 'Votes per day (UTC)' });
    assert.equal(await chart.count(), 1);
    assert.equal(await page.locator('rect.chart-bar').count(), 2);
    // The bars take their colour from officer.css, loaded under the strict CSP.
    const fill = await page.locator('rect.chart-bar').first().evaluate('(el) => getComputedStyle(el).fill');
    assert.notEqual(fill, 'rgb(0, 0, 0)', 'the bar is coloured by officer.css');
    const waiting = await page.locator('details.voter-list').first().textContent();
    assert.match(waiting ?? '', /Not voted yet \(2\)/);
    assert.match(waiting ?? '', /dave/);
    await accessible(page, 'officer overview (running)');

    await page.getByRole('link', { name: /Mallory/ }).click();
    await page.waitForURL(`**${STEERING}/exception/${mallory}`);
    await accessible(page, 'exception review (pending)');
    // Submitting without a choice: the error summary, announced and linked to the field.
    await page.getByRole('button', { name: 'Record the decision' }).click();
    assert.match((await page.textContent('.error-summary')) ?? '', /Choose whether to approve or deny/);
    await accessible(page, 'exception review (error)');
    await page.getByLabel('Approve: we will add this login to voters.yaml').check();
    await page.getByLabel('Note to the requester (optional)').fill('Welcome! We are adding you today.');
    await page.getByRole('button', { name: 'Record the decision' }).click();
    await page.waitForURL(`**${STEERING}/exception/${mallory}`);
    assert.equal((await page.textContent('.yaml-line')) ?? '', '  - Mallory');
    await accessible(page, 'exception review (approved)');

    await page.goto(`${app.url}${STEERING}/exception/${trent}`);
    await page.getByLabel('Deny').check();
    await page.getByLabel('Note to the requester (optional)').fill('We could not find contributions this year.');
    await page.getByRole('button', { name: 'Record the decision' }).click();
    await page.waitForURL(`**${STEERING}/exception/${trent}`);
    assert.match((await page.textContent('main')) ?? '', /Denied/);

    await page.goto(`${app.url}${STEERING}/`);
    assert.match(
      (await page.textContent('#requests + *')) ?? (await page.textContent('main')) ?? '',
      /Approved[\s\S]*Denied|Denied[\s\S]*Approved/,
    );
    assert.match((await page.textContent('.audit')) ?? '', /Approved an exception request/);
    await accessible(page, 'officer overview (with decisions)');
    assert.deepEqual(
      foreignRequests(
        requests.filter((u) => !u.startsWith(`${app.github.url}/login/oauth/authorize`)),
        [app.url],
      ),
      [],
      'nothing but this server (and the GitHub sign-in page)',
    );
    await context.close();

    // The requesters see the decisions and the notes on their own request page.
    for (const [login, id, decision, note] of [
      ['Mallory', 9101, 'Approved', 'Welcome! We are adding you today.'],
      ['trent', 9102, 'Denied', 'We could not find contributions this year.'],
    ] as const) {
      const r = await newContext();
      await signInWithGitHub(r.page, app, { login, id, name: login }, `/app/elections/${steering.key}/exception`);
      const text = (await r.page.textContent('main')) ?? '';
      assert.match(text, new RegExp(decision));
      assert.ok(text.includes(note), `${login} sees the note`);
      // The same decision, with its note, on the dashboard and on the election page.
      for (const path of ['/app', `/app/elections/${steering.key}`]) {
        await r.page.goto(`${app.url}${path}`);
        const status = (await r.page.locator('.exception-status').textContent()) ?? '';
        assert.match(status, decision === 'Approved' ? /Approved.*once the voter list is updated/ : /Denied.*did not approve/);
        assert.ok(status.includes(note), `${login} sees the note on ${path}`);
        await accessible(r.page, `${path} with a decided exception`);
      }
      await r.context.close();
    }
  });

  test('a closed election: results with the tie, the matrix, the reasons and the draft; a broken election shows its problems', async () => {
    const { context, page } = await newContext();
    await signInWithGitHub(page, app, { login: 'olivia', id: 9001, name: 'Olivia Officer' }, `${TOC}/`);
    await accessible(page, 'officer overview (closed)');
    await page.getByRole('link', { name: 'Results', exact: true }).first().click();
    await page.waitForURL(`**${TOC}/results`);
    const main = (await page.textContent('main')) ?? '';
    assert.match(main, /Tie for seat 2:\s*Gus Ito and Hana Novak are tied/);
    assert.match(main, /Fay Moreau beats Gus Ito/);
    const cell = page.locator('td.pw-win-3').first();
    assert.notEqual(
      await cell.evaluate('(el) => getComputedStyle(el).backgroundColor'),
      'rgba(0, 0, 0, 0)',
      'matrix colours come from officer.css',
    );
    const draft = await page.inputValue('#draft-text');
    assert.match(draft, /^## Technical Oversight Committee 2025$/m);
    assert.match(draft, /^There were 2 eligible voters\. 2 ballots were cast, which is 100% participation\.$/m);
    await accessible(page, 'results');

    await page.goto(`${app.url}/app/elections/broken/admin/`);
    assert.match((await page.textContent('.problems')) ?? '', /elections\/broken\/election\.yaml:3: end_datetime must be a date and time/);
    await accessible(page, 'officer overview (broken election)');
    await context.close();
    assert.deepEqual(consoleProblems, []);
    assert.deepEqual(cspProblems, []);
  });
});
