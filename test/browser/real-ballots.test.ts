// The acceptance path of issue 5 in Chromium against the server's real ballot service
// (sealed links, attempt limits, one transaction per cast; only the key derivation is
// made cheap): a voter whose login differs in case from voters.yaml signs in through
// GitHub, finds the election, reads a candidate, ranks three candidates with a tie by
// keyboard alone, casts with a passphrase, views the ballot, revokes, votes again —
// and another voter does the same with JavaScript disabled. Nothing is checked behind
// the voter's back: what they see is the proof.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import {
  browserSkipReason,
  dragRow,
  launchBrowser,
  rowOrder,
  signInWithGitHub,
  startBrowserApp,
  tabTo,
  type BrowserApp,
} from '../helpers/browser.js';
import { demoSnapshot, NOW, steering } from './fixtures.js';
import { needTool } from '../helpers/tools.js';

const skip = needTool(browserSkipReason());
if (skip !== false) console.log(`# browser tests skipped: ${skip}`);

const ELECTION = `/app/elections/${steering.key}`;
const BALLOT = `${ELECTION}/vote`;

/** The ballot summary once the page that shows it has arrived. */
async function shownBallot(page: Page): Promise<string> {
  return (await page.locator('.page-head-meta', { hasText: 'Your ballot:' }).textContent()) ?? '';
}

describe('the acceptance path with the real ballot service', { skip }, () => {
  let app: BrowserApp;
  let browser: Browser;
  before(async () => {
    app = await startBrowserApp({ snapshot: demoSnapshot(), now: NOW });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser.close();
    await app.close();
  });

  test('keyboard alone, with a passphrase: cast, view, revoke, vote again', async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    await signInWithGitHub(page, app, { login: 'ALICE-voter', id: 7001, name: 'Alice' }, '/app');
    await page.getByRole('link', { name: steering.name }).click();
    await page.getByRole('link', { name: 'Dana Kowalski' }).click();
    assert.match((await page.textContent('main')) ?? '', /Fabrikam/);
    await page.getByRole('link', { name: 'Go to your ballot' }).click();
    await page.waitForURL(`**${BALLOT}`);

    await page.locator('h1').focus();
    await tabTo(page, '#rank-dana');
    await page.keyboard.type('1');
    await tabTo(page, '#rank-bruno');
    await page.keyboard.type('2');
    await tabTo(page, '#rank-emil');
    await page.keyboard.type('2');
    await tabTo(page, '#password');
    await page.keyboard.type('alice passphrase 2026');
    await tabTo(page, 'button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/confirmation');
    assert.match((await page.textContent('main')) ?? '', /You set a passphrase/);

    await page.goto(`${app.url}${ELECTION}`);
    await page.locator('h1').focus();
    await tabTo(page, '#open-password');
    await page.keyboard.type('alice passphrase 2026');
    await page.keyboard.press('Enter'); // the form's first button: View my ballot
    // The POST answers on the same URL after a key derivation: wait for the ballot itself,
    // not for a load state the old page already had.
    const summary = await shownBallot(page);
    assert.match(
      summary,
      /Your ballot: 1\. Dana Kowalski, 2\. (Bruno Silva and Emil Larsen|Emil Larsen and Bruno Silva) tied, no opinion on /,
    );

    // Revoking asks first, on a page of its own, reached by keyboard too.
    await page.locator('h1').focus();
    await tabTo(page, 'a[href$="/vote/revoke"]');
    await page.keyboard.press('Enter');
    await page.waitForURL(`**${BALLOT}/revoke`);
    await page.locator('h1').focus();
    await tabTo(page, '#revoke-password');
    await page.keyboard.type('alice passphrase 2026');
    await tabTo(page, 'button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.waitForURL(`**${BALLOT}`);
    assert.match((await page.textContent('.flashes')) ?? '', /has been revoked/);

    // Again, this time by dragging: Chen first, Ada tied with Chen.
    await dragRow(page, 'chen', (await rowOrder(page))[0] ?? 'ada', 'before');
    await dragRow(page, 'ada', 'chen', 'tie');
    await dragRow(page, 'bruno', 'ada', 'after');
    await page.fill('#password', 'second passphrase');
    await page.getByRole('button', { name: 'Cast my ballot' }).click();
    await page.waitForURL('**/confirmation');
    await page.goto(`${app.url}${ELECTION}`);
    await page.fill('#open-password', 'second passphrase');
    await page.getByRole('button', { name: 'View my ballot' }).click();
    assert.match(await shownBallot(page), /1\. (Chen Wei and Ada Okafor|Ada Okafor and Chen Wei) tied, 2\. Bruno Silva/);
    await context.close();
  });

  test('with JavaScript disabled: find the election, read a candidate, cast with a passphrase, view, revoke, vote again', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    await signInWithGitHub(page, app, { login: 'Bob', id: 7002, name: null }, '/app');
    await page.getByRole('link', { name: steering.name }).click();
    await page.getByRole('link', { name: 'Chen Wei' }).click();
    assert.match((await page.textContent('main')) ?? '', /Contoso/);
    await page.getByRole('link', { name: 'Go to your ballot' }).click();
    await page.waitForURL(`**${BALLOT}`);
    await page.selectOption('#rank-ada', '1');
    await page.selectOption('#rank-chen', '2');
    await page.selectOption('#rank-emil', '2');
    await page.fill('#password', 'bob no script');
    await page.getByRole('button', { name: 'Cast my ballot' }).click();
    await page.waitForURL('**/confirmation');
    await page.goto(`${app.url}${ELECTION}`);
    await page.fill('#open-password', 'bob no script');
    await page.getByRole('button', { name: 'View my ballot' }).click();
    assert.match(await shownBallot(page), /1\. Ada Okafor, 2\. (Chen Wei and Emil Larsen|Emil Larsen and Chen Wei) tied/);
    await page.getByRole('link', { name: 'Revoke it and vote again' }).click();
    await page.waitForURL(`**${BALLOT}/revoke`);
    await page.fill('#revoke-password', 'bob no script');
    await page.getByRole('button', { name: 'Yes, revoke my ballot' }).click();
    await page.waitForURL(`**${BALLOT}`);
    await page.selectOption('#rank-dana', '1');
    await page.selectOption('#rank-bruno', '2');
    await page.getByRole('button', { name: 'Cast my ballot' }).click();
    await page.waitForURL('**/confirmation');
    assert.match((await page.textContent('main')) ?? '', /did not set a passphrase/);
    await context.close();
  });
});
