import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { waitUntil } from '../../libs/testing/src/wait-until.js';

/**
 * Debian's Chromium driven by playwright-core (PLATFORM-NOTES, "Browser"): never a downloaded
 * browser. Every page records its console errors and uncaught exceptions, so a scenario can
 * assert that a page stayed clean.
 */

export const CHROMIUM = process.env.SWARMTUBE_CHROMIUM ?? '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Videos start without a click (the watch page autoplays; a real viewer's click does the same).
  '--autoplay-policy=no-user-gesture-required',
  // Host ICE candidates as addresses, not mDNS names: two headless browsers on one machine
  // (no mDNS responder here) can then reach each other over WebRTC, offline (no STUN).
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];

export const DESKTOP = { width: 1280, height: 860 };
export const PHONE = { width: 390, height: 844 };

/** Chromium, headless, with a fresh profile (playwright makes a temporary user-data-dir). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught exceptions since the page opened (or the last `clearErrors`). */
  errors(): string[];
  clearErrors(): void;
}

/**
 * A page in a context of its own (its own storage and service workers: another viewer).
 * `localStorage` entries are set before any script of the site runs.
 */
export async function openPage(browser: Browser, options: { viewport?: { width: number; height: number }; localStorage?: Record<string, string> } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: options.viewport ?? DESKTOP, serviceWorkers: 'allow' });
  context.setDefaultTimeout(30_000);
  if (options.localStorage) {
    // In-page code is written as strings: the server's tsconfig has no DOM types.
    await context.addInitScript({ content: `for (const [k, v] of Object.entries(${JSON.stringify(options.localStorage)})) localStorage.setItem(k, v);` });
  }
  const page = await context.newPage();
  let errors: string[] = [];
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  return { page, context, errors: () => [...errors], clearErrors: () => (errors = []) };
}

/** Fails with the page's console errors, if any (`allowed` ones excepted). */
export function assertNoConsoleErrors(watched: WatchedPage, what: string, allowed: RegExp[] = []): void {
  const errors = watched.errors().filter((error) => !allowed.some((pattern) => pattern.test(error)));
  assert.deepEqual(errors, [], `${what}: no console errors`);
}

/** Runs an expression in the page (a string: the server's tsconfig has no DOM types). */
export function inPage<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate(expression) as Promise<T>;
}

/**
 * Waits, at most `timeoutMs`, until the expression is truthy in the page. Polled with
 * evaluate (the DevTools protocol's, which the page's CSP does not govern): Playwright's
 * waitForFunction evaluates a string with eval inside the page, which the site's CSP refuses.
 */
export async function waitInPage(page: Page, expression: string, timeoutMs: number): Promise<void> {
  await waitUntil(`the page: ${expression}`, async () => (await page.evaluate(`Boolean(${expression})`)) === true, timeoutMs, 100);
}

/** A number a page shows in a `data-value` attribute (the P2P panel's figures). */
export async function figure(page: Page, testId: string): Promise<number> {
  const value = await page.getAttribute(`[data-testid="${testId}"]`, 'data-value', { timeout: 5000 });
  return Number(value);
}
