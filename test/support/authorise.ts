import assert from 'node:assert/strict';
import { CustomerBrowser, readForm, type Page } from './customer-browser.js';
import { REDIRECT_URI, type AuthorizationStart, type Partner } from './partner.js';
import type { Bank } from './test-server.js';

/** Logs a sandbox customer in on the login page that `page` shows; returns the next page. */
export async function logIn(browser: CustomerBrowser, page: Page, username: string, password: string): Promise<Page> {
  const form = readForm(page.html);
  return browser.follow(form.action, REDIRECT_URI, { form: { ...form.hidden, username, password } });
}

/** Submits the consent page with a decision and the chosen accounts; returns the next page or the callback. */
export async function decide(browser: CustomerBrowser, page: Page, decision: 'approve' | 'deny', accountIds: string[]): Promise<Page> {
  const form = readForm(page.html);
  return browser.follow(form.action, REDIRECT_URI, { form: { ...form.hidden, decision, accounts: accountIds } });
}

/**
 * The whole customer part of the flow for one consent: PAR, login, consent page, approve the given accounts.
 * @returns the callback URL and what the code exchange needs.
 */
export async function authoriseConsent(
  server: Bank,
  partner: Partner,
  consentId: string,
  options: { username?: string; password?: string; accountIds: string[]; browser?: CustomerBrowser },
): Promise<{ callback: URL; start: AuthorizationStart; browser: CustomerBrowser }> {
  const browser = options.browser ?? new CustomerBrowser(server.issuer);
  const start = await partner.pushAuthorizationRequest(consentId);
  let page = await browser.follow(start.url.href, REDIRECT_URI);
  assert.equal(page.status, 200);
  if (page.html.includes('name="password"')) page = await logIn(browser, page, options.username ?? 'alice', options.password ?? 'alice-sandbox-1');
  assert.equal(page.status, 200, page.html.slice(0, 500));
  assert.match(page.html, /name="decision" value="approve"/);
  const result = await decide(browser, page, 'approve', options.accountIds);
  assert.ok(result.callback, `expected a redirect to the partner, got ${result.status}: ${result.html.slice(0, 300)}`);
  return { callback: result.callback, start, browser };
}

/** A consent with these permissions, authorised by a sandbox customer for the given accounts: its ConsentId and customer token. */
export async function customerToken(
  server: Bank,
  partner: Partner,
  permissions: string[],
  options: { username: string; password: string; accountIds: string[]; consent?: Record<string, unknown> },
): Promise<{ consentId: string; accessToken: string; refreshToken: string | undefined }> {
  const consentId = await partner.createConsent(permissions, options.consent);
  const { callback, start } = await authoriseConsent(server, partner, consentId, options);
  const tokens = await partner.exchangeCode(callback, start);
  return { consentId, accessToken: tokens.access_token, refreshToken: tokens.refresh_token };
}
