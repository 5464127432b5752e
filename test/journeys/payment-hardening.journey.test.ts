// Proves the defences a security review asked for: one-time-code attempts are counted per consent and reserved
// atomically (parallel guesses cannot beat the limit, a new authorization request does not reset it), a payment
// consent is authorised with the `payments` scope only and gets no refresh token, an idempotent replay never
// answers for another consent, an invalid currency code is U002, and an oversized body is a 400, not a 500.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as client from 'openid-client';
import { approvePayment, authorisePayment, enterCode, openPaymentPage, sandboxCode } from '../support/authorise-payment.js';
import { REDIRECT_URI } from '../support/partner.js';
import {
  ACCOUNTS,
  assertRefusal,
  consentRequest,
  paymentRequest,
  PISP,
  registerPaymentPartner,
  type PaymentPartner,
} from '../support/payment-partner.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('payment hardening', () => {
  let server: TestServer;
  let partner: PaymentPartner;

  before(async () => {
    server = await startTestServer();
    partner = await registerPaymentPartner(server, 'Careful Pay');
  });
  after(async () => server?.close());

  async function newConsent(amount = '300.00'): Promise<{ consentId: string; request: ReturnType<typeof consentRequest> }> {
    const request = consentRequest({ amount, payee: ACCOUNTS.elsewhere });
    const created = await partner.createConsent(request);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return { consentId: created.body.Data.ConsentId as string, request };
  }

  async function consentStatus(consentId: string): Promise<string> {
    return (await partner.call(await partner.paymentsToken(), 'GET', `${PISP}/domestic-payment-consents/${consentId}`)).body.Data.Status;
  }

  test('12 wrong codes sent at once → at most 3 are checked, the consent is RJCT, and the right code afterwards cannot approve it', async () => {
    const { consentId } = await newConsent();
    const { page, browser } = await openPaymentPage(server, partner, consentId, { username: 'bob' });
    const codePage = await approvePayment(browser, page, 'acc_bob_current');
    const right = sandboxCode(codePage);
    assert.ok(right);
    const wrong = right === '000000' ? '111111' : '000000';
    const results = await Promise.all(Array.from({ length: 12 }, () => enterCode(browser, codePage, wrong)));
    assert.ok(
      results.every((result) => !result.callback?.searchParams.get('code')),
      'no guess yields an authorization code',
    );
    assert.ok(results.filter((result) => result.html.includes('That code is not right')).length <= 2, 'at most two "not right, try again" answers');
    assert.equal(await consentStatus(consentId), 'RJCT');
    const late = await enterCode(browser, codePage, right);
    assert.equal(late.callback?.searchParams.get('code') ?? null, null, 'no authorization code after the consent was rejected');
    assert.equal(await consentStatus(consentId), 'RJCT');
  });

  test('two wrong codes, then a new authorization request → only one attempt is left', async () => {
    const { consentId } = await newConsent();
    const first = await openPaymentPage(server, partner, consentId, { username: 'bob' });
    let result = await approvePayment(first.browser, first.page, 'acc_bob_current');
    const wrong = sandboxCode(result) === '000000' ? '111111' : '000000';
    result = await enterCode(first.browser, result, wrong);
    await enterCode(first.browser, result, wrong);
    const second = await openPaymentPage(server, partner, consentId, { username: 'bob' });
    result = await approvePayment(second.browser, second.page, 'acc_bob_current');
    const fresh = sandboxCode(result);
    result = await enterCode(second.browser, result, fresh === '000000' ? '111111' : '000000');
    assert.equal(result.callback?.searchParams.get('error'), 'access_denied', 'the third wrong code overall rejects the consent');
    assert.equal(await consentStatus(consentId), 'RJCT');
  });

  test('PAR for a payment consent with scope "openid payments accounts" → invalid_request', async () => {
    const { consentId } = await newConsent('10.00');
    await assert.rejects(
      client.buildAuthorizationUrlWithPAR(
        partner.config,
        {
          redirect_uri: REDIRECT_URI,
          scope: 'openid payments accounts',
          code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
          code_challenge_method: 'S256',
          claims: JSON.stringify({ id_token: { openbanking_intent_id: { value: consentId, essential: true } } }),
        },
        { DPoP: partner.dpop },
      ),
      (error: unknown) => (error as { error?: string }).error === 'invalid_request',
    );
  });

  test('a payment token comes without a refresh token', async () => {
    const { consentId } = await newConsent('10.00');
    const { tokens } = await authorisePayment(server, partner, consentId, { username: 'alice', debtorAccountId: 'acc_alice_current' });
    assert.equal(tokens.refresh_token, undefined);
  });

  test("another consent's body and idempotency key with this consent's token → 400 U008 on Data.ConsentId, never the other payment", async () => {
    const a = await newConsent('1.00');
    const b = await newConsent('2.00');
    const tokenA = (await authorisePayment(server, partner, a.consentId, { username: 'alice', debtorAccountId: 'acc_alice_current' })).accessToken;
    const tokenB = (await authorisePayment(server, partner, b.consentId, { username: 'alice', debtorAccountId: 'acc_alice_current' })).accessToken;
    const paid = await partner.signedPost(tokenB, `${PISP}/domestic-payments`, paymentRequest(b.consentId, b.request), {
      idempotencyKey: 'key-shared-1',
    });
    assert.equal(paid.status, 201);
    const crossed = await partner.signedPost(tokenA, `${PISP}/domestic-payments`, paymentRequest(b.consentId, b.request), {
      idempotencyKey: 'key-shared-1',
    });
    assertRefusal(crossed, 400, 'U008', 'Data.ConsentId');
  });

  test('currency "XYZ" → 400 U002 (not an ISO 4217 code); "USD" → 400 U023 (not offered)', async () => {
    const invalid = await partner.createConsent(consentRequest({ amount: '1.00', payee: ACCOUNTS.elsewhere, currency: 'XYZ' }));
    assertRefusal(invalid, 400, 'U002', 'Data.Initiation.InstructedAmount.Currency');
    const unsupported = await partner.createConsent(consentRequest({ amount: '1.00', payee: ACCOUNTS.elsewhere, currency: 'USD' }));
    assertRefusal(unsupported, 400, 'U023', 'Data.Initiation.InstructedAmount.Currency');
  });

  test('a consent body over 60 kB (schema-valid: 500 remittance lines) → 400 U002, nothing stored', async () => {
    const request = consentRequest({ amount: '1.00', payee: ACCOUNTS.elsewhere });
    (request.Data.Initiation as { RemittanceInformation: { Unstructured: string[] } }).RemittanceInformation.Unstructured = Array.from(
      { length: 500 },
      () => 'x'.repeat(140),
    );
    const response = await partner.createConsent(request);
    assertRefusal(response, 400, 'U002');
  });
});
