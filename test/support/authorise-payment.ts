import assert from 'node:assert/strict';
import type * as client from 'openid-client';
import { logIn } from './authorise.js';
import { CustomerBrowser, readForm, type Page } from './customer-browser.js';
import { REDIRECT_URI, type AuthorizationStart } from './partner.js';
import type { PaymentPartner } from './payment-partner.js';
import type { Bank } from './test-server.js';

/** The sandbox customers' passwords. */
export const PASSWORDS: Readonly<Record<string, string>> = {
  alice: 'alice-sandbox-1',
  bob: 'bob-sandbox-2',
  carol: 'carol-sandbox-3',
  dave: 'dave-sandbox-4',
};

/** The account values of the `debtorAccount` radio buttons on a payment page. */
export function debtorChoices(page: Page): string[] {
  return [...page.html.matchAll(/<input[^>]*name="debtorAccount"[^>]*value="([^"]+)"/g)].map((match) => match[1] as string);
}

/** On the payment page: chooses the radio button of this account (it must be offered) and approves. */
export async function approvePayment(browser: CustomerBrowser, page: Page, debtorAccountId: string): Promise<Page> {
  assert.ok(debtorChoices(page).includes(debtorAccountId), `the page offers ${debtorAccountId}: ${debtorChoices(page).join(', ')}`);
  const form = readForm(page.html);
  return browser.follow(form.action, REDIRECT_URI, { form: { ...form.hidden, debtorAccount: debtorAccountId, decision: 'approve' } });
}

/** The code the sandbox shows on the step-up page (`#sandbox-code`), or null when the page is not a code page. */
export function sandboxCode(page: Page): string | null {
  return /<strong id="sandbox-code">(\d{6})<\/strong>/.exec(page.html)?.[1] ?? null;
}

/** On the step-up page: types this code in the "Code" field and confirms. */
export async function enterCode(browser: CustomerBrowser, page: Page, code: string): Promise<Page> {
  assert.match(page.html, /<label[^>]*for="otp"[^>]*>Code<\/label>/);
  const form = readForm(page.html);
  return browser.follow(form.action, REDIRECT_URI, { form: { ...form.hidden, otp: code, decision: 'approve' } });
}

/** PAR, then the browser opens the authorization URL and logs the customer in; returns the payment page. */
export async function openPaymentPage(
  server: Bank,
  partner: PaymentPartner,
  consentId: string,
  customer: { username: string; browser?: CustomerBrowser; approvable?: boolean },
): Promise<{ page: Page; start: AuthorizationStart; browser: CustomerBrowser }> {
  const browser = customer.browser ?? new CustomerBrowser(server.issuer);
  const start = await partner.pushAuthorizationRequest(consentId);
  let page = await browser.follow(start.url.href, REDIRECT_URI);
  assert.equal(page.status, 200);
  if (page.html.includes('name="password"')) page = await logIn(browser, page, customer.username, PASSWORDS[customer.username] ?? '');
  assert.equal(page.status, 200, page.html.slice(0, 500));
  if (customer.approvable !== false) assert.match(page.html, /name="decision" value="approve"/, 'the payment page is shown');
  return { page, start, browser };
}

/** What the customer's authorisation of a payment consent gave the partner. */
export interface AuthorisedPayment {
  readonly tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;
  readonly accessToken: string;
  /** Whether the customer was asked for a one-time code. */
  readonly steppedUp: boolean;
}

/**
 * The whole customer part for a payment consent: PAR, login, the payment page (the debtor radio chosen by
 * value, approve), the code page if it appears (the sandbox code read from `#sandbox-code` and submitted), then
 * the code exchange.
 */
export async function authorisePayment(
  server: Bank,
  partner: PaymentPartner,
  consentId: string,
  customer: { username: string; debtorAccountId: string },
): Promise<AuthorisedPayment> {
  const { page, start, browser } = await openPaymentPage(server, partner, consentId, customer);
  let result = await approvePayment(browser, page, customer.debtorAccountId);
  const code = result.callback ? null : sandboxCode(result);
  if (code !== null) result = await enterCode(browser, result, code);
  assert.ok(result.callback, `expected a redirect to the partner, got ${result.status}: ${result.html.slice(0, 300)}`);
  assert.equal(result.callback.searchParams.get('error'), null, result.callback.href);
  const tokens = await partner.exchangeCode(result.callback, start);
  return { tokens, accessToken: tokens.access_token, steppedUp: code !== null };
}
