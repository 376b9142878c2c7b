// Issue 15 in Chromium, as a voter would try it: a double-clicked "Cast my ballot" shows
// its busy state, sends once and ends on one confirmation with the recorded ranking and
// a receipt code; without JavaScript, the review step and the sealing page (its meta
// refresh alone leads to the confirmation while the derivation queue is held); after the
// close an officer publishes, and the public results page lists the voter's code with
// their ranking. axe-core on each new page at desktop width and at 320 px.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { argon2DeriveKey } from '../../src/crypto/kdf.js';
import { CHEAP_KDF } from '../helpers/ballotHarness.js';
import {
  axeViolations,
  browserSkipReason,
  describeViolations,
  launchBrowser,
  loadStatic,
  signInWithGitHub,
  startBrowserApp,
  type BrowserApp,
} from '../helpers/browser.js';
import { entryOf, makeCandidate, makeElection, snapshotOf } from '../helpers/meta.js';
import { needTool } from '../helpers/tools.js';

const skip = needTool(browserSkipReason());

const NOW = new Date('2026-03-10T15:30:00Z');
const day = 24 * 3600 * 1000;
const election = makeElection({
  key: '2026---council',
  name: 'Council Election 2026',
  startDatetime: new Date(NOW.getTime() - day),
  endDatetime: new Date(NOW.getTime() + day),
  voters: ['alice', 'bob', 'carol'],
  officers: ['olivia'],
  ballotReceipts: true,
  candidates: [makeCandidate('ada', 'Ada Okafor'), makeCandidate('bruno', 'Bruno Silva'), makeCandidate('chen', 'Chen Wei')],
});
const ELECTION = `/app/elections/${election.key}`;
const BALLOT = `${ELECTION}/vote`;
const RECEIPT = /[0-9A-HJKMNP-TV-Z]{5}(?:-[0-9A-HJKMNP-TV-Z]{5}){4}/;

describe('casting you can trust, in Chromium', { skip }, () => {
  let app: BrowserApp;
  let browser: Browser;
  let held: Promise<void> | null = null;
  let release: () => void = () => undefined;
  const receipts = new Map<string, string>();

  before(async () => {
    app = await startBrowserApp({
      snapshot: snapshotOf([entryOf(election)], 'abc', NOW),
      now: NOW,
      env: { KDF_CONCURRENCY: '1', CAST_WAIT_TIMEOUT: '1' },
      derive: async (passphrase, salt, params) => {
        if (held !== null) await held;
        return argon2DeriveKey(passphrase, salt, params);
      },
    });
    browser = await launchBrowser();
  });
  after(async () => {
    release();
    await browser.close();
    await app.close();
  });

  async function accessible(source: Page, label: string, options: { noJavaScript?: boolean } = {}): Promise<void> {
    let page = source;
    if (options.noJavaScript === true) {
      // axe needs JavaScript: check a copy of the page (without its self-refresh) in a context that has it.
      const html = (await source.content()).replace(/<meta http-equiv="refresh"[^>]*>/, '');
      page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
      await loadStatic(page, html, app.url);
    }
    const desktop = await axeViolations(page);
    assert.equal(desktop.length, 0, `${label} (desktop):\n${describeViolations(desktop)}`);
    const size = page.viewportSize() ?? { width: 1200, height: 900 };
    await page.setViewportSize({ width: 320, height: 640 });
    const narrow = await axeViolations(page);
    assert.equal(narrow.length, 0, `${label} (320 px):\n${describeViolations(narrow)}`);
    await page.setViewportSize(size);
    if (page !== source) await page.context().close();
  }

  const ballotsStored = async () =>
    Number(
      (
        await app.service.ctx.store.db
          .selectFrom('voter')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .executeTakeFirst()
      )?.n ?? 0,
    );

  test('a double-clicked Cast shows it is busy, sends once, and ends on one confirmation with the ranking and a receipt', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    await signInWithGitHub(page, app, { login: 'alice', id: 7001, name: 'Alice' }, BALLOT);
    await page.selectOption('#rank-chen', '1');
    await page.selectOption('#rank-ada', '2');
    await page.fill('#password', 'alice long passphrase');
    // The POST is held a moment on its way, so the busy state can be seen.
    let posts = 0;
    await page.route(`**${BALLOT}`, async (route) => {
      if (route.request().method() === 'POST') {
        posts++;
        await new Promise((r) => setTimeout(r, 400));
      }
      await route.continue();
    });
    // What each submit looked like once the page script had handled it, kept across the navigation.
    await page.evaluate(`document.addEventListener('submit', function (ev) {
      var button = document.querySelector('#ballot-form button[data-busy]');
      var seen = JSON.parse(sessionStorage.getItem('submits') || '[]');
      seen.push((ev.defaultPrevented ? 'stopped' : 'sent') + '|' + button.textContent + '|' + button.getAttribute('aria-disabled'));
      sessionStorage.setItem('submits', JSON.stringify(seen));
    })`);
    await page.getByRole('button', { name: 'Cast my ballot' }).dblclick();
    await page.waitForURL('**/confirmation');
    assert.equal(posts, 1, 'the second click sent nothing');
    const submits = JSON.parse(String(await page.evaluate("sessionStorage.getItem('submits')"))) as string[];
    assert.deepEqual(submits, ['sent|Casting your ballot…|true', 'stopped|Casting your ballot…|true']);
    assert.equal(await ballotsStored(), 1);
    const main = (await page.textContent('main')) ?? '';
    assert.match(main, /The ballot that was recorded/);
    assert.match(main, /1\s*Chen Wei\s*2\s*Ada Okafor/);
    const code = RECEIPT.exec(main)?.[0];
    assert.ok(code !== undefined);
    receipts.set('alice', code);
    await accessible(page, 'confirmation with receipt');
    await context.close();
  });

  test('without JavaScript: review, then cast behind a held queue, the sealing page refreshes itself to the confirmation', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, javaScriptEnabled: false });
    const page = await context.newPage();
    await signInWithGitHub(page, app, { login: 'bob', id: 7002, name: 'Bob' }, BALLOT);
    await page.selectOption('#rank-bruno', '1');
    await page.selectOption('#rank-chen', '2');
    await page.fill('#password', 'bob long passphrase');
    await page.getByRole('button', { name: 'Review before casting' }).click();
    assert.match((await page.textContent('h1')) ?? '', /Review your ballot/);
    assert.match((await page.textContent('main')) ?? '', /Your ballot: 1\. Bruno Silva, 2\. Chen Wei, no opinion on Ada Okafor\./);
    await accessible(page, 'review', { noJavaScript: true });
    held = new Promise((resolve) => {
      release = resolve;
    });
    void app.service.ctx.kdfPool.deriveKey(new Uint8Array(8), new Uint8Array(16), CHEAP_KDF);
    await page.getByRole('button', { name: 'Cast my ballot' }).click();
    await page.waitForURL('**/sealing');
    assert.match((await page.textContent('h1')) ?? '', /Sealing your ballot/);
    await accessible(page, 'sealing', { noJavaScript: true });
    held = null;
    release();
    // Nothing clicked: the page's own refresh brings the confirmation.
    await page.waitForURL('**/confirmation', { timeout: 20_000 });
    const code = RECEIPT.exec((await page.textContent('main')) ?? '')?.[0];
    assert.ok(code !== undefined);
    receipts.set('bob', code);
    assert.equal(await ballotsStored(), 2);
    await context.close();
  });

  test('after the close an officer publishes, and the public page shows each ballot by its receipt', async () => {
    app.setNow(new Date(election.endDatetime.getTime() + 1000));
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    await signInWithGitHub(page, app, { login: 'olivia', id: 7009, name: 'Olivia' }, `${ELECTION}/admin/results`);
    await page.goto(`${app.url}${ELECTION}/admin/results`);
    await page.getByRole('button', { name: 'Publish the results and the ballots' }).click();
    await page.waitForURL('**/admin/results');
    assert.match((await page.textContent('main')) ?? '', /Published/);
    const visitor = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
    await visitor.goto(`${app.url}/elections/${election.key}/results`);
    const text = (await visitor.textContent('main')) ?? '';
    assert.match(text, /Every ballot, by receipt code/);
    assert.match(text, new RegExp(`${receipts.get('alice') ?? 'missing'}\\s*1\\. Chen Wei, 2\\. Ada Okafor`));
    assert.match(text, new RegExp(`${receipts.get('bob') ?? 'missing'}\\s*1\\. Bruno Silva, 2\\. Chen Wei`));
    assert.match(text, /SHA-256 of the file: [0-9a-f]{64}/);
    await accessible(visitor, 'published results');
    await visitor.context().close();
    await context.close();
  });
});
