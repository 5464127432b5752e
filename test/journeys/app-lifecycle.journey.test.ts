// Proves the sandbox/live boundary and the switches on an app, as partner and customer see them: a new app connects
// sandbox customers only (a live customer is turned back with access_denied) until the operator approves it; a
// suspended or switched-off app gets no tokens and its tokens fail on their very next call; reinstated or
// switched on again, the same tokens work.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as client from 'openid-client';
import { hashPassword } from '../../src/domain/auth/password-hash.js';
import { approveApp, disableApp, enableApp, reinstateApp, suspendApp } from '../../src/domain/partners/app-lifecycle.js';
import type { TypeOrmPartnerStore } from '../../src/persistence/stores/partner-store.js';
import { authoriseConsent, customerToken, decide, logIn } from '../support/authorise.js';
import { CustomerBrowser } from '../support/customer-browser.js';
import { API, REDIRECT_URI, registerPartner, type Partner } from '../support/partner.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('app lifecycle: sandbox, live, suspended, switched off', () => {
  let server: TestServer;
  let partner: Partner;
  let partners: TypeOrmPartnerStore;

  const live = { username: 'lena', password: 'lena-live-password-1' };
  const bob = { username: 'bob', password: 'bob-sandbox-2', accountIds: ['acc_bob_current'] };

  before(async () => {
    server = await startTestServer();
    partner = await registerPartner(server, 'Budget Buddy');
    partners = server.instance.partners;
    const { dataSource } = server.database;
    await dataSource.getRepository('Customer').insert({
      id: 'cus_lena',
      username: live.username,
      displayName: 'Lena Live',
      passwordHash: await hashPassword(live.password),
      failedLoginCount: 0,
      lockedUntil: null,
      environment: 'live',
      createdAt: new Date(),
    });
    await dataSource.query(
      `INSERT INTO account (id, customer_id, bank_purpose, currency, account_type, account_sub_type, nickname, description, opening_date, status, overdraft_limit_minor, balance_minor, created_at)
       SELECT 'acc_lena_current', 'cus_lena', NULL, currency, account_type, account_sub_type, 'Everyday', description, opening_date, status, 0, 0, created_at FROM account WHERE id = 'acc_bob_current'`,
    );
  });
  after(async () => server.close());

  async function liveCustomerTries(): Promise<URL> {
    const browser = new CustomerBrowser(server.issuer);
    const start = await partner.pushAuthorizationRequest(await partner.createConsent(['ReadAccountsBasic']));
    const page = await browser.follow(start.url.href, REDIRECT_URI);
    const next = await logIn(browser, page, live.username, live.password);
    if (next.callback) return next.callback;
    const result = await decide(browser, next, 'approve', ['acc_lena_current']);
    return result.callback as URL;
  }

  test('a sandbox app and a live customer → after login the partner gets access_denied: the app connects sandbox customers only', async () => {
    const callback = await liveCustomerTries();
    assert.equal(callback.searchParams.get('error'), 'access_denied');
    assert.match(callback.searchParams.get('error_description') ?? '', /sandbox customers only/);
  });

  test('the operator approves the app (partner approve) → the live customer can connect it and the partner reads the account', async () => {
    assert.equal((await approveApp(partners, partner.clientId, new Date())).environment, 'live');
    const consentId = await partner.createConsent(['ReadAccountsBasic']);
    const { callback, start } = await authoriseConsent(server, partner, consentId, { ...live, accountIds: ['acc_lena_current'] });
    const tokens = await partner.exchangeCode(callback, start);
    const accounts = await partner.call(tokens.access_token, 'GET', `${API}/accounts`);
    assert.deepEqual(
      accounts.body.Data.Account.map((account: { AccountId: string }) => account.AccountId),
      ['acc_lena_current'],
    );
  });

  test('suspend → the very next API call with a live token is 401, the token endpoint and PAR say invalid_client; reinstate → the same token works', async () => {
    const { accessToken, refreshToken } = await customerToken(server, partner, ['ReadAccountsBasic'], bob);
    assert.equal((await partner.call(accessToken, 'GET', `${API}/accounts`)).status, 200);
    await suspendApp(partners, partner.clientId, new Date());
    const refused = await partner.call(accessToken, 'GET', `${API}/accounts`);
    assert.equal(refused.status, 401);
    assert.match(refused.body.Errors[0].Message, /suspended, disabled or deregistered/);
    await assert.rejects(partner.clientCredentialsToken(), (error: client.ResponseBodyError) => error.error === 'invalid_client');
    await assert.rejects(
      client.refreshTokenGrant(partner.config, refreshToken as string, undefined, { DPoP: partner.dpop }),
      (error: client.ResponseBodyError) => error.error === 'invalid_client',
    );
    await assert.rejects(partner.pushAuthorizationRequest('aac_whatever'), (error: client.ResponseBodyError) => error.error === 'invalid_client');

    await reinstateApp(partners, partner.clientId, new Date());
    assert.equal((await partner.call(accessToken, 'GET', `${API}/accounts`)).status, 200);
    assert.ok((await client.refreshTokenGrant(partner.config, refreshToken as string, undefined, { DPoP: partner.dpop })).access_token);
  });

  test('the partner switches its app off → its tokens fail on the next call; on again → they work', async () => {
    const { accessToken } = await customerToken(server, partner, ['ReadAccountsBasic'], bob);
    const app = await partners.findApp(partner.clientId);
    await disableApp(partners, app?.partnerId as string, partner.clientId, new Date());
    assert.equal((await partner.call(accessToken, 'GET', `${API}/accounts`)).status, 401);
    await assert.rejects(partner.clientCredentialsToken(), (error: client.ResponseBodyError) => error.error === 'invalid_client');
    await enableApp(partners, app?.partnerId as string, partner.clientId, new Date());
    assert.equal((await partner.call(accessToken, 'GET', `${API}/accounts`)).status, 200);
  });

  test('a suspended app cannot be switched on by its partner; only the operator reinstates it', async () => {
    const app = await partners.findApp(partner.clientId);
    await suspendApp(partners, partner.clientId, new Date());
    await assert.rejects(enableApp(partners, app?.partnerId as string, partner.clientId, new Date()), /suspended by the bank/);
    await reinstateApp(partners, partner.clientId, new Date());
    assert.equal((await partners.findApp(partner.clientId))?.status, 'active');
  });
});
