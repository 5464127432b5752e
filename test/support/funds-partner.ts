import assert from 'node:assert/strict';
import { exportJWK, generateKeyPair } from 'jose';
import * as client from 'openid-client';
import { formatAmount, parseAmount } from '../../src/domain/money.js';
import { spendableMinor } from '../../src/domain/ledger/funds.js';
import type { Database } from '../../src/persistence/data-source.js';
import { TypeOrmPaymentStore } from '../../src/persistence/stores/payment-store.js';
import { logIn } from './authorise.js';
import { CustomerBrowser, readForm, type Page } from './customer-browser.js';
import { testEventOutbox } from './event-outbox.js';
import { partnerClient, pushIntentAuthorizationRequest, REDIRECT_URI, registerTestApp, type AuthorizationStart, type Partner } from './partner.js';
import type { TestServer } from './test-server.js';

/** The confirmation of funds API (CBPII). */
export const CBPII = '/open-banking/v4.0/cbpii';
export const FUNDS_CONSENTS = `${CBPII}/funds-confirmation-consents`;
export const FUNDS_CONFIRMATIONS = `${CBPII}/funds-confirmations`;

/** Alice's GBP current account (`acc_alice_current`, £500.00 overdraft) as a card issuer names it. */
export const ALICE_CURRENT = { SchemeName: 'UK.OBIE.SortCodeAccountNumber', Identification: '99030131926819', Name: 'Alice Thompson' } as const;

/** Bob's GBP current account: not Alice's. */
export const BOB_CURRENT_ID = 'acc_bob_current';

/** A card issuer's backend (role CBPII): openid-client with private_key_jwt and DPoP, tokens of scope `fundsconfirmations`. */
export interface FundsPartner extends Partner {
  /** POST /funds-confirmation-consents naming `debtor` (with `ExpirationDateTime` and other `Data` members from `extra`); returns the ConsentId. */
  createFundsConsent(debtor?: Record<string, string>, extra?: Record<string, unknown>): Promise<string>;
  /** POST /funds-confirmations for `amount` GBP (or `currency`) under the consent, with the customer token. */
  confirmFunds(accessToken: string, consentId: string, amount: string, currency?: string, reference?: string): ReturnType<Partner['call']>;
}

/** Registers a card issuer app (role CBPII, redirect URI {@link REDIRECT_URI}) and returns a partner client for it. */
export async function registerFundsPartner(server: TestServer, name = 'Card Issuer'): Promise<FundsPartner> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'issuer-key-1', alg: 'ES256', use: 'sig' }] };
  const app = await registerTestApp(server, { name, jwks, roles: ['CBPII'] });
  const config = await client.discovery(new URL(server.issuer), app.clientId, {}, client.PrivateKeyJwt({ key: privateKey, kid: 'issuer-key-1' }), {
    execute: [client.allowInsecureRequests],
  });
  const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
  const base = partnerClient(server, app.clientId, config, dpop);
  const partner: FundsPartner = {
    ...base,
    async clientCredentialsToken() {
      return (await client.clientCredentialsGrant(config, { scope: 'fundsconfirmations' }, { DPoP: dpop })).access_token;
    },
    pushAuthorizationRequest: (consentId) => pushIntentAuthorizationRequest(config, dpop, consentId, 'openid fundsconfirmations'),
    async createFundsConsent(debtor = ALICE_CURRENT, extra = {}) {
      const response = await partner.call(await partner.clientCredentialsToken(), 'POST', FUNDS_CONSENTS, {
        Data: { DebtorAccount: debtor, ...extra },
      });
      assert.equal(response.status, 201, JSON.stringify(response.body));
      return response.body.Data.ConsentId as string;
    },
    confirmFunds(accessToken, consentId, amount, currency = 'GBP', reference = 'CARD-AUTH-1') {
      return partner.call(accessToken, 'POST', FUNDS_CONFIRMATIONS, {
        Data: { ConsentId: consentId, Reference: reference, InstructedAmount: { Amount: amount, Currency: currency } },
      });
    },
  };
  return partner;
}

/** PAR for the consent, then the customer logs in: the consent page (status 200) and what the code exchange needs. */
export async function openFundsConsentPage(
  server: TestServer,
  partner: FundsPartner,
  consentId: string,
  customer: { username: string; password: string; browser?: CustomerBrowser },
): Promise<{ page: Page; start: AuthorizationStart; browser: CustomerBrowser }> {
  const browser = customer.browser ?? new CustomerBrowser(server.issuer);
  const start = await partner.pushAuthorizationRequest(consentId);
  let page = await browser.follow(start.url.href, REDIRECT_URI);
  if (page.html.includes('name="password"')) page = await logIn(browser, page, customer.username, customer.password);
  assert.equal(page.status, 200, page.html.slice(0, 500));
  return { page, start, browser };
}

/** Submits the consent page with `decision` (the consent names the account: there is nothing to choose). */
export function decideFundsConsent(browser: CustomerBrowser, page: Page, decision: 'approve' | 'deny'): Promise<Page> {
  const form = readForm(page.html);
  return browser.follow(form.action, REDIRECT_URI, { form: { ...form.hidden, decision } });
}

/** The whole customer part for a consent of Alice's: PAR, login, approve; then the code exchange. */
export async function authoriseFundsConsent(
  server: TestServer,
  partner: FundsPartner,
  consentId: string,
): Promise<client.TokenEndpointResponse & client.TokenEndpointResponseHelpers> {
  const { page, start, browser } = await openFundsConsentPage(server, partner, consentId, { username: 'alice', password: 'alice-sandbox-1' });
  const result = await decideFundsConsent(browser, page, 'approve');
  assert.ok(result.callback, `expected a redirect to the card issuer, got ${result.status}: ${result.html.slice(0, 300)}`);
  assert.equal(result.callback.searchParams.get('error'), null, result.callback.href);
  return partner.exchangeCode(result.callback, start);
}

/**
 * What the account can spend right now (booked balance + pending debits + overdraft), as the payment funds rule counts
 * it, in OBIE decimal form: the largest amount a funds confirmation answers `true` for.
 */
export async function spendableAmount(database: Database, accountId: string): Promise<string> {
  const funds = await new TypeOrmPaymentStore(database.dataSource, database.dialect, await testEventOutbox()).readFunds(accountId);
  assert.ok(funds, `no account ${accountId}`);
  return formatAmount(spendableMinor(funds), 'GBP');
}

/** One penny more than `amount` (an OBIE decimal GBP amount). */
export function onePennyMore(amount: string): string {
  return formatAmount(parseAmount(amount, 'GBP') + 1n, 'GBP');
}
