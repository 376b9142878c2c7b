// Real-browser tests and screenshots: Debian's Chromium driven by playwright-core,
// against a real listening Scrutin (SQLite, a FixedCatalogue, the real ballot service
// with cheap key derivation) and the fake GitHub. Tests skip with a notice when
// Chromium is missing (and fail under REQUIRE_TOOLS=1: helpers/tools.ts).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { parseConfig, type Config } from '../../src/config.js';
import type { MetaSnapshot } from '../../src/core/meta/types.js';
import type { DeriveKey } from '../../src/core/ballot/secrecy.js';
import { FixedCatalogue } from '../../src/metarepo/catalogue.js';
import { startService, type Service } from '../../src/main.js';
import { CHEAP_KDF } from './ballotHarness.js';
import { freshDatabase, type TestDatabase } from './db.js';
import { githubEnv, startFakeGitHub, type FakeAccount, type FakeGitHub } from './fakeGithub.js';
import { freePort } from './net.js';
import { logSink } from './logs.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Why browser tests cannot run here, or null when they can. */
export function browserSkipReason(): string | null {
  if (existsSync(CHROMIUM_PATH)) return null;
  return `no Chromium at ${CHROMIUM_PATH} (install Debian's chromium, or set CHROMIUM_PATH)`;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

export interface BrowserApp {
  url: string;
  service: Service;
  config: Config;
  catalogue: FixedCatalogue;
  github: FakeGitHub;
  logs: string[];
  setNow: (date: Date) => void;
  close: () => Promise<void>;
}

export interface BrowserAppOptions {
  snapshot: MetaSnapshot;
  now: Date;
  env?: Record<string, string>;
  /** The derivation the server's KDF pool bounds (e.g. one a test can hold). */
  derive?: DeriveKey;
}

export async function startBrowserApp(options: BrowserAppOptions): Promise<BrowserApp> {
  const github = await startFakeGitHub();
  const database: TestDatabase = await freshDatabase('sqlite');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = parseConfig(
    {
      APP_ENV: 'test',
      APP_KEY: 'browser-test-key-0123456789abcdef',
      APP_URL: url,
      APP_HOST: '127.0.0.1',
      APP_PORT: String(port),
      DATABASE_URL: database.url,
      LOG_LEVEL: 'info',
      RATE_LIMIT_PER_MINUTE: '0',
      ...githubEnv(github),
      ...options.env,
    },
    process.cwd(),
  );
  let now = options.now;
  const clock = () => now;
  const catalogue = new FixedCatalogue(options.snapshot);
  const { logs, sink } = logSink();
  // The real ballot service, as the server builds it, but with cheap key derivation so a test takes seconds.
  const service = await startService(config, {
    listen: true,
    clock,
    catalogue,
    logDestination: sink,
    ballots: { newParams: CHEAP_KDF },
    ...(options.derive !== undefined ? { derive: options.derive } : {}),
  });
  return {
    url,
    service,
    config,
    catalogue,
    github,
    logs,
    setNow: (date) => {
      now = date;
    },
    close: async () => {
      await service.stop();
      await github.close();
      await database.drop();
    },
  };
}

/** Every request the pages make, so a test can prove nothing leaves the two allowed origins. */
export function recordRequests(context: BrowserContext): string[] {
  const seen: string[] = [];
  context.on('request', (request) => {
    seen.push(request.url());
  });
  return seen;
}

/** URLs in `seen` whose origin is not one of `allowed`. */
export function foreignRequests(seen: readonly string[], allowed: readonly string[]): string[] {
  return seen.filter((u) => {
    if (u.startsWith('data:') || u.startsWith('about:')) return false;
    return !allowed.includes(new URL(u).origin);
  });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * Runs axe-core on the page (WCAG 2.0/2.1/2.2 A and AA rules). page.evaluate is not
 * subject to the page's CSP, so the strict policy stays on during the check.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const result = await page.evaluate(`
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } })
      .then(r => r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary) })))
  `);
  return result as AxeViolation[];
}

/**
 * A page from a context with JavaScript disabled cannot run axe (its promises never
 * settle there). Its HTML is loaded instead into `scratch` (a page with JavaScript on)
 * with the page script removed, so axe sees exactly what the voter without
 * JavaScript sees, styles included.
 */
export async function loadStatic(scratch: Page, html: string, baseUrl: string): Promise<void> {
  const withoutScripts = html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '');
  // Served from the app's own origin: the server's Cross-Origin-Resource-Policy
  // rightly refuses its stylesheet to an about:blank page.
  const url = `${baseUrl}/__static-copy__`;
  await scratch.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: withoutScripts }));
  await scratch.goto(url, { waitUntil: 'load' });
}

export function describeViolations(violations: readonly AxeViolation[]): string {
  return violations.map((v) => `${v.id} (${v.impact ?? '?'}): ${v.help}\n    ${v.nodes.join('\n    ')}`).join('\n');
}

/** Signs in through the fake GitHub as `account`, starting from `startPath` (a page that needs sign-in). */
export async function signInWithGitHub(page: Page, app: BrowserApp, account: FakeAccount, startPath = '/app'): Promise<void> {
  app.github.account = account;
  app.github.mode = 'approve';
  await page.goto(`${app.url}${startPath}`);
  await page.getByRole('button', { name: 'Sign in with GitHub' }).click();
  await page.waitForURL((u) => u.origin === app.url && !u.pathname.startsWith('/login') && !u.pathname.startsWith('/oauth'));
}

/** Presses Tab until the focused element matches `selector` (keyboard-only navigation). */
export async function tabTo(page: Page, selector: string, limit = 80): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const hit = await page.evaluate(`document.activeElement !== null && document.activeElement.matches(${JSON.stringify(selector)})`);
    if (hit === true) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** Drags candidate `from` by its handle onto candidate `to`: above it, onto it (a tie) or below it. */
export async function dragRow(page: Page, from: string, to: string, where: 'before' | 'tie' | 'after'): Promise<void> {
  const handle = await page.locator(`.ballot-row[data-id="${from}"] .drag-handle`).boundingBox();
  const target = await page.locator(`.ballot-row[data-id="${to}"]`).boundingBox();
  if (handle === null || target === null) throw new Error(`cannot drag ${from} to ${to}: not visible`);
  const y = target.y + target.height * (where === 'before' ? 0.12 : where === 'tie' ? 0.5 : 0.88);
  await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
  await page.mouse.down();
  await page.mouse.move(handle.x + handle.width / 2, y, { steps: 12 });
  await page.mouse.up();
}

/** Candidate ids in the order the ballot shows them. */
export async function rowOrder(page: Page): Promise<string[]> {
  const ids: unknown = await page.evaluate(
    '[...document.querySelectorAll("#ballot-list .ballot-row")].map(r => r.getAttribute("data-id"))',
  );
  return Array.isArray(ids) ? ids.map(String) : [];
}
