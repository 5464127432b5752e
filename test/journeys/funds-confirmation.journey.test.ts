// Proves the confirmation of funds API (CBPII) end to end, driven by openid-client as a card issuer runs it: a consent
// naming the customer's account is created (AWAU, played back, unsigned), the customer approves it on the consent page
// (AUTH, a DPoP-bound refresh token) or denies it (RJCT U033); funds confirmations answer yes for exactly what the
// account can spend (booked balance, pending debits, overdraft) and no for a penny more, never revealing the balance and
// reserving nothing; bad requests get 4xx with OBIE codes; once deleted (CANC) or expired (EXPD) the consent confirms
// nothing and its refresh token is refused.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as client from 'openid-client';
import type { ConsentRow } from '../../src/persistence/entities/consent.entity.js';
import { bookedBalance } from '../support/account-balances.js';
import { customerToken } from '../support/authorise.js';
import {
  ALICE_CURRENT,
  authoriseFundsConsent,
  decideFundsConsent,
  FUNDS_CONFIRMATIONS,
  FUNDS_CONSENTS,
  onePennyMore,
  openFundsConsentPage,
  registerFundsPartner,
  spendableAmount,
  type FundsPartner,
} from '../support/funds-partner.js';
import { pushIntentAuthorizationRequest, registerPartner, type ApiResponse, type Partner } from '../support/partner.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const ALICE = { username: 'alice', password: 'alice-sandbox-1' };

describe('confirmation of funds (CBPII)', () => {
  let server: TestServer;
  let issuer: FundsPartner;

  before(async () => {
    server = await startTestServer();
    issuer = await registerFundsPartner(server);
  });
  after(async () => server.close());

  async function clientCall(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse> {
    return issuer.call(await issuer.clientCredentialsToken(), method, path, body, headers);
  }

  function assertRefused(response: ApiResponse, status: number, errorCode: string, path?: string): void {
    assert.equal(response.status, status, JSON.stringify(response.body));
    assert.equal(response.body.Errors[0].ErrorCode, errorCode, JSON.stringify(response.body));
    if (path !== undefined) assert.equal(response.body.Errors[0].Path, path, JSON.stringify(response.body));
  }

  async function refresh(refreshToken: string) {
    return client.refreshTokenGrant(issuer.config, refreshToken, undefined, { DPoP: issuer.dpop });
  }

  async function expectInvalidGrant(promise: Promise<unknown>) {
    await assert.rejects(promise, (error: client.ResponseBodyError) => error.error === 'invalid_grant');
  }

  /** A consent of Alice's current account, approved by her: its id and the card issuer's tokens. */
  async function authorisedConsent(extra: Record<string, unknown> = {}) {
    const consentId = await issuer.createFundsConsent(ALICE_CURRENT, extra);
    const tokens = await authoriseFundsConsent(server, issuer, consentId);
    return { consentId, tokens };
  }

  test('POST /funds-confirmation-consents → 201 AWAU, DebtorAccount and ExpirationDateTime played back, no signature; GET → 200 the same', async () => {
    const expiration = new Date(Date.now() + 90 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
    const interactionId = '6a7f1c54-2f0e-4d1b-9a3c-1e2d3f4a5b6c';
    const created = await clientCall(
      'POST',
      FUNDS_CONSENTS,
      { Data: { DebtorAccount: ALICE_CURRENT, ExpirationDateTime: expiration } },
      {
        'x-fapi-interaction-id': interactionId,
      },
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.headers.get('x-fapi-interaction-id'), interactionId);
    assert.equal(created.headers.get('x-jws-signature'), null, 'the confirmation of funds API signs nothing');
    const data = created.body.Data;
    assert.match(data.ConsentId, /^fcc_/);
    assert.equal(data.Status, 'AWAU');
    assert.deepEqual(data.DebtorAccount, ALICE_CURRENT);
    assert.equal(data.ExpirationDateTime, expiration);
    assert.equal(created.body.Links.Self, `${server.issuer}${FUNDS_CONSENTS}/${data.ConsentId}`);
    const read = await clientCall('GET', `${FUNDS_CONSENTS}/${data.ConsentId}`);
    assert.equal(read.status, 200);
    assert.deepEqual({ ...read.body.Data }, { ...data });
    assert.equal(read.body.Links.Self, created.body.Links.Self);
  });

  test('POST /funds-confirmation-consents with an x-idempotency-key → ignored: each request creates its own consent', async () => {
    const body = { Data: { DebtorAccount: ALICE_CURRENT } };
    const first = await clientCall('POST', FUNDS_CONSENTS, body, { 'x-idempotency-key': 'same-key-1' });
    const second = await clientCall('POST', FUNDS_CONSENTS, body, { 'x-idempotency-key': 'same-key-1' });
    assert.equal(first.status, 201);
    assert.equal(second.status, 201);
    assert.notEqual(first.body.Data.ConsentId, second.body.Data.ConsentId);
    assert.equal(first.body.Data.ExpirationDateTime, undefined, 'open-ended: no ExpirationDateTime is made up');
  });

  test('customer approves → AUTH, an ID token naming the consent and a refresh token; GET shows AUTH', async () => {
    const { consentId, tokens } = await authorisedConsent();
    assert.equal(tokens.claims()?.openbanking_intent_id, consentId);
    assert.ok(tokens.refresh_token, 'the card issuer checks funds while the customer is away: it gets a refresh token');
    assert.match(tokens.scope ?? '', /fundsconfirmations/);
    const read = await clientCall('GET', `${FUNDS_CONSENTS}/${consentId}`);
    assert.equal(read.body.Data.Status, 'AUTH');
  });

  test('POST /funds-confirmations for exactly what the account can spend → true; a penny more → false; no balance revealed, nothing reserved', async () => {
    const { consentId, tokens } = await authorisedConsent();
    const spendable = await spendableAmount(server.database, 'acc_alice_current');
    const before = await bookedBalance(server.database.dataSource, 'acc_alice_current');
    const yes = await issuer.confirmFunds(tokens.access_token, consentId, spendable, 'GBP', 'AUTH-0001');
    assert.equal(yes.status, 201, JSON.stringify(yes.body));
    assert.equal(yes.headers.get('x-jws-signature'), null);
    assert.deepEqual(Object.keys(yes.body.Data).sort(), [
      'ConsentId',
      'CreationDateTime',
      'FundsAvailable',
      'FundsConfirmationId',
      'InstructedAmount',
      'Reference',
    ]);
    assert.equal(yes.body.Data.FundsAvailable, true);
    assert.equal(yes.body.Data.ConsentId, consentId);
    assert.equal(yes.body.Data.Reference, 'AUTH-0001');
    assert.deepEqual(yes.body.Data.InstructedAmount, { Amount: spendable, Currency: 'GBP' });
    assert.match(yes.body.Data.FundsConfirmationId, /^fcf_/);
    assert.equal(yes.body.Links.Self, `${server.issuer}${FUNDS_CONFIRMATIONS}`);
    const no = await issuer.confirmFunds(tokens.access_token, consentId, onePennyMore(spendable), 'GBP', 'AUTH-0002');
    assert.equal(no.status, 201);
    assert.equal(no.body.Data.FundsAvailable, false);
    assert.notEqual(no.body.Data.FundsConfirmationId, yes.body.Data.FundsConfirmationId);
    assert.equal(await bookedBalance(server.database.dataSource, 'acc_alice_current'), before, 'a confirmation moves no money');
    assert.equal(await spendableAmount(server.database, 'acc_alice_current'), spendable, 'and reserves none');
  });

  test('refresh token → a new access token that confirms funds', async () => {
    const { consentId, tokens } = await authorisedConsent();
    const refreshed = await refresh(tokens.refresh_token as string);
    const answer = await issuer.confirmFunds(refreshed.access_token, consentId, '1.00');
    assert.equal(answer.status, 201);
    assert.equal(answer.body.Data.FundsAvailable, true);
  });

  test('POST /funds-confirmations with bad requests → 400 with the OBIE code and path; 401 for a client token; 403 for a token without the scope', async () => {
    const { consentId, tokens } = await authorisedConsent();
    const token = tokens.access_token;
    const other = await issuer.createFundsConsent();
    assertRefused(await issuer.confirmFunds(token, other, '1.00'), 400, 'U008', 'Data.ConsentId');
    assertRefused(await issuer.confirmFunds(token, consentId, '1.00', 'EUR'), 400, 'U002', 'Data.InstructedAmount.Currency');
    assertRefused(await issuer.confirmFunds(token, consentId, '1.001'), 400, 'U002', 'Data.InstructedAmount.Amount');
    assertRefused(await issuer.confirmFunds(token, consentId, '0.00'), 400, 'U002', 'Data.InstructedAmount.Amount');
    const noReference = await issuer.call(token, 'POST', FUNDS_CONFIRMATIONS, {
      Data: { ConsentId: consentId, InstructedAmount: { Amount: '1.00', Currency: 'GBP' } },
    });
    assertRefused(noReference, 400, 'U004', 'Data.Reference');
    const longReference = await issuer.confirmFunds(token, consentId, '1.00', 'GBP', 'R'.repeat(36));
    assertRefused(longReference, 400, 'U002', 'Data.Reference');
    assert.equal((await issuer.confirmFunds(await issuer.clientCredentialsToken(), consentId, '1.00')).status, 401);
    const reader: Partner = await registerPartner(server, 'Budget Reader');
    const aisToken = await customerToken(server, reader, ['ReadAccountsBasic'], { ...ALICE, accountIds: ['acc_alice_current'] });
    assertRefused(
      await reader.call(aisToken.accessToken, 'POST', FUNDS_CONFIRMATIONS, {
        Data: { ConsentId: aisToken.consentId, Reference: 'R', InstructedAmount: { Amount: '1.00', Currency: 'GBP' } },
      }),
      403,
      'U006',
    );
    assertRefused(
      await reader.call(await reader.clientCredentialsToken(), 'POST', FUNDS_CONSENTS, { Data: { DebtorAccount: ALICE_CURRENT } }),
      403,
      'U006',
    );
  });

  test('customer denies → the card issuer gets access_denied; the consent is RJCT (U033) and cannot be authorised again', async () => {
    const consentId = await issuer.createFundsConsent();
    const { page, browser } = await openFundsConsentPage(server, issuer, consentId, ALICE);
    const result = await decideFundsConsent(browser, page, 'deny');
    assert.equal(result.callback?.searchParams.get('error'), 'access_denied');
    const read = await clientCall('GET', `${FUNDS_CONSENTS}/${consentId}`);
    assert.equal(read.body.Data.Status, 'RJCT');
    assert.equal(read.body.Data.StatusReason[0].StatusReasonCode, 'U033');
    await assert.rejects(issuer.pushAuthorizationRequest(consentId), (error: client.ResponseBodyError) => error.error === 'invalid_request');
  });

  test("a consent naming an account that is not the customer's → no way to approve; a forged approve → access_denied, the consent stays AWAU", async () => {
    const consentId = await issuer.createFundsConsent({ SchemeName: 'UK.OBIE.SortCodeAccountNumber', Identification: '99030141873205', Name: 'Bob' });
    const { page, browser } = await openFundsConsentPage(server, issuer, consentId, ALICE);
    assert.doesNotMatch(page.html, /name="decision" value="approve"/);
    assert.match(page.html, /name="decision" value="deny"/);
    const forged = await decideFundsConsent(browser, page, 'approve');
    assert.equal(forged.callback?.searchParams.get('error'), 'access_denied');
    assert.equal((await clientCall('GET', `${FUNDS_CONSENTS}/${consentId}`)).body.Data.Status, 'AWAU');
  });

  test('DELETE → 204 and CANC (again → 204, unchanged); the customer token confirms nothing (U009) and its refresh token is refused; unknown id → 400 U011', async () => {
    const { consentId, tokens } = await authorisedConsent();
    const deleted = await clientCall('DELETE', `${FUNDS_CONSENTS}/${consentId}`);
    assert.equal(deleted.status, 204);
    assert.equal(deleted.body, undefined);
    assert.equal((await clientCall('GET', `${FUNDS_CONSENTS}/${consentId}`)).body.Data.Status, 'CANC');
    assert.equal((await clientCall('DELETE', `${FUNDS_CONSENTS}/${consentId}`)).status, 204, 'deleting an ended consent changes nothing');
    assert.equal((await clientCall('GET', `${FUNDS_CONSENTS}/${consentId}`)).body.Data.Status, 'CANC');
    assertRefused(await issuer.confirmFunds(tokens.access_token, consentId, '1.00'), 400, 'U009');
    await expectInvalidGrant(refresh(tokens.refresh_token as string));
    assertRefused(await clientCall('DELETE', `${FUNDS_CONSENTS}/fcc_unknown`), 400, 'U011');
    assertRefused(await clientCall('GET', `${FUNDS_CONSENTS}/fcc_unknown`), 400, 'U011');
  });

  test("another card issuer's GET or DELETE of the consent → 403 U011, and the consent is untouched", async () => {
    const consentId = await issuer.createFundsConsent();
    const rival = await registerFundsPartner(server, 'Rival Issuer');
    const token = await rival.clientCredentialsToken();
    assertRefused(await rival.call(token, 'GET', `${FUNDS_CONSENTS}/${consentId}`), 403, 'U011');
    assertRefused(await rival.call(token, 'DELETE', `${FUNDS_CONSENTS}/${consentId}`), 403, 'U011');
    assert.equal((await clientCall('GET', `${FUNDS_CONSENTS}/${consentId}`)).body.Data.Status, 'AWAU');
  });

  test('a consent past its ExpirationDateTime → confirms nothing (U009), GET shows EXPD (TKXP), the refresh token is refused', async () => {
    const { consentId, tokens } = await authorisedConsent({ ExpirationDateTime: new Date(Date.now() + 3600_000).toISOString() });
    await server.database.dataSource.getRepository<ConsentRow>('Consent').update({ id: consentId }, { expiresAt: new Date(Date.now() - 1000) });
    assertRefused(await issuer.confirmFunds(tokens.access_token, consentId, '1.00'), 400, 'U009');
    const read = await clientCall('GET', `${FUNDS_CONSENTS}/${consentId}`);
    assert.equal(read.body.Data.Status, 'EXPD');
    assert.equal(read.body.Data.StatusReason[0].StatusReasonCode, 'TKXP');
    await expectInvalidGrant(refresh(tokens.refresh_token as string));
  });

  test('POST /funds-confirmation-consents with a DebtorAccount this bank cannot check → 400 with the OBIE code and path', async () => {
    const create = (DebtorAccount: unknown, extra: Record<string, unknown> = {}) =>
      clientCall('POST', FUNDS_CONSENTS, { Data: { DebtorAccount, ...extra } });
    assertRefused(await clientCall('POST', FUNDS_CONSENTS, { Data: {} }), 400, 'U004', 'Data.DebtorAccount');
    assertRefused(await create({ ...ALICE_CURRENT, SchemeName: 'UK.OBIE.PAN' }), 400, 'U027', 'Data.DebtorAccount.SchemeName');
    assertRefused(await create({ ...ALICE_CURRENT, Identification: '12345' }), 400, 'U002', 'Data.DebtorAccount.Identification');
    assertRefused(await create({ ...ALICE_CURRENT, Identification: '20325873918204' }), 400, 'U002', 'Data.DebtorAccount.Identification');
    assertRefused(await create(ALICE_CURRENT, { ExpirationDateTime: '2020-01-01T00:00:00+00:00' }), 400, 'U003', 'Data.ExpirationDateTime');
    assertRefused(await create(ALICE_CURRENT, { ExpirationDateTime: 'tomorrow' }), 400, 'U003', 'Data.ExpirationDateTime');
  });

  test('PAR for a funds confirmation consent with the accounts scope → invalid_request', async () => {
    const consentId = await issuer.createFundsConsent();
    await assert.rejects(
      pushIntentAuthorizationRequest(issuer.config, issuer.dpop, consentId, 'openid accounts'),
      (error: client.ResponseBodyError) => error.error === 'invalid_request' || error.error === 'invalid_scope',
    );
  });
});
