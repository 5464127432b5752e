// Proves that what a request carries is bounded the same way on every endpoint, as a partner sees it: a body nesting
// more than 32 levels is 400 U002 with the Path where it does (never a 500, even at 20,000 levels), a body over 60 kB is
// 400 U002 (never U010), and error bodies stay valid OBErrorResponse1 whatever the request makes them quote (ids of
// 4,100 characters, values of 20,000), the quote cut and marked with an ellipsis.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { customerToken } from '../support/authorise.js';
import { authorisePayment } from '../support/authorise-payment.js';
import * as client from 'openid-client';
import { API, REDIRECT_URI, registerPartner, type Partner } from '../support/partner.js';
import { rawCall } from '../support/raw-call.js';
import { callRegistration } from '../support/software-statements.js';
import {
  ACCOUNTS,
  assertRefusal,
  consentRequest,
  paymentRequest,
  PISP,
  registerPaymentPartner,
  type PaymentConsentRequest,
  type PaymentPartner,
  type PisResponse,
} from '../support/payment-partner.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const CONSENTS = `${PISP}/domestic-payment-consents`;
const PAYMENTS = `${PISP}/domestic-payments`;
const LONG_ID = 'a'.repeat(4_100);

/** `{"deep": [[…]]}` with `levels` nested arrays, as text (JSON.stringify cannot write 20,000 levels). */
function deepText(levels: number): string {
  return `{"deep":${'['.repeat(levels)}${']'.repeat(levels)}}`;
}

/** A consent or payment request as text, with `SupplementaryData` set to `supplementaryText` in its Initiation. */
function withSupplementaryData(request: object & { Data: { Initiation: Record<string, unknown> } }, supplementaryText: string): string {
  const marked = { ...request, Data: { ...request.Data, Initiation: { ...request.Data.Initiation, SupplementaryData: 'SUPPLEMENTARY' } } };
  return JSON.stringify(marked).replace('"SUPPLEMENTARY"', supplementaryText);
}

/** The Path of the container beyond the limit in `SupplementaryData.deep`: the root, Data, Initiation, SupplementaryData and `deep` are 5 levels. */
const DEEP_PATH = `Data.Initiation.SupplementaryData.deep${'[0]'.repeat(28)}`;

/** Asserts a refusal whose every message and path is within OBIE's 500 characters and quotes `input` only cut short. */
function assertQuotesCut(body: { Message: string; Errors: Array<{ Message?: string; Path?: string }> }, input: string): void {
  for (const text of [body.Message, ...body.Errors.flatMap((error) => [error.Message ?? '', error.Path ?? ''])]) {
    assert.ok(text.length <= 500, `${text.length} characters`);
    assert.ok(!text.includes(input), 'the input is not quoted whole');
  }
  assert.ok(body.Message.includes(`${input.slice(0, 127)}…`), `the quote is cut and marked: ${body.Message.slice(0, 200)}`);
}

describe('request limits', () => {
  let server: TestServer;
  let partner: Partner;
  let payer: PaymentPartner;
  let customer: string;

  before(async () => {
    server = await startTestServer();
    partner = await registerPartner(server);
    payer = await registerPaymentPartner(server, 'Deep Pay');
    ({ accessToken: customer } = await customerToken(
      server,
      partner,
      ['ReadAccountsDetail', 'ReadBalances', 'ReadTransactionsDetail', 'ReadTransactionsDebits'],
      {
        username: 'alice',
        password: 'alice-sandbox-1',
        accountIds: ['acc_alice_current'],
      },
    ));
  });
  after(async () => server?.close());

  async function consentCount(): Promise<number> {
    return server.database.dataSource.getRepository('Consent').countBy({ clientId: payer.clientId });
  }

  async function authorisedConsent(): Promise<{ consentId: string; request: PaymentConsentRequest; accessToken: string }> {
    const request = consentRequest({ amount: '1.00', payee: ACCOUNTS.elsewhere });
    const created = await payer.createConsent(request);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const consentId = created.body.Data.ConsentId as string;
    const { accessToken } = await authorisePayment(server, payer, consentId, { username: 'alice', debtorAccountId: 'acc_alice_current' });
    return { consentId, request, accessToken };
  }

  describe('nesting', () => {
    test('POST /domestic-payment-consents, signed, fresh key, SupplementaryData nested 20,000 levels → 400 U002 at the 33rd level, nothing stored', async () => {
      const before = await consentCount();
      const body = withSupplementaryData(consentRequest({ amount: '1.00', payee: ACCOUNTS.elsewhere }), deepText(20_000));
      const response = await payer.signedPost(await payer.paymentsToken(), CONSENTS, body);
      assertRefusal(response, 400, 'U002', DEEP_PATH);
      assert.match(response.body.Errors[0].Message, /more than 32 levels deep/);
      assert.equal(await consentCount(), before);
    });

    test('POST /domestic-payments, signed, fresh key, SupplementaryData nested 20,000 levels → 400 U002 at the 33rd level, the consent still AUTH', async () => {
      const { consentId, request, accessToken } = await authorisedConsent();
      const response = await payer.signedPost(accessToken, PAYMENTS, withSupplementaryData(paymentRequest(consentId, request), deepText(20_000)));
      assertRefusal(response, 400, 'U002', DEEP_PATH);
      const consent = await payer.call(await payer.paymentsToken(), 'GET', `${CONSENTS}/${consentId}`);
      assert.equal(consent.body.Data.Status, 'AUTH');
    });

    test('POST /domestic-payment-consents nesting exactly 32 levels → 201; 33 levels → 400 U002', async () => {
      const request = consentRequest({ amount: '1.00', payee: ACCOUNTS.elsewhere });
      const within = await payer.signedPost(await payer.paymentsToken(), CONSENTS, withSupplementaryData(request, deepText(28)));
      assert.equal(within.status, 201, JSON.stringify(within.body));
      const beyond = await payer.signedPost(await payer.paymentsToken(), CONSENTS, withSupplementaryData(request, deepText(29)));
      assertRefusal(beyond, 400, 'U002', DEEP_PATH);
    });

    test('POST /account-access-consents with Permissions nested 20,000 levels → 400 U002 at the 33rd level', async () => {
      const body = `{"Data":{"Permissions":${'['.repeat(20_000)}${']'.repeat(20_000)}},"Risk":{}}`;
      const response = await rawCall(server, partner, await partner.clientCredentialsToken(), 'POST', `${API}/account-access-consents`, body);
      assert.equal(response.status, 400);
      assert.deepEqual(
        response.body.Errors.map((error: { ErrorCode: string; Path?: string }) => [error.ErrorCode, error.Path]),
        [['U002', `Data.Permissions${'[0]'.repeat(30)}`]],
      );
    });
  });

  describe('the authorization request', () => {
    /** A pushed authorization request whose `claims` is `claimsText`, as a partner's client would send it. */
    async function pushWithClaims(claimsText: string): Promise<unknown> {
      const consentId = await partner.createConsent(['ReadAccountsBasic']);
      return client
        .buildAuthorizationUrlWithPAR(
          partner.config,
          {
            redirect_uri: REDIRECT_URI,
            scope: 'openid accounts',
            code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
            code_challenge_method: 'S256',
            claims: claimsText.replace('CONSENT_ID', consentId),
          },
          { DPoP: partner.dpop },
        )
        .then(
          () => assert.fail('the pushed authorization request was accepted'),
          (error: unknown) => error,
        );
    }

    test('PAR whose claims parameter nests 5,000 levels → 400 invalid_request naming the limit, never 500', async () => {
      const deep = `{"id_token":{"openbanking_intent_id":{"value":"CONSENT_ID","essential":true}},"userinfo":{"deep":${'['.repeat(5_000)}${']'.repeat(5_000)}}}`;
      const refusal = await pushWithClaims(deep);
      assert.ok(refusal instanceof client.ResponseBodyError, String(refusal));
      assert.equal(refusal.status, 400);
      assert.equal(refusal.error, 'invalid_request');
      assert.match(refusal.error_description ?? '', /nests deeper than 32 levels/);
    });

    test('PAR whose claims parameter nests 32 levels → accepted', async () => {
      const levels = 32 - 3;
      const claims = `{"id_token":{"openbanking_intent_id":{"value":"CONSENT_ID","essential":true}},"userinfo":{"deep":${'['.repeat(levels)}${']'.repeat(levels)}}}`;
      const consentId = await partner.createConsent(['ReadAccountsBasic']);
      const url = await client.buildAuthorizationUrlWithPAR(
        partner.config,
        {
          redirect_uri: REDIRECT_URI,
          scope: 'openid accounts',
          code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
          code_challenge_method: 'S256',
          claims: claims.replace('CONSENT_ID', consentId),
        },
        { DPoP: partner.dpop },
      );
      assert.ok(url.searchParams.get('request_uri'));
    });
  });

  describe('body size', () => {
    const oversize = (): string => JSON.stringify({ Data: { Permissions: ['ReadAccountsBasic'], Padding: 'x'.repeat(200_000) }, Risk: {} });

    test('POST /account-access-consents with a 200 KB body → 400 U002 "larger than 60 kB", not U010', async () => {
      const response = await rawCall(server, partner, await partner.clientCredentialsToken(), 'POST', `${API}/account-access-consents`, oversize());
      assert.equal(response.status, 400);
      assert.deepEqual(response.body.Errors, [{ ErrorCode: 'U002', Message: 'The request body is larger than 60 kB' }]);
    });

    test('POST /domestic-payment-consents and /domestic-payments with a signed 200 KB body → 400 U002 "larger than 60 kB", not U010', async () => {
      const { accessToken } = await authorisedConsent();
      for (const [token, path] of [
        [await payer.paymentsToken(), CONSENTS],
        [accessToken, PAYMENTS],
      ] as const) {
        const response: PisResponse = await payer.signedPost(token, path, oversize());
        assertRefusal(response, 400, 'U002');
        assert.equal(response.body.Errors[0].Message, 'The request body is larger than 60 kB', path);
      }
    });
  });

  describe('member names', () => {
    test('POST /account-access-consents with a member named __proto__ (valid JSON) → 400 U002 naming it, not U010 "not valid JSON"', async () => {
      const body = '{"Data":{"Permissions":["ReadAccountsBasic"],"__proto__":{"polluted":true}},"Risk":{}}';
      const answer = await rawCall(server, partner, await partner.clientCredentialsToken(), 'POST', `${API}/account-access-consents`, body);
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.deepEqual(
        answer.body.Errors.map((error: { ErrorCode: string }) => error.ErrorCode),
        ['U002'],
      );
      assert.match(answer.body.Errors[0].Message, /member named __proto__/);
    });

    test('POST /register with a member named __proto__ → 400 invalid_client_metadata naming it', async () => {
      const answer = await callRegistration(server, 'POST', {
        body: '{"software_statement":"x","__proto__":{"polluted":true}}',
        contentType: 'application/json',
      });
      assert.equal(answer.status, 400);
      assert.deepEqual(answer.body, {
        error: 'invalid_client_metadata',
        error_description: 'The registration request has a member named __proto__, which is not allowed',
      });
    });
  });

  describe('error bodies quoting input', () => {
    test('GET /accounts/{a 4,100-character id} with a customer token → 403 U011, an OBErrorResponse1 quoting the id cut to 128 characters', async () => {
      const response = await partner.call(customer, 'GET', `${API}/accounts/${LONG_ID}`);
      assert.equal(response.status, 403);
      assert.equal(response.body.Errors[0].ErrorCode, 'U011');
      assertQuotesCut(response.body, LONG_ID);
    });

    test('every other {id} path with a 4,100-character id → 4xx with a valid OBErrorResponse1', async () => {
      for (const path of [`/accounts/${LONG_ID}/balances`, `/accounts/${LONG_ID}/transactions`]) {
        const response = await partner.call(customer, 'GET', `${API}${path}`);
        assert.equal(response.status, 403, path);
      }
      const consentResponse = await partner.call(await partner.clientCredentialsToken(), 'GET', `${API}/account-access-consents/${LONG_ID}`);
      assert.equal(consentResponse.status, 400);
      assertQuotesCut(consentResponse.body, LONG_ID);
      const token = await payer.paymentsToken();
      for (const path of [`${CONSENTS}/${LONG_ID}`, `${PAYMENTS}/${LONG_ID}`, `${PAYMENTS}/${LONG_ID}/payment-details`]) {
        const response = await payer.call(token, 'GET', path);
        assert.equal(response.status, 400, path);
        assertQuotesCut(response.body, LONG_ID);
      }
    });

    test('POST /domestic-payment-consents with a 20,000-character LocalInstrument → 400 U026; SchemeName → 400 U027; both quoted cut', async () => {
      const value = `UK.OBIE.${'Z'.repeat(20_000)}`;
      const instrument = await payer.createConsent(consentRequest({ amount: '1.00', payee: ACCOUNTS.elsewhere, localInstrument: value }));
      assertRefusal(instrument, 400, 'U026', 'Data.Initiation.LocalInstrument');
      assertQuotesCut(instrument.body, value);
      const scheme = await payer.createConsent(consentRequest({ amount: '1.00', payee: { ...ACCOUNTS.elsewhere, SchemeName: value } }));
      assertRefusal(scheme, 400, 'U027', 'Data.Initiation.CreditorAccount.SchemeName');
      assertQuotesCut(scheme.body, value);
    });
  });
});
