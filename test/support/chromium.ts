import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (installed by .ci/run); never a downloaded browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Launches headless Chromium with the flags this machine needs (no sandbox as root, no background networking). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** Saves a screenshot into test-results/ (for a failing browser test) and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync('test-results', { recursive: true });
  const path = `test-results/${name.replace(/[^a-z0-9-]+/gi, '-')}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** What a browser test sees of one page: the partner callbacks it reached and any CSP violations reported. */
export interface WatchedPage {
  readonly page: Page;
  readonly callbacks: URL[];
  readonly cspViolations: string[];
}

/**
 * Runs `work` on a fresh page whose navigations to `callbackPrefix` (the partner's redirect URI) are answered
 * in place and recorded; on failure keeps a screenshot for the CI log.
 */
export async function withPage(browser: Browser, name: string, callbackPrefix: string, work: (watched: WatchedPage) => Promise<void>): Promise<void> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const watched: WatchedPage = { page, callbacks: [], cspViolations: [] };
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) watched.cspViolations.push(message.text());
  });
  await page.route(`${callbackPrefix}**`, async (route) => {
    watched.callbacks.push(new URL(route.request().url()));
    await route.fulfill({ status: 200, contentType: 'text/plain', body: 'partner callback' });
  });
  try {
    await work(watched);
  } catch (error) {
    const path = await saveScreenshot(page, name);
    throw new Error(`${(error as Error).message} (screenshot: ${path})`, { cause: error });
  } finally {
    await context.close();
  }
}
