// The approval ballot (`ballot_method: approval`, "select up to 2") in Chromium: ticked
// by keyboard alone, too many selections refused by the server with the error tied to
// the group of boxes, then cast; the same without JavaScript; axe-core clean on the
// ballot and on the ballot that came back, at desktop width and at 320 px.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { parseGovernance } from '../../src/core/meta/governance.js';
import { NO_OPINION_RANK } from '../../src/core/ballot/rank.js';
import {
  axeViolations,
  browserSkipReason,
  describeViolations,
  launchBrowser,
  loadStatic,
  signInWithGitHub,
  startBrowserApp,
  tabTo,
  type BrowserApp,
} from '../helpers/browser.js';
import { entryOf, makeCandidate, makeElection, snapshotOf } from '../helpers/meta.js';
import { needTool } from '../helpers/tools.js';
import { NOW } from './fixtures.js';

const skip = needTool(browserSkipReason());
const day = 86_400_000;

const gc = makeElection({
  key: '2026---gc',
  name: 'Governance Committee 2026',
  organization: 'Example Project',
  startDatetime: new Date(NOW.getTime() - day),
  endDatetime: new Date(NOW.getTime() + 9 * day),
  noWinners: 2,
  voters: ['Alice-Voter', 'bob'],
  officers: ['olivia'],
  candidates: [
    makeCandidate('ada', 'Ada Okafor'),
    makeCandidate('bruno', 'Bruno Silva'),
    makeCandidate('chen', 'Chen Wei'),
    makeCandidate('dana', 'Dana Kowalski'),
  ],
  rules: parseGovernance('ballot_method: approval\nmax_selections: 2\n', 'election.yaml').rules,
});
const BALLOT = `/app/elections/${gc.key}/vote`;

describe('the approval ballot in Chromium', { skip }, () => {
  let app: BrowserApp;
  let browser: Browser;

  before(async () => {
    app = await startBrowserApp({ snapshot: snapshotOf([entryOf(gc)], 'abc123', NOW), now: NOW });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser.close();
    await app.close();
  });

  async function accessible(source: Page, label: string, noJavaScript = false): Promise<void> {
    let page = source;
    if (noJavaScript) {
      page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
      await loadStatic(page, await source.content(), app.url);
    }
    for (const size of [
      { width: 1200, height: 900 },
      { width: 320, height: 640 },
    ]) {
      await page.setViewportSize(size);
      const found = await axeViolations(page);
      assert.equal(found.length, 0, `${label} (${size.width} px):\n${describeViolations(found)}`);
    }
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth'));
    assert.ok(overflow <= 320, `${label}: the page scrolls sideways at 320 px (${overflow} px wide)`);
    await page.setViewportSize({ width: 1200, height: 900 });
    if (page !== source) await page.context().close();
  }

  /** The stored rows of the one ballot in the election, as candidate → approved. */
  async function storedApprovals(): Promise<Record<string, boolean>[]> {
    const rows = await app.service.ctx.store.db
      .selectFrom('ballot')
      .innerJoin('election', 'election.id', 'ballot.election_id')
      .select(['ballot.voter', 'ballot.candidate', 'ballot.rank'])
      .where('election.key', '=', gc.key)
      .execute();
    const byVoter = new Map<string, Record<string, boolean>>();
    for (const r of rows) {
      const ballot = byVoter.get(r.voter) ?? {};
      ballot[r.candidate] = r.rank !== null && r.rank !== NO_OPINION_RANK;
      byVoter.set(r.voter, ballot);
    }
    return [...byVoter.values()];
  }

  test('by keyboard: tick with Space, too many is refused on the group of boxes, untick, cast', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await signInWithGitHub(page, app, { login: 'Alice-Voter', id: 5001, name: 'Alice' }, `/app/elections/${gc.key}`);
    assert.match((await page.textContent('#rules + ul')) ?? '', /Approval voting: you tick the candidates you approve of, up to 2/);
    await accessible(page, 'election page with its rules');
    await page.goto(`${app.url}${BALLOT}`);
    assert.equal(await page.textContent('legend h2'), 'Select up to 2');
    await accessible(page, 'approval ballot');
    for (const id of ['ada', 'chen', 'dana']) {
      await tabTo(page, `#approve-${id}`);
      await page.keyboard.press('Space');
    }
    assert.equal(await page.isChecked('#approve-dana'), true);
    await tabTo(page, 'button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.error-summary');
    assert.match((await page.textContent('.error-summary')) ?? '', /You selected 3 candidates; this election allows at most 2/);
    assert.equal(await page.getAttribute('.error-summary a', 'href'), '#approval-list');
    assert.equal(await page.isChecked('#approve-dana'), true, 'the ticks come back as they were');
    await accessible(page, 'approval ballot with an error');

    await tabTo(page, '#approve-dana');
    await page.keyboard.press('Space');
    await tabTo(page, 'button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/confirmation');
    assert.deepEqual(await storedApprovals(), [{ ada: true, bruno: false, chen: true, dana: false }]);
    await context.close();
  });

  test('without JavaScript: plain check boxes, cast', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, javaScriptEnabled: false });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await signInWithGitHub(page, app, { login: 'bob', id: 5002, name: 'Bob' }, BALLOT);
    await page.check('#approve-bruno');
    await accessible(page, 'approval ballot (no JavaScript)', true);
    await page.getByRole('button', { name: 'Cast my ballot' }).click();
    await page.waitForURL('**/confirmation');
    const ballots = await storedApprovals();
    assert.equal(ballots.length, 2);
    assert.ok(ballots.some((b) => b.bruno === true && !b.ada && !b.chen && !b.dana));
    await context.close();
  });
});
