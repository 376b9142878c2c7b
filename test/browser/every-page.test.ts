// Every page, in production mode (GitHub sign-in) and in demo mode (development
// sign-in, its banner), checked by axe at 1280 and at 360 px, with no sideways
// scrolling at 360 px; and, on the way, the smaller defects of issue #15 tried as a
// new user would: focus on the error summary with one message per problem, the
// no-JavaScript summary, the confirmation before a revoke, no sign-in prompt where
// it cannot lead to voting, Markdown headings under the page's <h1>, officer tables
// and the chart at 360 px, a focus ring of 3:1, one date format with local time, the
// exception decision on the dashboard, the 404 button, the demo's sign-in hint.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
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
import { renderMarkdown } from '../../src/core/meta/markdown.js';
import { mascot, NOW, steering, toc } from './fixtures.js';
import { needTool } from '../helpers/tools.js';
import { waitFor } from '../helpers/net.js';

/**
 * The id of the focused element, once it is `expected` or after 5 s. Chromium applies
 * `autofocus` at its next rendering opportunity, not during the load, so on a busy
 * machine an immediate read can still see <body>.
 */
async function focusedId(page: Page, expected: string): Promise<string> {
  const read = async () => String(await page.evaluate('document.activeElement ? document.activeElement.id : ""'));
  try {
    return await waitFor(async () => ((await read()) === expected ? expected : undefined), 5000, `focus on #${expected}`);
  } catch {
    return read();
  }
}

const skip = needTool(browserSkipReason());
if (skip !== false) console.log(`# browser tests skipped: ${skip}`);

const day = 86_400_000;
/** Meta text with Markdown headings, as an election folder would give it. */
const markdown = makeElection({
  key: 'markdown',
  name: 'Documentation Team 2026',
  startDatetime: new Date(NOW.getTime() - day),
  endDatetime: new Date(NOW.getTime() + 3 * day),
  voters: ['zoe'],
  officers: ['olivia'],
  descriptionHtml: renderMarkdown('# About this vote\n\nOne seat.\n\n## Rules\n\nRank them.'),
  candidates: [
    makeCandidate('kai', 'Kai Berg', { bioMarkdown: 'x', bioHtml: renderMarkdown('# Kai Berg\n\n## Why me\n\nDocs.') }),
    makeCandidate('lu', 'Lu Mendes'),
  ],
});

const WIDE = { width: 1280, height: 900 };
const NARROW = { width: 360, height: 740 };
/** What utcText writes, and what the page script writes next to it. */
const SERVER_TIME = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2}(:\d{2})? UTC$/;
/** A whole UTC day (the officers' votes per day), in the same shape. */
const UTC_DAY = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]+ \d{4}$/;
const LOCAL_TIME = /^ \((Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2}(:\d{2})? \S+ your time\)$/;

/** WCAG relative luminance contrast of two computed CSS colours (`rgb(r, g, b)`). */
function contrast(a: string, b: string): number {
  const lum = (css: string) => {
    const [r, g, bl] = (css.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (bl ?? 0);
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05);
}

for (const mode of ['production', 'demo'] as const) {
  describe(`every page in ${mode} mode, at 1280 and 360 px`, { skip }, () => {
    let app: BrowserApp;
    let browser: Browser;
    const checked: string[] = [];
    const problems: string[] = [];

    before(async () => {
      app = await startBrowserApp({
        snapshot: snapshotOf([entryOf(steering), entryOf(toc), entryOf(mascot), entryOf(markdown)], 'abc123', NOW),
        now: NOW,
        env: mode === 'demo' ? { APP_ENV: 'development', GITHUB_CLIENT_ID: '', GITHUB_CLIENT_SECRET: '' } : {},
      });
      browser = await launchBrowser();
    });
    after(async () => {
      await browser.close();
      await app.close();
    });

    async function newContext(options: { javaScriptEnabled?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
      const context = await browser.newContext({ viewport: WIDE, locale: 'en-GB', timezoneId: 'Europe/Paris', ...options });
      context.setDefaultTimeout(10_000);
      const page = await context.newPage();
      page.on('pageerror', (e) => problems.push(`${page.url()}: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(`${page.url()}: ${m.text()}`);
      });
      return { context, page };
    }

    /** One fake GitHub account id per login (the same id would be one account, renamed). */
    const githubIds = new Map(['carol', 'dave', 'erin', 'frank', 'olivia', 'zoe'].map((login, i) => [login, 7001 + i]));

    async function signIn(page: Page, login: string, startPath: string): Promise<void> {
      if (mode === 'production') return signInWithGitHub(page, app, { login, id: githubIds.get(login) ?? 7999, name: null }, startPath);
      await page.goto(`${app.url}/login?next=${encodeURIComponent(startPath)}`);
      await page.fill('#username', login);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    }

    /**
     * axe at 1280 and 360 px, no sideways scrolling at 360 px, and every moment on the
     * page in the one format with the viewer's local time next to it (when JavaScript runs).
     */
    async function check(source: Page, label: string, options: { noJavaScript?: boolean } = {}): Promise<void> {
      let page = source;
      if (options.noJavaScript === true) {
        const html = await source.content();
        page = await (await browser.newContext({ viewport: WIDE, timezoneId: 'Europe/Paris' })).newPage();
        await loadStatic(page, html, app.url);
      }
      for (const size of [WIDE, NARROW]) {
        await page.setViewportSize(size);
        const violations = await axeViolations(page);
        assert.equal(violations.length, 0, `${mode} ${label} (${size.width} px):\n${describeViolations(violations)}`);
      }
      const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
      assert.ok(width <= NARROW.width, `${mode} ${label}: the page scrolls sideways at 360 px (${width} px wide)`);
      await page.setViewportSize(WIDE);
      if (options.noJavaScript !== true) {
        const times = await page.evaluate<Array<[string, string | null]>>(`[...document.querySelectorAll('time[data-local]')].map((t) => [
          t.textContent,
          t.nextElementSibling && t.nextElementSibling.classList.contains('local-time') ? t.nextElementSibling.textContent : null,
        ])`);
        const days = await page.evaluate<string[]>(`[...document.querySelectorAll('time:not([data-local])')].map((t) => t.textContent)`);
        for (const text of days) assert.match(text, UTC_DAY, `${label}: a day in the same format`);
        for (const [text, local] of times) {
          assert.match(text, SERVER_TIME, `${label}: one date format`);
          assert.match(local ?? '', LOCAL_TIME, `${label}: "${text}" has the local time next to it`);
        }
      } else {
        await page.context().close();
      }
      checked.push(label);
    }

    /** Casts with a passphrase too short, past the browser's own check, so the server refuses it. */
    async function shortPassphrase(page: Page): Promise<void> {
      await page.fill('#password', 'abc');
      await page.locator('#password').evaluate((el: { removeAttribute: (name: string) => void }) => {
        el.removeAttribute('minlength');
      });
      // The refused ballot comes back at the same URL, so waitForURL cannot tell the pages apart.
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Cast my ballot' }).click()]);
    }

    /** Each table of an officer page scrolls sideways in its own labelled, focusable region. */
    async function tablesScroll(page: Page): Promise<void> {
      const tables = await page.locator('main table').all();
      assert.ok(tables.length > 0);
      for (const table of tables) {
        const region = table.locator('xpath=ancestor::div[@role="region"][1]');
        assert.equal(await region.count(), 1, 'each officer table scrolls in its own region');
        assert.notEqual((await region.getAttribute('aria-label')) ?? '', '', 'the region is labelled');
        assert.equal(await region.getAttribute('tabindex'), '0', 'keyboard users can scroll it');
      }
    }

    test('signed out: the public pages, sign-in, 404s; no "Sign in to vote" for a closed election; the focus ring', async () => {
      const { context, page } = await newContext();
      await page.goto(`${app.url}/elections`);
      await check(page, 'public list');
      await page.goto(`${app.url}/elections?status=completed`);
      await check(page, 'public list (closed)');
      for (const e of [steering, mascot, markdown]) {
        await page.goto(`${app.url}/elections/${e.key}`);
        assert.equal(await page.getByRole('link', { name: 'Sign in to vote' }).count(), 1, `${e.key} invites a sign-in`);
        await check(page, `public election ${e.key}`);
      }
      await page.goto(`${app.url}/elections/${toc.key}`);
      assert.equal(await page.getByText('Sign in to vote').count(), 0, 'a closed election offers no "Sign in to vote"');
      assert.match((await page.locator('.vote-box').textContent()) ?? '', /Voting has closed/);
      assert.match((await page.locator('.facts').textContent()) ?? '', /Voting opened.*Voting closed/s);
      await check(page, 'public election (closed)');

      // The focus ring against what lies behind it: the page, and a card.
      await page.locator('h1').focus();
      for (const selector of ['.vote-box a', '.column-side a, .prose a, .crumbs a']) {
        await tabTo(page, selector);
        const [ring, behind] = await page.evaluate<[string, string]>(`(() => {
          const el = document.activeElement;
          const style = getComputedStyle(el);
          let node = el.parentElement;
          while (node && getComputedStyle(node).backgroundColor === 'rgba(0, 0, 0, 0)') node = node.parentElement;
          return [style.outlineColor, getComputedStyle(node || document.body).backgroundColor];
        })()`);
        const ratio = contrast(ring, behind);
        assert.ok(ratio >= 3, `focus ring ${ring} on ${behind}: ${ratio.toFixed(2)}:1 (WCAG 1.4.11 asks 3:1)`);
      }
      const pageRatio = contrast(
        String(await page.evaluate('getComputedStyle(document.activeElement).outlineColor')),
        String(await page.evaluate('getComputedStyle(document.body).backgroundColor')),
      );
      assert.ok(pageRatio >= 3, `focus ring against the page background: ${pageRatio.toFixed(2)}:1`);

      const login = await page.goto(`${app.url}/login`);
      assert.equal(login?.status(), 200);
      if (mode === 'demo') {
        const hint = (await page.locator('.dev-login .hint').last().textContent()) ?? '';
        const logins = (/Demo logins: (.*)\./.exec(hint)?.[1] ?? '').split(', ');
        assert.deepEqual(
          logins.map((l) => l.toLowerCase()),
          [...new Set(logins.map((l) => l.toLowerCase()))],
          `each demo login once: ${hint}`,
        );
        assert.ok(logins.includes('mallory'), `mallory, on no voter list, is suggested: ${hint}`);
        assert.equal(await page.locator('header .dev-banner').count(), 1, 'the banner sits inside the banner landmark');
      } else {
        assert.equal(await page.locator('.dev-banner').count(), 0);
      }
      await check(page, 'login');

      for (const path of ['/nope', '/elections/nope', '/app/elections/nope/x/y']) {
        const res = await page.goto(`${app.url}${path}`);
        if (res?.status() !== 404) continue; // /app/... asks for a sign-in first
        await check(page, `not found ${path}`);
        await page.locator('.error-card .button').click();
        assert.doesNotMatch(new URL(page.url()).pathname, /^\/login/, `the 404 button of ${path} leads to no sign-in wall`);
      }
      await context.close();
    });

    test('a voter: dashboard, election, candidate, ballot refused then cast, view, the revoke confirmation, results', async () => {
      const { context, page } = await newContext();
      await signIn(page, 'carol', '/app');
      await check(page, 'dashboard');
      await page.goto(`${app.url}/app/elections`);
      await check(page, 'elections');
      await page.goto(`${app.url}/app/elections/${steering.key}`);
      await check(page, 'election');
      await page.goto(`${app.url}/app/elections/${steering.key}/candidates/ada`);
      await check(page, 'candidate');
      await page.goto(`${app.url}/app/elections/${steering.key}/vote`);
      await check(page, 'ballot');

      // Refused: a passphrase too short. Focus goes to the summary, which says it once.
      await page.selectOption('#rank-ada', '1');
      await page.selectOption('#rank-bruno', '2');
      await shortPassphrase(page);
      assert.equal(await focusedId(page, 'error-summary'), 'error-summary');
      const summaryText = (await page.locator('#error-summary').textContent()) ?? '';
      const message = (await page.locator('#error-summary li').allTextContents()).join('|');
      assert.equal(await page.locator('#error-summary li').count(), 1, `one problem, one item: ${summaryText}`);
      assert.equal(summaryText.split(message).length - 1, 1, `the summary says it once: ${summaryText}`);
      assert.equal(
        ((await page.locator('main').textContent()) ?? '').split(message).length - 1,
        2,
        'once in the summary, once at the field',
      );
      assert.equal(await page.inputValue('#rank-ada'), '1', 'the ranks are kept');
      await check(page, 'ballot (refused)');
      await page.fill('#password', 'carol passphrase');
      await page.getByRole('button', { name: 'Cast my ballot' }).click();
      await page.waitForURL('**/confirmation');
      await check(page, 'confirmation');

      await page.goto(`${app.url}/app/elections/${steering.key}`);
      await page.fill('#open-password', 'not it at all');
      await page.getByRole('button', { name: 'View my ballot' }).click();
      assert.equal(await focusedId(page, 'error-summary'), 'error-summary');
      await check(page, 'election (wrong passphrase)');
      await page.fill('#open-password', 'carol passphrase');
      await page.getByRole('button', { name: 'View my ballot' }).click();
      await check(page, 'my ballot');
      await page.getByRole('link', { name: 'Revoke it and vote again' }).click();
      await page.waitForURL('**/vote/revoke');
      await check(page, 'revoke confirmation');
      await page.fill('#revoke-password', 'not it either');
      await page.getByRole('button', { name: 'Yes, revoke my ballot' }).click();
      await page.locator('#revoke-password-error').waitFor();
      assert.equal(await focusedId(page, 'error-summary'), 'error-summary');
      assert.equal(await page.locator('h1').textContent(), 'Revoke your ballot?', 'the voter stays on the confirmation');
      await check(page, 'revoke confirmation (wrong passphrase)');

      await page.goto(`${app.url}/app/elections/${toc.key}`);
      await check(page, 'election (closed)');
      await page.goto(`${app.url}/app/elections/${toc.key}/results/`);
      await check(page, 'results');
      await page.goto(`${app.url}/app/elections/${mascot.key}`);
      assert.match((await page.locator('.facts').textContent()) ?? '', /Voting opens/);
      await check(page, 'election (upcoming)');
      await page.goto(`${app.url}/app/elections/nope`);
      await check(page, 'not found (signed in)');

      // After the close: the error page's moment in local time too.
      app.setNow(new Date(steering.endDatetime.getTime() + 1000));
      try {
        await signIn(page, 'dave', `/app/elections/${steering.key}`);
        const res = await page.goto(`${app.url}/app/elections/${steering.key}/vote`);
        assert.equal(res?.status(), 403);
        assert.equal(await page.locator('.error-card time[data-local] + .local-time').count(), 1, 'the closing time, in local time too');
        await check(page, 'ballot refused after the close');
      } finally {
        app.setNow(NOW);
      }
      await context.close();
    });

    test('without JavaScript: no stale summary, then the summary of what was sent and focus on the problems', async () => {
      const { context, page } = await newContext({ javaScriptEnabled: false });
      await signIn(page, 'erin', `/app/elections/${steering.key}/vote`);
      assert.equal(await page.isVisible('#ballot-summary'), false, 'no sentence that cannot follow the ranking');
      await page.selectOption('#rank-chen', '1');
      await page.selectOption('#rank-dana', '2');
      await shortPassphrase(page);
      assert.match((await page.textContent('#ballot-summary')) ?? '', /^Your ballot: 1\. Chen Wei, 2\. Dana Kowalski, no opinion on /);
      assert.equal(await page.isVisible('#ballot-summary'), true);
      assert.equal(await focusedId(page, 'error-summary'), 'error-summary', 'autofocus');
      await check(page, 'ballot (refused, no JavaScript)', { noJavaScript: true });
      await context.close();
    });

    test('Markdown headings sit under the page heading', async () => {
      const { context, page } = await newContext();
      await signIn(page, 'zoe', `/app/elections/${markdown.key}`);
      for (const path of [
        `/app/elections/${markdown.key}`,
        `/app/elections/${markdown.key}/candidates/kai`,
        `/elections/${markdown.key}`,
      ]) {
        await page.goto(`${app.url}${path}`);
        assert.equal(await page.locator('h1').count(), 1, `${path}: one <h1>`);
        await check(page, `markdown headings ${path}`);
      }
      assert.equal(await page.locator('.prose h2', { hasText: 'About this vote' }).count(), 1);
      await context.close();
    });

    test('an ineligible user: not eligible, the request, then its decision on the dashboard and the election page', async () => {
      const { context, page } = await newContext();
      await signIn(page, 'frank', `/app/elections/${steering.key}/vote`);
      await check(page, 'not eligible');
      await page.getByRole('link', { name: 'Request an exception' }).click();
      await check(page, 'exception form');
      await page.getByRole('button', { name: 'Send my request' }).click();
      assert.equal(await focusedId(page, 'error-summary'), 'error-summary');
      await check(page, 'exception form (errors)');
      await page.fill('#name', 'Frank');
      await page.fill('#email', 'frank@example.org');
      await page.fill('#description', 'I mentor newcomers.');
      await page.getByRole('button', { name: 'Send my request' }).click();
      await check(page, 'exception status');
      await page.goto(`${app.url}/app`);
      assert.match((await page.locator('.exception-status').textContent()) ?? '', /Pending/);
      await check(page, 'dashboard (pending request)');

      // The officer: overview, review at 360 px, a decision.
      const officer = await newContext();
      await signIn(officer.page, 'olivia', `/app/elections/${steering.key}/admin/`);
      await check(officer.page, 'officer overview');
      await officer.page.getByRole('link', { name: /frank/i }).click();
      await check(officer.page, 'exception review');
      assert.match((await officer.page.locator('#decision-hint').textContent()) ?? '', /voters\.yaml/);
      await officer.page.getByLabel('Deny').check();
      await officer.page.getByLabel('Note to the requester (optional)').fill('Please apply next year.');
      await officer.page.getByRole('button', { name: 'Record the decision' }).click();
      await check(officer.page, 'exception review (denied)');
      await officer.page.goto(`${app.url}/app/elections/${steering.key}/admin/`);
      assert.ok(
        (await officer.page.locator('.audit td').allTextContents()).every((t) => !/^[a-z]+[.-][a-z-]+$/.test(t.trim())),
        'audit actions in words',
      );
      assert.match((await officer.page.locator('main .facts').first().textContent()) ?? '', /Voting opened/);
      await officer.page.setViewportSize(NARROW);
      await tablesScroll(officer.page);
      const labels = await officer.page
        .locator('svg.votes-chart text')
        .evaluateAll((els) =>
          els.map((el) => (el as unknown as { getBoundingClientRect: () => { height: number } }).getBoundingClientRect().height),
        );
      assert.ok(labels.length > 0, 'the chart has labels');
      for (const h of labels) assert.ok(h >= 11, `chart labels readable at 360 px (${h.toFixed(1)} px tall)`);
      await officer.page.setViewportSize(WIDE);
      await check(officer.page, 'officer overview (decided)');
      await officer.page.goto(`${app.url}/app/elections/${toc.key}/admin/`);
      await check(officer.page, 'officer overview (closed)');
      // A long audit trail: its second page, with both pager links.
      for (let i = 1; i <= 120; i++)
        await app.service.ctx.store.audit.append({
          at: NOW,
          electionKey: toc.key,
          actor: 'olivia',
          action: 'voters.downloaded',
          detail: `entry ${i}`,
        });
      await officer.page.goto(`${app.url}/app/elections/${toc.key}/admin/?audit=2#audit`);
      const trailPager = officer.page.getByRole('navigation', { name: 'Pages of the audit trail' });
      assert.match((await trailPager.textContent()) ?? '', /Page 2 of 3/);
      assert.equal(await trailPager.getByRole('link').count(), 2, 'previous and next');
      await check(officer.page, 'officer overview (audit trail, page 2)');
      await officer.page.goto(`${app.url}/app/elections/${toc.key}/admin/results`);
      await tablesScroll(officer.page);
      await check(officer.page, 'officer results');
      await officer.context.close();

      for (const path of ['/app', `/app/elections/${steering.key}`]) {
        await page.goto(`${app.url}${path}`);
        const status = (await page.locator('.exception-status').textContent()) ?? '';
        assert.match(status, /Denied.*Please apply next year\./s, `${path} shows the decision and the note`);
        await check(page, `${path} (denied request)`);
      }
      await context.close();
    });

    test('no script error and no CSP violation on any page', () => {
      assert.deepEqual(problems, []);
      assert.ok(checked.length >= 35, `pages checked: ${checked.length}`);
    });
  });
}
