import { after, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, withPage as withWatchedPage } from './chromium.js';
import { REDIRECT_URI } from './partner.js';
import { startTestServer, type TestServer } from './test-server.js';

/** What every browser test file shares: a test server and Debian's Chromium for the whole suite. */
export interface BrowserSuite {
  readonly server: TestServer;
  /**
   * Runs `work` on a fresh page whose navigations to the partner's redirect URI are recorded in `callbacks` and
   * whose CSP violations are collected; on failure a screenshot is kept in test-results/.
   */
  withPage(name: string, work: (page: Page, callbacks: URL[], cspViolations: string[]) => Promise<void>): Promise<void>;
}

/** Starts the server and Chromium before the enclosing suite's tests and closes both after them. */
export function browserSuite(): BrowserSuite {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  before(async () => {
    server = await startTestServer();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    get server() {
      if (!server) throw new Error('the browser suite has not started');
      return server;
    },
    withPage(name, work) {
      if (!browser) throw new Error('the browser suite has not started');
      return withWatchedPage(browser, name, REDIRECT_URI, ({ page, callbacks, cspViolations }) => work(page, callbacks, cspViolations));
    },
  };
}

/** Logs in on the page's login form with the keyboard only: type the username, Tab, the password, Enter. */
export async function logInWithKeyboard(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Username').focus();
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
}
