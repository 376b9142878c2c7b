// `npm run screenshots`: pictures of the voter's main pages for docs/voting.md,
// taken in Chromium against a real server with the demo elections of fixtures.ts,
// then the officers' pages for docs/officers.md (officerScreenshots.ts).
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { browserSkipReason, launchBrowser, signInWithGitHub, startBrowserApp } from '../helpers/browser.js';
import { demoSnapshot, NOW } from './fixtures.js';
import { officerScreenshots } from './officerScreenshots.js';

const outDir = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

async function main(): Promise<void> {
  const skip = browserSkipReason();
  if (skip !== null) {
    console.error(skip);
    process.exitCode = 1;
    return;
  }
  mkdirSync(outDir, { recursive: true });
  const app = await startBrowserApp({ snapshot: demoSnapshot(), now: NOW });
  const browser = await launchBrowser();
  const shots: string[] = [];
  const shoot = async (page: Page, name: string, fullPage = true) => {
    await page.evaluate('document.fonts.ready');
    await page.screenshot({ path: `${outDir}${name}.png`, fullPage });
    shots.push(name);
  };
  try {
    const desktop = await browser.newContext({
      viewport: { width: 1200, height: 900 },
      deviceScaleFactor: 1,
      locale: 'en-GB',
      timezoneId: 'Europe/Berlin',
    });
    const page = await desktop.newPage();
    await signInWithGitHub(page, app, { login: 'alice-voter', id: 1001, name: 'Alice Voter' });
    await shoot(page, 'dashboard');

    await page.goto(`${app.url}/app/elections`);
    await shoot(page, 'elections');

    await page.goto(`${app.url}/app/elections/2026---steering`);
    await shoot(page, 'election');

    await page.goto(`${app.url}/app/elections/2026---steering/candidates/ada`);
    await shoot(page, 'candidate');

    await page.goto(`${app.url}/app/elections/2026---steering/vote`);
    await page.selectOption('#rank-chen', '1');
    await page.selectOption('#rank-ada', '2');
    await page.selectOption('#rank-dana', '2');
    await page.selectOption('#rank-bruno', '3');
    await page.fill('#password', 'correct horse battery');
    await page.locator('#rank-heading').scrollIntoViewIfNeeded();
    await shoot(page, 'ballot');

    await page.getByRole('button', { name: 'Cast my ballot' }).click();
    await page.waitForURL('**/confirmation');
    await shoot(page, 'confirmation');

    await page.goto(`${app.url}/app/elections/2026---steering`);
    await page.fill('#open-password', 'correct horse battery');
    await page.getByRole('button', { name: 'View my ballot' }).click();
    await shoot(page, 'my-ballot');

    await page.goto(`${app.url}/app/elections/2025---toc/results/`);
    await shoot(page, 'results');

    const outsider = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'en-GB', timezoneId: 'America/New_York' });
    const page2 = await outsider.newPage();
    await signInWithGitHub(page2, app, { login: 'frank', id: 1002, name: 'Frank Outsider' }, '/app/elections/2026---steering/vote');
    await shoot(page2, 'not-eligible');
    await page2.getByRole('link', { name: 'Request an exception' }).click();
    await page2.fill('#name', 'Frank Outsider');
    await page2.fill('#email', 'frank@example.org');
    await page2.fill('#description', 'I organised the 2025 contributor summit and mentor three newcomers.');
    await shoot(page2, 'exception-form');
    await page2.getByRole('button', { name: 'Send my request' }).click();
    await shoot(page2, 'exception-status');

    const phone = await browser.newContext({
      viewport: { width: 360, height: 780 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'en-GB',
      timezoneId: 'Asia/Kolkata',
    });
    const page3 = await phone.newPage();
    await signInWithGitHub(page3, app, { login: 'bob', id: 1003, name: null }, '/app/elections/2026---steering/vote');
    await page3.selectOption('#rank-emil', '1');
    await page3.selectOption('#rank-bruno', '2');
    await page3.selectOption('#rank-chen', '2');
    await page3.evaluate("document.getElementById('rank-heading').scrollIntoView()");
    await shoot(page3, 'ballot-mobile', false);
    await page3.goto(`${app.url}/app/elections/2026---steering`);
    await shoot(page3, 'election-mobile', false);

    const narrow = await browser.newContext({
      viewport: { width: 320, height: 640 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'en-GB',
      timezoneId: 'UTC',
    });
    const page5 = await narrow.newPage();
    await signInWithGitHub(page5, app, { login: 'carol', id: 1004, name: 'Carol' }, '/app/elections/2026---steering/vote');
    await page5.selectOption('#rank-dana', '1');
    await page5.evaluate("document.getElementById('ballot-list').scrollIntoView()");
    await shoot(page5, 'ballot-320', false);

    const anonymous = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'en-GB', timezoneId: 'UTC' });
    const page4 = await anonymous.newPage();
    await page4.goto(`${app.url}/elections/2026---steering`);
    await shoot(page4, 'public-election');
    await page4.goto(`${app.url}/login`);
    await shoot(page4, 'login');

    await officerScreenshots(browser, shoot);
  } finally {
    await browser.close();
    await app.close();
  }
  console.log(`wrote ${shots.length} screenshots to docs/screenshots/: ${shots.join(', ')}`);
}

await main();
