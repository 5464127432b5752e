// Proves the customer's connected-apps pages over HTTP: login with lockout, anti-forgery tokens on every form, a
// customer can act only on consents they granted, stopping one account keeps the consent's other accounts working
// (and two at once never leave a consent with none), revoking ends the consent at once (the partner may send the
// customer to authorise it again), payments the customer approved appear in the history in plain words, and a VRP
// mandate is listed with its limits and cancelled at once (CANC, its tokens dead, the partner notified, the customer
// mailed).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as client from 'openid-client';
import { authoriseConsent, customerToken } from '../support/authorise.js';
import { authorisePayment } from '../support/authorise-payment.js';
import { bankEvents } from '../support/bank-events.js';
import { CustomerBrowser } from '../support/customer-browser.js';
import { API, registerPartner, type Partner } from '../support/partner.js';
import {
  ACCOUNTS,
  assertRefusal,
  consentRequest,
  paymentRequest,
  PISP,
  registerPaymentPartner,
  VRP_CONSENTS,
  vrpConsentRequest,
  type PaymentPartner,
} from '../support/payment-partner.js';
import { csrfOf } from '../support/portal-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('customer self-service: connected apps', () => {
  let server: TestServer;
  let partner: Partner;
  let payer: PaymentPartner;

  before(async () => {
    server = await startTestServer();
    partner = await registerPartner(server, 'Budget Buddy');
    payer = await registerPaymentPartner(server, 'Rent Runner');
  });
  after(async () => server.close());

  /** A customer's browser logged in to /account. */
  async function loggedIn(username: string, password: string): Promise<CustomerBrowser> {
    const browser = new CustomerBrowser(server.issuer);
    const form = await browser.follow('/account', 'never:');
    const page = await browser.follow('/account/login', 'never:', { form: { csrf: csrfOf(form.html, '/account/login'), username, password } });
    assert.equal(page.status, 200, page.html.slice(0, 300));
    assert.match(page.html, /Your connected apps/);
    return browser;
  }

  async function act(browser: CustomerBrowser, action: string, fields: Record<string, string> = {}) {
    const page = await browser.follow('/account', 'never:');
    return browser.follow(action, 'never:', { form: { csrf: csrfOf(page.html, '/account/logout'), ...fields } });
  }

  const consentStatus = async (consentId: string) =>
    (await partner.call(await partner.clientCredentialsToken(), 'GET', `${API}/account-access-consents/${consentId}`)).body.Data.Status;

  test('five wrong passwords → locked: the right password is then refused too', async () => {
    const browser = new CustomerBrowser(server.issuer);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const form = await browser.follow('/account', 'never:');
      const refused = await browser.follow('/account/login', 'never:', {
        form: { csrf: csrfOf(form.html, '/account/login'), username: 'dave', password: 'wrong password' },
      });
      assert.equal(refused.status, 401);
      assert.match(refused.html, /not right/);
    }
    const form = await browser.follow('/account', 'never:');
    const locked = await browser.follow('/account/login', 'never:', {
      form: { csrf: csrfOf(form.html, '/account/login'), username: 'dave', password: 'dave-sandbox-4' },
    });
    assert.equal(locked.status, 401);
    assert.match(locked.html, /locked/);
  });

  test("revoke without the form's anti-forgery token → 403 and the consent stays AUTH", async () => {
    const { consentId } = await customerToken(server, partner, ['ReadAccountsBasic'], {
      username: 'alice',
      password: 'alice-sandbox-1',
      accountIds: ['acc_alice_current'],
    });
    const browser = await loggedIn('alice', 'alice-sandbox-1');
    const refused = await browser.follow(`/account/connections/${consentId}/revoke`, 'never:', { form: { confirm: 'yes' } });
    assert.equal(refused.status, 403);
    assert.equal(await consentStatus(consentId), 'AUTH');
  });

  test('a customer acts on a consent another customer granted → refused as unknown, nothing changes', async () => {
    const { consentId } = await customerToken(server, partner, ['ReadAccountsBasic'], {
      username: 'alice',
      password: 'alice-sandbox-1',
      accountIds: ['acc_alice_current', 'acc_alice_savings'],
    });
    const carol = await loggedIn('carol', 'carol-sandbox-3');
    const revoke = await act(carol, `/account/connections/${consentId}/revoke`);
    assert.equal(revoke.status, 400);
    assert.match(revoke.html, /does not exist/);
    const remove = await act(carol, `/account/connections/${consentId}/remove-account`, { accountId: 'acc_alice_savings' });
    assert.equal(remove.status, 400);
    assert.equal(await consentStatus(consentId), 'AUTH');
    assert.doesNotMatch((await carol.follow('/account', 'never:')).html, /Budget Buddy/);
  });

  test('stop sharing an account the consent does not share, or its only account → 400 with a plain message', async () => {
    const { consentId } = await customerToken(server, partner, ['ReadAccountsBasic'], {
      username: 'alice',
      password: 'alice-sandbox-1',
      accountIds: ['acc_alice_current'],
    });
    const browser = await loggedIn('alice', 'alice-sandbox-1');
    const only = await act(browser, `/account/connections/${consentId}/remove-account`, { accountId: 'acc_alice_current' });
    assert.equal(only.status, 400);
    assert.match(only.html, /only account shared with the app/);
    const other = await act(browser, `/account/connections/${consentId}/remove-account`, { accountId: 'acc_alice_savings' });
    assert.match(other.html, /not shared with the app/);
  });

  test('two "stop sharing" at once on a consent sharing two accounts → exactly one succeeds; one account keeps working', async () => {
    const { consentId, accessToken } = await customerToken(server, partner, ['ReadAccountsBasic'], {
      username: 'bob',
      password: 'bob-sandbox-2',
      accountIds: ['acc_bob_current', 'acc_bob_business'],
    });
    const browser = await loggedIn('bob', 'bob-sandbox-2');
    const page = await browser.follow('/account', 'never:');
    const csrf = csrfOf(page.html, '/account/logout');
    const results = await Promise.all(
      ['acc_bob_current', 'acc_bob_business'].map((accountId) =>
        browser.follow(`/account/connections/${consentId}/remove-account`, 'never:', { form: { csrf, accountId } }),
      ),
    );
    assert.deepEqual(results.map((result) => result.status).sort(), [200, 400]);
    const accounts = await partner.call(accessToken, 'GET', `${API}/accounts`);
    assert.equal(accounts.status, 200);
    assert.equal(accounts.body.Data.Account.length, 1);
  });

  test("revoke → the partner's next call is 401 and the consent CANC; the partner can send the customer to authorise it again", async () => {
    const alice = { username: 'alice', password: 'alice-sandbox-1', accountIds: ['acc_alice_current'] };
    const { consentId, accessToken } = await customerToken(server, partner, ['ReadAccountsBasic'], alice);
    const browser = await loggedIn('alice', 'alice-sandbox-1');
    const done = await act(browser, `/account/connections/${consentId}/revoke`);
    assert.match(done.html, /can no longer see your accounts/);
    assert.equal((await partner.call(accessToken, 'GET', `${API}/accounts`)).status, 401);
    assert.equal(await consentStatus(consentId), 'CANC');
    assert.equal(
      (await act(browser, `/account/connections/${consentId}/revoke`)).status,
      400,
      'a second revoke is refused: it is not authorised any more',
    );
    const again = await authoriseConsent(server, partner, consentId, alice);
    const tokens = await partner.exchangeCode(again.callback, again.start);
    assert.equal((await partner.call(tokens.access_token, 'GET', `${API}/accounts`)).status, 200);
    assert.equal((await partner.call(accessToken, 'GET', `${API}/accounts`)).status, 401, 'the token from before the revocation stays dead');
  });

  test('a payment the customer approved → in the history as "A payment of £12.34 to Bob Patel", marked paid once made', async () => {
    const request = consentRequest({ amount: '12.34', payee: ACCOUNTS.bobCurrent, reference: 'DINNER' });
    const consent = await payer.createConsent(request);
    const consentId = consent.body.Data.ConsentId as string;
    const { accessToken } = await authorisePayment(server, payer, consentId, { username: 'alice', debtorAccountId: 'acc_alice_current' });
    const browser = await loggedIn('alice', 'alice-sandbox-1');
    assert.match(
      (await browser.follow('/account', 'never:')).html,
      /A payment of £12\.34 to Bob Patel[^<]*<\/td><td>[^<]*<\/td><td>Approved, not paid yet/,
    );
    assert.equal((await payer.signedPost(accessToken, `${PISP}/domestic-payments`, paymentRequest(consentId, request))).status, 201);
    assert.match((await browser.follow('/account', 'never:')).html, /A payment of £12\.34 to Bob Patel[^<]*<\/td><td>[^<]*<\/td><td>Paid/);
  });

  test('a payment the scheme rejected (payee account closed, AC04) → in the history as not paid, with the reason in plain words', async () => {
    const request = consentRequest({ amount: '7.50', payee: ACCOUNTS.closedElsewhere, reference: 'RJCT TEST' });
    const consentId = (await payer.createConsent(request)).body.Data.ConsentId as string;
    const { accessToken } = await authorisePayment(server, payer, consentId, { username: 'alice', debtorAccountId: 'acc_alice_current' });
    const made = await payer.signedPost(accessToken, `${PISP}/domestic-payments`, paymentRequest(consentId, request));
    assert.equal(made.body.Data.Status, 'ACSP');
    const browser = await loggedIn('alice', 'alice-sandbox-1');
    const row = (html: string) => /A payment of £7\.50 to Closed Account Ltd[^<]*<\/td><td>[^<]*<\/td><td>([^<]*)</.exec(html)?.[1];
    assert.equal(row((await browser.follow('/account', 'never:')).html), 'On its way: the receiving bank has not confirmed it yet');
    await server.instance.jobs.settlePayments(new Date(Date.now() + 3_600_000));
    assert.equal(row((await browser.follow('/account', 'never:')).html), 'Not paid: the payee&#39;s account is closed');
  });

  /** A VRP mandate the customer authorised, paying from `debtorAccountId`: its id and the partner's tokens. */
  async function mandate(username: string, debtorAccountId: string, amount = '10.00') {
    // Sweeping is me-to-me: each customer's mandate pays into an account of their own (alice's savings, bob's business account).
    const payee =
      username === 'bob' ? { SchemeName: 'UK.OBIE.SortCodeAccountNumber', Identification: '99030141873221', Name: 'Bob Patel' } : undefined;
    const created = await payer.signedPost(
      await payer.paymentsToken(),
      VRP_CONSENTS,
      vrpConsentRequest({
        controlParameters: { MaximumIndividualAmount: { Amount: amount, Currency: 'GBP' } },
        ...(payee ? { initiation: { CreditorAccount: payee } } : {}),
      }),
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const consentId = created.body.Data.ConsentId as string;
    const { tokens } = await authorisePayment(server, payer, consentId, { username, debtorAccountId });
    return { consentId, accessToken: tokens.access_token, refreshToken: tokens.refresh_token as string };
  }

  const mandateStatus = async (consentId: string) => (await payer.call(await payer.paymentsToken(), 'GET', `${VRP_CONSENTS}/${consentId}`)).body.Data;

  const confirmFunds = (token: string, consentId: string) =>
    payer.signedPost(
      token,
      `${VRP_CONSENTS}/${consentId}/funds-confirmation`,
      { Data: { ConsentId: consentId, InstructedAmount: { Amount: '1.00', Currency: 'GBP' } } },
      { idempotencyKey: null },
    );

  test('a VRP mandate → listed with its limits; Cancel → CANC at once: U009, refresh invalid_grant, consent-authorization-revoked, a mail', async () => {
    const events = await bankEvents(server.config, server.database);
    await events.subscribe(payer.clientId, null);
    const { consentId, accessToken, refreshToken } = await mandate('alice', 'acc_alice_current', '12.34');
    const browser = await loggedIn('alice', 'alice-sandbox-1');
    const page = await browser.follow('/account', 'never:');
    assert.match(page.html, /Apps that can make payments from your accounts/);
    assert.ok(page.html.includes('Up to £12.34 per payment'), page.html);
    assert.ok(page.html.includes('Up to £50.00 per week, counted from'));
    const cancelled = await act(browser, `/account/mandates/${consentId}/cancel`);
    assert.equal(cancelled.status, 200);
    assert.match(cancelled.html, /can no longer make payments from your account/);
    assert.ok(!cancelled.html.includes(`/account/mandates/${consentId}/cancel`), 'no longer listed as in force');
    assert.match(cancelled.html, /Payments to your own account \(up to £12\.34 per payment\)/);

    const data = await mandateStatus(consentId);
    assert.equal(data.Status, 'CANC');
    assert.equal(data.StatusReason[0].StatusReasonCode, 'TKSP');
    assertRefusal(await confirmFunds(accessToken, consentId), 400, 'U009');
    await assert.rejects(
      client.refreshTokenGrant(payer.config, refreshToken, undefined, { DPoP: payer.dpop }),
      (error: client.ResponseBodyError) => error.error === 'invalid_grant',
    );
    const raised = (await events.eventsOf(payer.clientId)).filter((event) => event.resourceId === consentId);
    assert.deepEqual(
      raised.map((event) => [event.resourceType, event.eventTypes]),
      [['domestic-vrp-consent', 'UK.OBIE.Consent-Authorization-Revoked']],
    );
    const mail: unknown[] = await server.database.dataSource.query('SELECT subject FROM outbound_mail WHERE recipient = ? AND subject = ?', [
      'alice@customers.openteller.example',
      'Rent Runner can no longer make payments from your account',
    ]);
    assert.equal(mail.length, 1);
    assert.equal((await act(browser, `/account/mandates/${consentId}/cancel`)).status, 400, 'a mandate that has ended cannot be cancelled again');
  });

  test("cancelling another customer's VRP mandate → refused as unknown; it stays AUTH", async () => {
    const { consentId } = await mandate('bob', 'acc_bob_current');
    const browser = await loggedIn('carol', 'carol-sandbox-3');
    const refused = await act(browser, `/account/mandates/${consentId}/cancel`);
    assert.equal(refused.status, 400);
    assert.match(refused.html, /does not exist/);
    assert.equal((await mandateStatus(consentId)).Status, 'AUTH');
  });

  test('revoking a connection whose id is 5,000 characters long → refused on the page, which quotes at most 128 of them', async () => {
    const browser = await loggedIn('carol', 'carol-sandbox-3');
    const page = await act(browser, `/account/connections/${'a'.repeat(5_000)}/revoke`);
    assert.equal(page.status, 400);
    assert.match(page.html, /a{128}/);
    assert.doesNotMatch(page.html, /a{129}/);
  });

  test('logging out ends the session: the old cookie no longer shows the connections', async () => {
    const browser = await loggedIn('carol', 'carol-sandbox-3');
    const page = await browser.follow('/account', 'never:');
    const loggedOut = await browser.follow('/account/logout', 'never:', { form: { csrf: csrfOf(page.html, '/account/logout') } });
    assert.match(loggedOut.html, /You are logged out/);
    assert.match(loggedOut.html, /name="password"/);
  });
});
