// Proves the domestic VRP consent resource as a payment institution and a customer see it, over HTTP with a real relying
// party (private_key_jwt, DPoP, signed requests, every response schema-valid and signed by the bank): creation (AWAU,
// idempotent, control parameters refused with their OBIE code and path), the customer's page stating the mandate in plain
// words, authorisation with the account to pay from, funds confirmation, refresh tokens that outlive the browser session
// and last until ValidToDateTime, the partner's DELETE (then GET → 400), PUT/PATCH not offered, and expiry. The customer's
// cancellation in /account is proven in customer-self-service.journey.test.ts.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import * as client from 'openid-client';
import type { ConsentRow } from '../../src/persistence/entities/consent.entity.js';
import type { OidcModelRow } from '../../src/persistence/entities/oidc-model.entity.js';
import { authorisePayment, debtorChoices, openPaymentPage } from '../support/authorise-payment.js';
import { readForm } from '../support/customer-browser.js';
import { REDIRECT_URI } from '../support/partner.js';
import {
  ACCOUNTS,
  assertRefusal,
  consentRequest,
  dayFromToday,
  PISP,
  registerPaymentPartner,
  VRP_CONSENTS,
  vrpConsentRequest,
  type PaymentPartner,
  type PisResponse,
} from '../support/payment-partner.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('domestic VRP consents', () => {
  let server: TestServer;
  let partner: PaymentPartner;
  let other: PaymentPartner;

  before(async () => {
    server = await startTestServer();
    partner = await registerPaymentPartner(server, 'Sweep Genie');
    other = await registerPaymentPartner(server, 'Someone Else');
  });
  after(async () => server.close());

  async function create(body: unknown = vrpConsentRequest(), idempotencyKey?: string): Promise<PisResponse> {
    return partner.signedPost(await partner.paymentsToken(), VRP_CONSENTS, body, idempotencyKey ? { idempotencyKey } : {});
  }

  async function createdId(body: unknown = vrpConsentRequest()): Promise<string> {
    const response = await create(body);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body.Data.ConsentId as string;
  }

  async function get(consentId: string, caller: PaymentPartner = partner): Promise<PisResponse> {
    return caller.call(await caller.paymentsToken(), 'GET', `${VRP_CONSENTS}/${consentId}`);
  }

  async function remove(consentId: string): Promise<PisResponse> {
    return partner.call(await partner.paymentsToken(), 'DELETE', `${VRP_CONSENTS}/${consentId}`);
  }

  /** A consent alice authorised, paying from her current account: its id and tokens. */
  async function authorised(body: unknown = vrpConsentRequest()) {
    const consentId = await createdId(body);
    const { tokens, accessToken } = await authorisePayment(server, partner, consentId, { username: 'alice', debtorAccountId: 'acc_alice_current' });
    return { consentId, accessToken, refreshToken: tokens.refresh_token };
  }

  async function confirmFunds(token: string, consentId: string, amount = '5.00', bodyConsentId = consentId): Promise<PisResponse> {
    return partner.signedPost(
      token,
      `${VRP_CONSENTS}/${consentId}/funds-confirmation`,
      { Data: { ConsentId: bodyConsentId, Reference: 'SWEEP', InstructedAmount: { Amount: amount, Currency: 'GBP' } } },
      { idempotencyKey: null },
    );
  }

  async function refresh(refreshToken: string) {
    return client.refreshTokenGrant(partner.config, refreshToken, undefined, { DPoP: partner.dpop });
  }

  async function expectInvalidGrant(promise: Promise<unknown>) {
    await assert.rejects(promise, (error: client.ResponseBodyError) => {
      assert.equal(error.error, 'invalid_grant');
      return true;
    });
  }

  const consentRow = async (consentId: string) =>
    (await server.database.dataSource.getRepository<ConsentRow>('Consent').findOneBy({ id: consentId })) as ConsentRow;

  describe('creating and reading', () => {
    test('POST /domestic-vrp-consents → 201 AWAU, a vrc_ ConsentId, ControlParameters, Initiation and Risk played back, Links.Self, signed', async () => {
      const body = vrpConsentRequest();
      const interactionId = randomUUID();
      const response = await partner.signedPost(await partner.paymentsToken(), VRP_CONSENTS, body, {
        headers: { 'x-fapi-interaction-id': interactionId },
      });
      assert.equal(response.status, 201, JSON.stringify(response.body));
      assert.equal(response.headers.get('x-fapi-interaction-id'), interactionId);
      const { Data } = response.body;
      assert.equal(Data.Status, 'AWAU');
      assert.match(Data.ConsentId, /^vrc_/);
      assert.deepEqual(Data.ControlParameters, body.Data.ControlParameters);
      assert.deepEqual(Data.Initiation, body.Data.Initiation);
      assert.deepEqual(response.body.Risk, body.Risk);
      assert.equal(Data.DebtorAccount, undefined, 'no account is chosen yet');
      assert.equal(response.body.Links.Self, `${server.issuer}${VRP_CONSENTS}/${Data.ConsentId}`);
      const row = await consentRow(Data.ConsentId);
      assert.equal(row.kind, 'domestic-vrp');
      assert.ok(row.validFromAt && row.expiresAt, 'its validity is stored');
    });

    test('GET → 200 AWAU; another partner → 403 U011; an unknown id → 400 U011', async () => {
      const consentId = await createdId();
      const read = await get(consentId);
      assert.equal(read.status, 200);
      assert.equal(read.body.Data.Status, 'AWAU');
      assert.equal(read.body.Links.Self, `${server.issuer}${VRP_CONSENTS}/${consentId}`);
      assertRefusal(await get(consentId, other), 403, 'U011');
      assertRefusal(await get('vrc_unknown'), 400, 'U011');
    });

    test('ValidFromDateTime and ValidToDateTime sent without a zone → played back with one (responses always carry a zone)', async () => {
      const response = await create(
        vrpConsentRequest({ controlParameters: { ValidFromDateTime: '2026-01-01T00:00:00', ValidToDateTime: '2099-12-31T00:00:00' } }),
      );
      assert.equal(response.status, 201, JSON.stringify(response.body));
      assert.equal(response.body.Data.ControlParameters.ValidFromDateTime, '2026-01-01T00:00:00.000Z');
      assert.equal(response.body.Data.ControlParameters.ValidToDateTime, '2099-12-31T00:00:00.000Z');
    });

    test('the same x-idempotency-key and body → 201 with the same ConsentId; the same key with another body → 400 U006', async () => {
      const key = randomUUID();
      const first = await create(vrpConsentRequest(), key);
      const again = await create(vrpConsentRequest(), key);
      assert.equal(again.status, 201);
      assert.equal(again.body.Data.ConsentId, first.body.Data.ConsentId);
      const changed = await create(vrpConsentRequest({ controlParameters: { MaximumIndividualAmount: { Amount: '11.00', Currency: 'GBP' } } }), key);
      assertRefusal(changed, 400, 'U006', 'x-idempotency-key');
    });

    test('no x-idempotency-key → 400 U007; no x-jws-signature → 400 U019; a client-credentials token without payments scope → 403', async () => {
      const token = await partner.paymentsToken();
      assertRefusal(await partner.signedPost(token, VRP_CONSENTS, vrpConsentRequest(), { idempotencyKey: null }), 400, 'U007', 'x-idempotency-key');
      assertRefusal(await partner.signedPost(token, VRP_CONSENTS, vrpConsentRequest(), { signature: null }), 400, 'U019');
      const accountsToken = await partner.ais.clientCredentialsToken();
      const response = await partner.signedPost(accountsToken, VRP_CONSENTS, vrpConsentRequest());
      assert.ok([401, 403].includes(response.status), String(response.status));
    });

    const refusals: Array<[string, Record<string, unknown>, Record<string, unknown>, string, string]> = [
      ['an unknown VRPType', { VRPType: ['UK.OBIE.VRPType.Lottery'] }, {}, 'U002', 'Data.ControlParameters.VRPType[0]'],
      [
        'SCA by the PISP (no contract)',
        { PSUAuthenticationMethods: ['UK.OBIE.SCA'] },
        {},
        'U002',
        'Data.ControlParameters.PSUAuthenticationMethods[0]',
      ],
      ['SupplementaryData the bank cannot process', { SupplementaryData: { Note: 'x' } }, {}, 'U002', 'Data.ControlParameters.SupplementaryData'],
      [
        'a Fortnight lined up with the calendar',
        { PeriodicLimits: [{ PeriodType: 'Fortnight', PeriodAlignment: 'Calendar', Amount: '50.00', Currency: 'GBP' }] },
        {},
        'U002',
        'Data.ControlParameters.PeriodicLimits[0].PeriodAlignment',
      ],
      [
        'a limit in another currency',
        { PeriodicLimits: [{ PeriodType: 'Month', PeriodAlignment: 'Calendar', Amount: '50.00', Currency: 'EUR' }] },
        {},
        'U002',
        'Data.ControlParameters.PeriodicLimits[0].Currency',
      ],
      [
        'a currency the bank does not pay in',
        { MaximumIndividualAmount: { Amount: '10.00', Currency: 'USD' } },
        {},
        'U023',
        'Data.ControlParameters.MaximumIndividualAmount.Currency',
      ],
      [
        'more decimals than GBP has',
        { MaximumIndividualAmount: { Amount: '10.001', Currency: 'GBP' } },
        {},
        'U002',
        'Data.ControlParameters.MaximumIndividualAmount.Amount',
      ],
      [
        'a ValidToDateTime already past',
        { ValidFromDateTime: '2020-01-01T00:00:00Z', ValidToDateTime: '2020-02-01T00:00:00Z' },
        {},
        'U003',
        'Data.ControlParameters.ValidToDateTime',
      ],
      ['no PeriodicLimits (minItems 1)', { PeriodicLimits: [] }, {}, 'U002', 'Data.ControlParameters.PeriodicLimits'],
      ['no MaximumIndividualAmount', { MaximumIndividualAmount: undefined }, {}, 'U004', 'Data.ControlParameters.MaximumIndividualAmount'],
      ['no CreditorAccount (no deferred payee here)', {}, { CreditorAccount: undefined }, 'U004', 'Data.Initiation.CreditorAccount'],
      [
        'a payee in an unsupported scheme',
        {},
        { CreditorAccount: { ...ACCOUNTS.bobCurrent, SchemeName: 'UK.OBIE.BBAN' } },
        'U027',
        'Data.Initiation.CreditorAccount.SchemeName',
      ],
    ];
    for (const [what, controlParameters, initiation, code, path] of refusals) {
      test(`POST with ${what} → 400 ${code} at ${path}, nothing stored`, async () => {
        const before = await server.database.dataSource.getRepository<ConsentRow>('Consent').countBy({ kind: 'domestic-vrp' });
        const response = await create(JSON.parse(JSON.stringify(vrpConsentRequest({ controlParameters, initiation }))));
        assertRefusal(response, 400, code, path);
        assert.equal(await server.database.dataSource.getRepository<ConsentRow>('Consent').countBy({ kind: 'domestic-vrp' }), before);
      });
    }
  });

  describe('authorisation', () => {
    test('the consent page states the mandate in plain words and offers only the accounts it may pay from', async () => {
      const consentId = await createdId(
        vrpConsentRequest({
          controlParameters: {
            ValidFromDateTime: '2030-06-05T00:00:00+01:00',
            ValidToDateTime: '2031-06-04T00:00:00+01:00',
            PeriodicLimits: [
              { PeriodType: 'Week', PeriodAlignment: 'Consent', Amount: '50.00', Currency: 'GBP' },
              { PeriodType: 'Month', PeriodAlignment: 'Calendar', Amount: '150.00', Currency: 'GBP' },
            ],
          },
        }),
      );
      const { page } = await openPaymentPage(server, partner, consentId, { username: 'alice' });
      for (const text of [
        'Sweep Genie wants to make payments from your account',
        'Your own account',
        'Sort code 99-03-01, account 31926827',
        'SWEEP TO SAVINGS',
        'Up to £10.00 per payment',
        'Up to £50.00 per week, counted from 5 June 2030',
        'Up to £150.00 per calendar month (£130.00 until 30 June 2030)',
        'From 5 June 2030 to 4 June 2031',
        'without asking you each time',
      ])
        assert.ok(page.html.includes(text), `${text} in ${page.html}`);
      assert.deepEqual(debtorChoices(page), ['acc_alice_current'], 'her GBP accounts, not the payee account itself');
    });

    test('a payee that is not her own account (Other) → named on the page', async () => {
      const consentId = await createdId(
        vrpConsentRequest({ controlParameters: { VRPType: ['UK.OBIE.VRPType.Other'] }, initiation: { CreditorAccount: ACCOUNTS.elsewhere } }),
      );
      const { page } = await openPaymentPage(server, partner, consentId, { username: 'alice' });
      assert.ok(page.html.includes('Foxtons Lettings'));
      assert.ok(page.html.includes('Sort code 40-05-12, account 69871234'));
      assert.deepEqual(debtorChoices(page), ['acc_alice_current', 'acc_alice_savings']);
    });

    test('approve → AUTH with the DebtorAccount chosen; the code exchange gives a refresh token; PAR again → invalid_request', async () => {
      const { consentId, refreshToken } = await authorised();
      const read = await get(consentId);
      assert.equal(read.body.Data.Status, 'AUTH');
      assert.deepEqual(read.body.Data.DebtorAccount, {
        SchemeName: 'UK.OBIE.SortCodeAccountNumber',
        Identification: '99030131926819',
        Name: 'Alice Thompson',
      });
      assert.ok(refreshToken, 'a refresh token, for payments while the customer is away');
      await assert.rejects(partner.pushAuthorizationRequest(consentId), (error: client.ResponseBodyError) => error.error === 'invalid_request');
    });

    test('deny → RJCT (U033) and access_denied to the partner', async () => {
      const consentId = await createdId();
      const { page, browser } = await openPaymentPage(server, partner, consentId, { username: 'alice' });
      const form = readForm(page.html);
      const result = await browser.follow(form.action, REDIRECT_URI, { form: { ...form.hidden, decision: 'deny' } });
      assert.equal(result.callback?.searchParams.get('error'), 'access_denied');
      const read = await get(consentId);
      assert.equal(read.body.Data.Status, 'RJCT');
      assert.equal(read.body.Data.StatusReason[0].StatusReasonCode, 'U033');
    });

    test('PAR for a VRP consent with the accounts scope → invalid_request', async () => {
      const consentId = await createdId();
      await assert.rejects(partner.ais.pushAuthorizationRequest(consentId), (error: client.ResponseBodyError) => error.error === 'invalid_request');
    });
  });

  describe('funds confirmation', () => {
    test('POST …/funds-confirmation with the customer token → 201 Available, OBVRPFundsConfirmationResponse, signed; an amount beyond her funds → NotAvailable', async () => {
      const { consentId, accessToken } = await authorised();
      const response = await confirmFunds(accessToken, consentId);
      assert.equal(response.status, 201, JSON.stringify(response.body));
      assert.equal(response.body.Data.ConsentId, consentId);
      assert.equal(response.body.Data.Reference, 'SWEEP');
      assert.match(response.body.Data.FundsConfirmationId, /^vfc_/);
      assert.equal(response.body.Data.FundsAvailableResult.FundsAvailable, 'Available');
      assert.deepEqual(response.body.Data.InstructedAmount, { Amount: '5.00', Currency: 'GBP' });
      const tooMuch = await confirmFunds(accessToken, consentId, '9999999.00');
      assert.equal(tooMuch.status, 201);
      assert.equal(tooMuch.body.Data.FundsAvailableResult.FundsAvailable, 'NotAvailable');
      assert.equal((await get(consentId)).body.Data.Status, 'AUTH', 'the consent does not change');
    });

    test('with a client-credentials token → 401; with a domestic payment token → 401; another consent in the path → 403; in the body → 400 U002', async () => {
      const { consentId, accessToken } = await authorised();
      assert.equal((await confirmFunds(await partner.paymentsToken(), consentId)).status, 401);
      const payment = await partner.createConsent(consentRequest({ amount: '1.00', payee: ACCOUNTS.bobCurrent }));
      const paymentToken = (
        await authorisePayment(server, partner, payment.body.Data.ConsentId, { username: 'alice', debtorAccountId: 'acc_alice_current' })
      ).accessToken;
      assert.equal((await confirmFunds(paymentToken, consentId)).status, 401);
      const otherConsent = await createdId();
      assertRefusal(await confirmFunds(accessToken, otherConsent), 403, 'U011');
      assertRefusal(await confirmFunds(accessToken, consentId, '5.00', otherConsent), 400, 'U002', 'Data.ConsentId');
    });

    test('without a signature → 400 U019; a body without InstructedAmount → 400 U004', async () => {
      const { consentId, accessToken } = await authorised();
      const path = `${VRP_CONSENTS}/${consentId}/funds-confirmation`;
      const body = { Data: { ConsentId: consentId, InstructedAmount: { Amount: '1.00', Currency: 'GBP' } } };
      assertRefusal(await partner.signedPost(accessToken, path, body, { idempotencyKey: null, signature: null }), 400, 'U019');
      assertRefusal(
        await partner.signedPost(accessToken, path, { Data: { ConsentId: consentId } }, { idempotencyKey: null }),
        400,
        'U004',
        'Data.InstructedAmount',
      );
    });
  });

  describe('tokens', () => {
    test('refresh after the browser session at the bank is gone → a new access token that works; refresh tokens are not rotated', async () => {
      const { consentId, refreshToken } = await authorised();
      await server.database.dataSource.getRepository<OidcModelRow>('OidcModel').delete({ model: 'Session' });
      const tokens = await refresh(refreshToken as string);
      assert.ok(tokens.refresh_token === undefined || tokens.refresh_token === refreshToken);
      assert.equal((await confirmFunds(tokens.access_token, consentId)).status, 201);
      assert.ok((tokens.expires_in ?? 0) <= 300, 'access tokens stay short');
    });

    test('refresh with another DPoP key → invalid_grant (the refresh token is DPoP-bound)', async () => {
      const { refreshToken } = await authorised();
      const otherKey = client.getDPoPHandle(partner.config, await client.randomDPoPKeyPair('ES256'));
      await expectInvalidGrant(client.refreshTokenGrant(partner.config, refreshToken as string, undefined, { DPoP: otherKey }));
    });

    test("the refresh token lives until the consent's end (00:00 UK time after ValidToDateTime's day), its grant 30 days longer", async () => {
      const { consentId } = await authorised(vrpConsentRequest({ controlParameters: { ValidToDateTime: dayFromToday(800) } }));
      const row = await consentRow(consentId);
      const models = server.database.dataSource.getRepository<OidcModelRow>('OidcModel');
      const refreshRow = await models.findOneBy({ model: 'RefreshToken', grantId: row.grantId as string });
      const grantRow = await models.findOneBy({ model: 'Grant', id: row.grantId as string });
      const validTo = (row.expiresAt as Date).getTime();
      assert.ok(
        refreshRow?.expiresAt && Math.abs(refreshRow.expiresAt.getTime() - validTo) < 120_000,
        `${refreshRow?.expiresAt?.toISOString()} vs ${row.expiresAt?.toISOString()}`,
      );
      assert.ok(
        grantRow?.expiresAt && Math.abs(grantRow.expiresAt.getTime() - validTo - 30 * 86_400_000) < 120_000,
        `grant ${grantRow?.expiresAt?.toISOString()}`,
      );
    });
  });

  describe('DELETE, PUT and PATCH', () => {
    test('DELETE → 204 without a body; then GET → 400 U011 and DELETE → 400 U011; its token gets 400 U009 and its refresh token invalid_grant', async () => {
      const { consentId, accessToken, refreshToken } = await authorised();
      const deleted = await remove(consentId);
      assert.equal(deleted.status, 204);
      assert.equal(deleted.raw.length, 0);
      assertRefusal(await get(consentId), 400, 'U011');
      assertRefusal(await remove(consentId), 400, 'U011');
      assertRefusal(await confirmFunds(accessToken, consentId), 400, 'U009');
      await expectInvalidGrant(refresh(refreshToken as string));
      const row = await consentRow(consentId);
      assert.equal(row.status, 'CANC');
      assert.ok(row.deletedAt, 'kept, marked deleted by the partner');
    });

    test("DELETE of another partner's consent → 403 U011 and it stays; of an AWAU one → 204, and it can no longer be authorised", async () => {
      const consentId = await createdId();
      assertRefusal(await other.call(await other.paymentsToken(), 'DELETE', `${VRP_CONSENTS}/${consentId}`), 403, 'U011');
      assert.equal((await get(consentId)).body.Data.Status, 'AWAU');
      assert.equal((await remove(consentId)).status, 204);
      await assert.rejects(partner.pushAuthorizationRequest(consentId), (error: client.ResponseBodyError) => error.error === 'invalid_request');
    });

    test('PUT and PATCH /domestic-vrp-consents/{ConsentId} → 404 U011 as optional endpoints not offered, signed; the consent unchanged', async () => {
      const consentId = await createdId();
      const token = await partner.paymentsToken();
      const body = JSON.stringify(vrpConsentRequest());
      const put = await partner.call(token, 'PUT', `${VRP_CONSENTS}/${consentId}`, {
        body,
        headers: { 'x-idempotency-key': randomUUID(), 'x-jws-signature': await partner.sign(body) },
      });
      assertRefusal(put, 404, 'U011');
      const patch = await partner.call(token, 'PATCH', `${VRP_CONSENTS}/${consentId}`, {
        body: JSON.stringify([{ op: 'replace', path: '/Data/ControlParameters/ValidToDateTime', value: '2099-01-01T00:00:00Z' }]),
        headers: { 'content-type': 'application/json-patch+json' },
      });
      assertRefusal(patch, 404, 'U011');
      assert.equal(patch.headers.get('allow'), null);
      assert.equal((await get(consentId)).body.Data.Status, 'AWAU');
      assertRefusal(await partner.call(token, 'PUT', `${PISP}/domestic-payment-consents/${consentId}`), 405, 'U011');
    });
  });

  describe('expiry', () => {
    test('an AUTH consent past its ValidToDateTime → the expiry job makes it EXPD (TKXP); its token gets U009, its refresh token invalid_grant', async () => {
      const { consentId, accessToken, refreshToken } = await authorised();
      await server.database.dataSource.getRepository<ConsentRow>('Consent').update({ id: consentId }, { expiresAt: new Date(Date.now() - 1000) });
      await server.instance.jobs.expireConsents(new Date());
      assert.equal((await consentRow(consentId)).status, 'EXPD');
      const read = await get(consentId);
      assert.equal(read.body.Data.Status, 'EXPD');
      assert.equal(read.body.Data.StatusReason[0].StatusReasonCode, 'TKXP');
      assertRefusal(await confirmFunds(accessToken, consentId), 400, 'U009');
      await expectInvalidGrant(refresh(refreshToken as string));
    });
  });
});
