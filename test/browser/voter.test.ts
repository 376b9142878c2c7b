// The voter's path in a real browser (Debian Chromium through playwright-core), as a
// new user would try it: sign in through the (fake) GitHub, find the election, read a
// candidate, rank by keyboard alone, cast with a passphrase, view, revoke, vote again
// by dragging; the same without JavaScript; an exception request; results after the
// close. axe-core runs on every page at desktop width and at 320 px, no page loads
// anything from another origin, and every page carries the strict CSP.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  axeViolations,
  browserSkipReason,
  describeViolations,
  dragRow,
  foreignRequests,
  launchBrowser,
  loadStatic,
  recordRequests,
  rowOrder,
  signInWithGitHub,
  startBrowserApp,
  tabTo,
  type BrowserApp,
} from '../helpers/browser.js';
import { NO_OPINION_RANK } from '../../src/core/ballot/rank.js';
import { demoSnapshot, NOW, steering, toc } from './fixtures.js';
import { needTool } from '../helpers/tools.js';

const skip = needTool(browserSkipReason());
if (skip !== false) console.log(`# browser tests skipped: ${skip}`);

const ELECTION = `/app/elections/${steering.key}`;
const BALLOT = `${ELECTION}/vote`;

describe('the voter path in Chromium', { skip }, () => {
  let app: BrowserApp;
  let browser: Browser;
  /** Every page checked with axe, for the final report. */
  const checked: string[] = [];
  const cspProblems: string[] = [];
  const consoleProblems: string[] = [];
  const failedAssets: string[] = [];

  before(async () => {
    app = await startBrowserApp({ snapshot: demoSnapshot(), now: NOW });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser.close();
    await app.close();
  });

  async function newContext(
    options: { javaScriptEnabled?: boolean; hasTouch?: boolean } = {},
  ): Promise<{ context: BrowserContext; page: Page; requests: string[] }> {
    const context = await browser.newContext({
      viewport: { width: 1200, height: 900 },
      locale: 'en-GB',
      timezoneId: 'Europe/Paris',
      ...options,
    });
    context.setDefaultTimeout(10_000);
    const requests = recordRequests(context);
    context.on('response', (response) => {
      if (response.request().resourceType() !== 'document' && response.status() >= 400)
        failedAssets.push(`${response.status()} ${response.url()}`);
      if (response.request().resourceType() !== 'document' || !response.url().startsWith(app.url)) return;
      const csp = response.headers()['content-security-policy'] ?? '';
      if (csp === '' || csp.includes('unsafe-inline') || !csp.includes("script-src 'self'")) cspProblems.push(`${response.url()}: ${csp}`);
    });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleProblems.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => {
      consoleProblems.push(`${page.url()}: ${e.message}`);
    });
    return { context, page, requests };
  }

  /** axe at desktop width and at 320 px, plus no sideways scrolling at 320 px. */
  async function accessible(source: Page, label: string, options: { noJavaScript?: boolean } = {}): Promise<void> {
    let page = source;
    if (options.noJavaScript === true) {
      const html = await source.content();
      page = await (await browser.newContext({ viewport: source.viewportSize() ?? { width: 1200, height: 900 } })).newPage();
      await loadStatic(page, html, app.url);
    }
    const desktop = await axeViolations(page);
    assert.equal(desktop.length, 0, `${label} (desktop):\n${describeViolations(desktop)}`);
    const size = page.viewportSize() ?? { width: 1200, height: 900 };
    await page.setViewportSize({ width: 320, height: 640 });
    const narrow = await axeViolations(page);
    assert.equal(narrow.length, 0, `${label} (320 px):\n${describeViolations(narrow)}`);
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth'));
    assert.ok(overflow <= 320, `${label}: the page scrolls sideways at 320 px (${overflow} px wide)`);
    await page.setViewportSize(size);
    if (page !== source) await page.context().close();
    checked.push(label);
  }

  const rankOf = (page: Page, id: string) => page.inputValue(`#rank-${id}`);
  const summary = (page: Page) => page.textContent('#ballot-summary');
  /** Ballot identifiers already seen, so `castSince` finds the one cast since. */
  const seen = new Set<string>();
  /** The election's stored ballots, as candidate ID → rank (null: no opinion), by ballot identifier. */
  const storedBallots = async () => {
    const rows = await app.service.ctx.store.db
      .selectFrom('ballot')
      .innerJoin('election', 'election.id', 'ballot.election_id')
      .select(['ballot.voter', 'ballot.candidate', 'ballot.rank'])
      .where('election.key', '=', steering.key)
      .orderBy('ballot.candidate')
      .execute();
    const ballots = new Map<string, { candidateId: string; rank: number | null }[]>();
    for (const r of rows) {
      const list = ballots.get(r.voter) ?? [];
      list.push({ candidateId: r.candidate, rank: r.rank === null || r.rank === NO_OPINION_RANK ? null : r.rank });
      ballots.set(r.voter, list);
    }
    return ballots;
  };
  const voted = async (login: string) => {
    const user = await app.service.ctx.store.users.findByLogin(login);
    return user !== null && (await app.service.ctx.ballots.status(user, steering.key)).voted;
  };
  /** Marks every ballot stored so far as seen (before a test's first cast). */
  const sawAll = async () => {
    for (const id of (await storedBallots()).keys()) seen.add(id);
  };
  /**
   * The ballot `login` cast since the last call: the server keeps no link from a voter
   * to a ballot, so it is the one new ballot of the election, and `login` has voted.
   */
  const castSince = async (login: string) => {
    assert.equal(await voted(login), true, `${login} has voted`);
    const fresh = [...(await storedBallots())].filter(([id]) => !seen.has(id));
    for (const [id] of fresh) seen.add(id);
    assert.equal(fresh.length, 1, 'one new ballot');
    return { choices: fresh[0]![1] };
  };

  test('sign in through GitHub, rank by keyboard with ties, cast with a passphrase, view, revoke, vote again by dragging', async () => {
    const { context, page, requests } = await newContext();
    await page.goto(`${app.url}/app`);
    assert.match(page.url(), /\/login\?next=%2Fapp$/);
    await accessible(page, 'login');

    // A login differing only in case from voters.yaml ("Alice-Voter").
    await signInWithGitHub(page, app, { login: 'alice-voter', id: 5001, name: 'Alice Voter' }, ELECTION);
    await sawAll();
    assert.equal(new URL(page.url()).pathname, ELECTION, 'lands on the page asked for');
    await page.goto(`${app.url}/app`);
    await accessible(page, 'dashboard');
    await page.getByRole('link', { name: 'Steering Committee Election 2026' }).click();
    await page.waitForURL(`**${ELECTION}`);
    assert.match((await page.textContent('.vote-box')) ?? '', /have not voted yet/);
    const local = await page.textContent('.page-head-meta .local-time');
    assert.match(local ?? '', /your time/, 'the window is shown in local time too');
    await accessible(page, 'election');

    await page.getByRole('link', { name: 'Ada Okafor' }).click();
    await page.waitForURL('**/candidates/ada');
    assert.match((await page.textContent('main')) ?? '', /Northwind Labs/);
    await accessible(page, 'candidate');
    await page.getByRole('link', { name: 'Go to your ballot' }).click();
    await page.waitForURL(`**${BALLOT}`);
    await accessible(page, 'ballot (empty)');
    assert.equal(await rankOf(page, 'ada'), '', 'nothing is ranked in advance');

    // Keyboard alone: Tab to a select and type the rank; Tab to "Move … up" and press Enter.
    await page.locator('h1').focus();
    await tabTo(page, '#rank-chen');
    await page.keyboard.type('1');
    await tabTo(page, '#rank-ada');
    await page.keyboard.type('2');
    await tabTo(page, '#rank-dana');
    await page.keyboard.type('2');
    await page.locator('h1').focus();
    await tabTo(page, 'button[aria-label="Move Bruno Silva up"]');
    await page.keyboard.press('Enter');
    assert.deepEqual(
      [
        await rankOf(page, 'chen'),
        await rankOf(page, 'ada'),
        await rankOf(page, 'dana'),
        await rankOf(page, 'bruno'),
        await rankOf(page, 'emil'),
      ],
      ['1', '2', '2', '3', ''],
    );
    assert.match(
      (await summary(page)) ?? '',
      /Your ballot: 1\. Chen Wei, 2\. (Ada Okafor and Dana Kowalski|Dana Kowalski and Ada Okafor) tied, 3\. Bruno Silva, no opinion on Emil Larsen\./,
    );
    assert.equal(
      await page.evaluate('document.activeElement.getAttribute("aria-label")'),
      'Move Bruno Silva up',
      'focus stays on the button that moved',
    );
    const order = await rowOrder(page);
    assert.equal(order[0], 'chen', 'the list shows the ranking');
    assert.equal(order[3], 'bruno');
    await accessible(page, 'ballot (ranked)');

    await tabTo(page, '#password');
    await page.keyboard.type('my secret phrase');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement.textContent'), 'Show');
    await page.keyboard.press('Enter');
    assert.equal(await page.getAttribute('#password', 'type'), 'text', 'the passphrase can be shown');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement.textContent'), 'Cast my ballot');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/confirmation');
    assert.match((await page.textContent('h1')) ?? '', /Your ballot has been cast/);
    await accessible(page, 'confirmation');
    assert.deepEqual(
      (await castSince('alice-voter')).choices.map((c) => [c.candidateId, c.rank]),
      [
        ['ada', 2],
        ['bruno', 3],
        ['chen', 1],
        ['dana', 2],
        ['emil', null],
      ],
    );

    await page.getByRole('link', { name: 'Back to the election' }).click();
    await page.fill('#open-password', 'not my phrase');
    await page.getByRole('button', { name: 'View my ballot' }).click();
    assert.match((await page.textContent('#open-password-error')) ?? '', /does not open your ballot/);
    await accessible(page, 'election (wrong passphrase)');
    await page.fill('#open-password', 'my secret phrase');
    await page.getByRole('button', { name: 'View my ballot' }).click();
    assert.match((await page.textContent('main')) ?? '', /1\. Chen Wei, 2\. Ada Okafor and Dana Kowalski tied, 3\. Bruno Silva/);
    await accessible(page, 'my ballot');

    // Revoking asks first, on a page of its own: seeing it deletes nothing.
    await page.getByRole('link', { name: 'Revoke it and vote again' }).click();
    await page.waitForURL(`**${BALLOT}/revoke`);
    assert.equal(await voted('alice-voter'), true, 'the confirmation page deleted nothing');
    await accessible(page, 'revoke confirmation');
    await page.fill('#revoke-password', 'my secret phrase');
    await page.getByRole('button', { name: 'Yes, revoke my ballot' }).click();
    await page.waitForURL(`**${BALLOT}`);
    assert.match((await page.textContent('.flashes')) ?? '', /has been revoked/);
    assert.equal(await voted('alice-voter'), false);
    assert.equal([...(await storedBallots()).keys()].filter((id) => seen.has(id)).length, 0, 'the revoked ballot is gone');

    // Vote again by dragging: Emil to the top, then Bruno onto Emil (a tie), then Ada below them.
    const drag = (from: string, to: string, where: 'before' | 'tie' | 'after') => dragRow(page, from, to, where);
    const firstRow = (await rowOrder(page))[0] ?? 'ada';
    await drag('emil', firstRow, 'before');
    assert.equal(await rankOf(page, 'emil'), '1');
    await drag('bruno', 'emil', 'tie');
    assert.deepEqual([await rankOf(page, 'emil'), await rankOf(page, 'bruno')], ['1', '1']);
    await drag('ada', 'bruno', 'after');
    assert.deepEqual(
      [
        await rankOf(page, 'emil'),
        await rankOf(page, 'bruno'),
        await rankOf(page, 'ada'),
        await rankOf(page, 'chen'),
        await rankOf(page, 'dana'),
      ],
      ['1', '1', '2', '', ''],
    );
    assert.match(
      (await summary(page)) ?? '',
      /1\. (Emil Larsen and Bruno Silva|Bruno Silva and Emil Larsen) tied, 2\. Ada Okafor, no opinion on/,
    );
    await page.getByRole('button', { name: 'Cast my ballot' }).click();
    await page.waitForURL('**/confirmation');
    assert.match((await page.textContent('main')) ?? '', /did not set a passphrase/);
    assert.deepEqual(
      (await castSince('alice-voter')).choices.map((c) => c.rank),
      [2, 1, null, null, 1],
    );

    assert.deepEqual(
      foreignRequests(
        requests.filter((u) => !u.startsWith(`${app.github.url}/login/oauth/authorize`)),
        [app.url],
      ),
      [],
      'nothing but this server (and the GitHub sign-in page)',
    );
    await context.close();
  });

  test('focus order on the ballot follows what the voter sees, and starts with the skip link', async () => {
    const { context, page } = await newContext();
    await signInWithGitHub(page, app, { login: 'erin', id: 5005, name: 'Erin' }, BALLOT);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement.textContent'), 'Skip to content');
    await page.keyboard.press('Enter');
    const visited: string[] = [];
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const label = String(
        await page.evaluate(`(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return '';
        const row = el.closest('.ballot-row');
        const what = el.tagName === 'SELECT' ? 'select' : el.tagName === 'INPUT' ? '#' + el.id : el.getAttribute('aria-label') || el.textContent.trim();
        return (row ? row.getAttribute('data-id') + ':' : '') + what;
      })()`),
      );
      if (label === 'Cancel') break;
      visited.push(label);
    }
    const rows = await rowOrder(page);
    const names = Object.fromEntries(steering.candidates.map((c) => [c.id, c.name]));
    const expectedRows = rows.flatMap((id) => [
      `${id}:Profile of ${names[id] ?? ''} (opens in a new tab)`,
      `${id}:select`,
      `${id}:Move ${names[id] ?? ''} up`,
      `${id}:Move ${names[id] ?? ''} down`,
    ]);
    const start = visited.indexOf(expectedRows[0] ?? '');
    assert.ok(start >= 0, `the first candidate's link is reached: ${visited.join(' | ')}`);
    assert.deepEqual(visited.slice(start, start + expectedRows.length), expectedRows);
    assert.deepEqual(
      visited.slice(start + expectedRows.length),
      ['#password', 'Show passphrase', 'Cast my ballot', 'Review before casting'],
      'then the passphrase and the buttons',
    );
    await context.close();
  });

  test('drag and drop works with touch too', async () => {
    const { context, page } = await newContext({ hasTouch: true });
    await signInWithGitHub(page, app, { login: 'carol', id: 5003, name: 'Carol' }, BALLOT);
    const handle = await page.locator('.ballot-row[data-id="dana"] .drag-handle').boundingBox();
    const first = await page.locator('#ballot-list .ballot-row').first().boundingBox();
    assert.ok(handle && first);
    const cdp = await context.newCDPSession(page);
    const x = handle.x + handle.width / 2;
    const point = (y: number) => [{ x, y, id: 1 }];
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: point(handle.y + handle.height / 2) });
    for (let i = 1; i <= 10; i++) {
      const y = handle.y + handle.height / 2 + (first.y + first.height * 0.1 - (handle.y + handle.height / 2)) * (i / 10);
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: point(y) });
    }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    assert.equal(await rankOf(page, 'dana'), '1', 'a touch drag ranked the candidate');
    await context.close();
  });

  test('an abstention is cast only after an explicit confirmation', async () => {
    const { context, page } = await newContext();
    await signInWithGitHub(page, app, { login: 'dave', id: 5004, name: null }, BALLOT);
    await page.selectOption('#rank-ada', '1');
    await page.getByRole('button', { name: 'Cast my ballot' }).click();
    assert.equal(new URL(page.url()).pathname, BALLOT, 'not sent');
    assert.equal(await page.isVisible('#abstention'), true);
    assert.equal(await page.evaluate('document.activeElement.id'), 'confirm_abstention');
    assert.match((await summary(page)) ?? '', /prefers no candidate to another/);
    await accessible(page, 'ballot (abstention)');
    await page.check('#confirm_abstention');
    await page.getByRole('button', { name: 'Cast my ballot' }).click();
    await page.waitForURL('**/confirmation');
    assert.match((await page.textContent('.flashes')) ?? '', /abstention has been recorded/);
    await context.close();
  });

  test('the whole path without JavaScript: plain selects, passphrase, view, revoke, vote again', async () => {
    const { context, page, requests } = await newContext({ javaScriptEnabled: false });
    await signInWithGitHub(page, app, { login: 'bob', id: 5002, name: 'Bob' }, BALLOT);
    await sawAll();
    assert.equal(await page.isVisible('.move'), false, 'no script-made controls');
    await page.selectOption('#rank-chen', '1');
    await page.selectOption('#rank-ada', '2');
    await page.selectOption('#rank-dana', '2');
    await page.fill('#password', 'bob passphrase');
    await accessible(page, 'ballot (no JavaScript)', { noJavaScript: true });
    await page.getByRole('button', { name: 'Cast my ballot' }).click();
    await page.waitForURL('**/confirmation');
    assert.deepEqual(
      (await castSince('bob')).choices.map((c) => c.rank),
      [2, null, 1, 2, null],
    );

    await page.goto(`${app.url}${ELECTION}`);
    await page.fill('#open-password', 'bob passphrase');
    await page.getByRole('button', { name: 'View my ballot' }).click();
    assert.match((await page.textContent('main')) ?? '', /1\. Chen Wei, 2\. Ada Okafor and Dana Kowalski tied/);
    await page.goto(`${app.url}${ELECTION}`);
    await page.getByRole('link', { name: 'Revoke it and vote again' }).click();
    await page.waitForURL(`**${BALLOT}/revoke`);
    assert.equal(await voted('bob'), true, 'the confirmation page deleted nothing');
    await page.getByRole('link', { name: 'No, keep my ballot' }).click();
    await page.waitForURL(`**${ELECTION}`);
    assert.equal(await voted('bob'), true, 'keeping it keeps it');
    await page.getByRole('link', { name: 'Revoke it and vote again' }).click();
    await page.fill('#revoke-password', 'bob passphrase');
    await accessible(page, 'revoke confirmation (no JavaScript)', { noJavaScript: true });
    await page.getByRole('button', { name: 'Yes, revoke my ballot' }).click();
    await page.waitForURL(`**${BALLOT}`);

    // A ballot with no preference comes back from the server asking for confirmation, ranks kept.
    await page.selectOption('#rank-emil', '1');
    await page.getByRole('button', { name: 'Cast my ballot' }).click();
    assert.match((await page.textContent('#error-summary')) ?? '', /confirm your abstention/i);
    assert.equal(await rankOf(page, 'emil'), '1');
    await accessible(page, 'ballot (server asks to confirm, no JavaScript)', { noJavaScript: true });
    await page.selectOption('#rank-bruno', '2');
    await page.getByRole('button', { name: 'Cast my ballot' }).click();
    await page.waitForURL('**/confirmation');
    assert.deepEqual(
      (await castSince('bob')).choices.map((c) => c.rank),
      [null, 2, null, null, 1],
    );
    assert.deepEqual(
      foreignRequests(
        requests.filter((u) => !u.startsWith(`${app.github.url}/login/oauth/authorize`)),
        [app.url],
      ),
      [],
    );
    await context.close();
  });

  test('an ineligible user: the not-eligible page, one exception request, its status', async () => {
    const { context, page } = await newContext();
    await signInWithGitHub(page, app, { login: 'frank', id: 5006, name: 'Frank' }, BALLOT);
    assert.match((await page.textContent('h1')) ?? '', /not on the voter list/);
    await accessible(page, 'not eligible');
    await page.getByRole('link', { name: 'Request an exception' }).click();
    await accessible(page, 'exception form');
    await page.getByRole('button', { name: 'Send my request' }).click();
    assert.match((await page.textContent('#error-summary')) ?? '', /Please correct the form/);
    await accessible(page, 'exception form (errors)');
    await page.fill('#name', 'Frank');
    await page.fill('#email', 'frank@example.org');
    await page.fill('#description', 'I mentor newcomers every week.');
    await page.getByRole('button', { name: 'Send my request' }).click();
    assert.match((await page.textContent('main')) ?? '', /Waiting for the officers/);
    await accessible(page, 'exception status');
    await context.close();
  });

  test('the public pages, the elections list and the results after the close', async () => {
    const { context, page } = await newContext();
    await page.goto(`${app.url}/elections`);
    await accessible(page, 'public list');
    await page.goto(`${app.url}/elections/${steering.key}`);
    await accessible(page, 'public election');
    await signInWithGitHub(page, app, { login: 'erin', id: 5005, name: 'Erin' }, '/app/elections?status=running');
    await accessible(page, 'elections (running)');
    await page.goto(`${app.url}/app/elections/${toc.key}/results/`);
    await accessible(page, 'results');
    await page.goto(`${app.url}/app/elections/nope`);
    await accessible(page, 'not found');

    app.setNow(new Date(steering.endDatetime.getTime() + 1000));
    try {
      // Days later: a session lasts 12 hours from sign-in, so sign in again.
      await signInWithGitHub(page, app, { login: 'erin', id: 5005, name: 'Erin' }, ELECTION);
      await page.goto(`${app.url}${ELECTION}`);
      assert.match((await page.textContent('.page-head')) ?? '', /Closed/);
      const res = await page.goto(`${app.url}${BALLOT}`);
      assert.equal(res?.status(), 403, 'no ballot after the close');
      await accessible(page, 'ballot refused after the close');
    } finally {
      app.setNow(NOW);
    }
    await context.close();
  });

  test('every page carried the strict CSP, the script ran without errors, and axe checked them all', () => {
    assert.deepEqual(cspProblems, []);
    // Pages answered 400/403/404/409 on purpose; any other console error is a script error or a CSP violation.
    assert.deepEqual(
      consoleProblems.filter((m) => !/Failed to load resource: the server responded with a status of 4(00|03|04|09)/.test(m)),
      [],
      'no script error and no CSP violation',
    );
    assert.deepEqual(failedAssets, [], 'every stylesheet, script and icon loaded');
    assert.ok(checked.length >= 20, `pages checked: ${checked.join(', ')}`);
  });
});
