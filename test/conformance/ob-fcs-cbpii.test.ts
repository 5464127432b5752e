// Ports the 14 cases of the OB Functional Conformance Suite v1.9.1 manifest `ob_4.0_cbpii_fca.json`, in the suite's
// order — create (AWAU), create the consent the PSU authorises (consent job), read it (AUTH), confirm funds (201), delete
// (204), three invalid DebtorAccounts (400), delete an unknown id (400), four ExpirationDateTime formats (201) and a
// request without x-fapi-financial-id (201) — with the suite's request bodies (`OBFundsConfirmationConsent1` and
// `OBFundsConfirmation1` filled from the manifest's parameters), headers and assertions. The manifest gives two cases the
// id OB-301-CBPII-000009; both are kept, told apart by what they send. `$cbpiiDebtorAccount…` is alice's current account
// (the PSU who authorises). The suite calls over mTLS with Bearer tokens; FAPI 2.0 here binds tokens with DPoP, so every
// call is `Authorization: DPoP` with a fresh proof. The confirmation of funds API signs nothing, so no case checks a
// signature.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { SchemaRegistry } from '../../src/validation/schema-registry.js';
import {
  ALICE_CURRENT,
  authoriseFundsConsent,
  FUNDS_CONFIRMATIONS,
  FUNDS_CONSENTS,
  registerFundsPartner,
  type FundsPartner,
} from '../support/funds-partner.js';
import type { ApiResponse } from '../support/partner.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const schemas = SchemaRegistry.load();

const FINANCIAL_ID = '0015800001041RHAAY';
const USER_AGENT = 'OpenBankingFCS/v1.9.1';
/** `$instructedAmountValue` / `$instructedAmountCurrency` of the suite's configuration. */
const AMOUNT = { Amount: '1.00', Currency: 'GBP' };

/** A Go reference-time layout of the manifest, applied to tomorrow (UTC) as `$fn:nextDayDate…` does. */
function nextDay(layout: 'Z07:00' | '.999Z' | '.999-07:00' | 'Z' | '-07:00'): string {
  const tomorrow = new Date(Date.now() + 86_400_000);
  const seconds = tomorrow.toISOString().slice(0, 19);
  const millis = tomorrow.toISOString().slice(19, 23);
  switch (layout) {
    case 'Z07:00':
    case 'Z':
      return `${seconds}Z`;
    case '.999Z':
      return `${seconds}${millis}Z`;
    case '.999-07:00':
      return `${seconds}${millis}+00:00`;
    case '-07:00':
      return `${seconds}+00:00`;
  }
}

/** `$OBFundsConfirmationConsent1` of data.json, filled from a case's parameters. */
function fundsConfirmationConsent(debtor: { SchemeName: string; Identification: string; Name: string }, expirationDateTime: string) {
  return { Data: { DebtorAccount: debtor, ExpirationDateTime: expirationDateTime } };
}

/** `$OBFundsConfirmation1` of data.json: `$fn:instructionIdentificationID()` (a UUID without dashes) as the reference. */
function fundsConfirmation(consentId: string) {
  return { Data: { ConsentId: consentId, Reference: randomUUID().replace(/-/g, '').slice(0, 35), InstructedAmount: AMOUNT } };
}

/** `schemaCheck`: the status, a declared content type, and the body against the operation's schema. */
function assertSchema(response: ApiResponse, status: number, schema: string): void {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.match(response.headers.get('content-type') ?? '', /^application\/json(; charset=utf-8)?$/);
  assert.deepEqual(schemas.validateResponse(schema, response.body), [], `${schema}: ${JSON.stringify(response.body)}`);
}

/** OB3GLOFAPIHeader: the response carries the request's `x-fapi-interaction-id`. */
function assertInteractionId(response: ApiResponse & { interactionId: string }): void {
  assert.equal(response.headers.get('x-fapi-interaction-id'), response.interactionId);
}

/** OB3GLOAAssertConsentId + OB3DOPAssertAwaitingAuthorisationV4. */
function assertAwaitingConsent(response: ApiResponse): void {
  assert.equal(typeof response.body.Data.ConsentId, 'string');
  assert.ok(response.body.Data.ConsentId.length > 0);
  assert.equal(response.body.Data.Status, 'AWAU');
}

describe('OB FCS v1.9.1 CBPII (ob_4.0_cbpii_fca.json)', () => {
  let server: TestServer;
  let partner: FundsPartner;
  const tokens: { CC?: string; AC?: string } = {};
  let consentJob: ApiResponse & { interactionId: string };
  let consentId = '';

  /** One case as the suite's `buildTestCase` sends it, with its standard headers (`x-fapi-financial-id` unless removed). */
  async function send(
    caseId: string,
    credential: 'CC' | 'AC',
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
    options: { removeFinancialId?: boolean } = {},
  ): Promise<ApiResponse & { interactionId: string }> {
    const interactionId = randomUUID();
    const headers: Record<string, string> = {
      'user-agent': USER_AGENT,
      'x-fapi-interaction-id': interactionId,
      'x-fapi-customer-ip-address': '10.1.1.10',
      'x-fcs-testcase-id': caseId,
      ...(options.removeFinancialId ? {} : { 'x-fapi-financial-id': FINANCIAL_ID }),
    };
    const token = tokens[credential];
    assert.ok(token, `no ${credential} token`);
    return { ...(await partner.call(token, method, path, body, headers)), interactionId };
  }

  before(async () => {
    server = await startTestServer();
    partner = await registerFundsPartner(server, 'OB Functional Conformance Suite');
    tokens.CC = await partner.clientCredentialsToken();
    // OB-301-CBPII-000002 is a consent job (requestConsent "true"): it runs before the main run with the CC token, then the
    // PSU authorises its consent (scope "openid fundsconfirmations", the intent claim) and the code becomes the AC token.
    consentJob = await send('OB-301-CBPII-000002', 'CC', 'POST', FUNDS_CONSENTS, fundsConfirmationConsent(ALICE_CURRENT, nextDay('Z07:00')));
    assert.equal(consentJob.status, 201, JSON.stringify(consentJob.body));
    consentId = consentJob.body.Data.ConsentId as string;
    tokens.AC = (await authoriseFundsConsent(server, partner, consentId)).access_token;
  });
  after(async () => server.close());

  test('OB-301-CBPII-000001 POST /funds-confirmation-consents → 201 AWAU, ConsentId, OBFundsConfirmationConsentResponse1', async () => {
    const response = await send('OB-301-CBPII-000001', 'CC', 'POST', FUNDS_CONSENTS, fundsConfirmationConsent(ALICE_CURRENT, nextDay('Z07:00')));
    assertSchema(response, 201, 'OBFundsConfirmationConsentResponse1');
    assertInteractionId(response);
    assertAwaitingConsent(response);
  });

  test('OB-301-CBPII-000002 POST /funds-confirmation-consents (consent job) → 201 AWAU, ConsentId', () => {
    assertSchema(consentJob, 201, 'OBFundsConfirmationConsentResponse1');
    assertInteractionId(consentJob);
    assertAwaitingConsent(consentJob);
  });

  test('OB-301-CBPII-000003 GET /funds-confirmation-consents/{ConsentId} after PSU authorisation → 200 AUTH', async () => {
    const response = await send('OB-301-CBPII-000003', 'CC', 'GET', `${FUNDS_CONSENTS}/${consentId}`);
    assertSchema(response, 200, 'OBFundsConfirmationConsentResponse1');
    assertInteractionId(response);
    assert.equal(response.body.Data.Status, 'AUTH');
  });

  test('OB-301-CBPII-000004 POST /funds-confirmations with the AC token → 201, OBFundsConfirmationResponse1', async () => {
    const response = await send('OB-301-CBPII-000004', 'AC', 'POST', FUNDS_CONFIRMATIONS, fundsConfirmation(consentId));
    assertSchema(response, 201, 'OBFundsConfirmationResponse1');
    assertInteractionId(response);
    assert.equal(response.body.Data.FundsAvailable, true);
  });

  test('OB-301-CBPII-000005 DELETE /funds-confirmation-consents/{ConsentId} → 204', async () => {
    const response = await send('OB-301-CBPII-000005', 'CC', 'DELETE', `${FUNDS_CONSENTS}/${consentId}`);
    assert.equal(response.status, 204);
    assertInteractionId(response);
  });

  test('OB-301-CBPII-000006 POST /funds-confirmation-consents with a DebtorAccount Name over 350 characters → 400', async () => {
    const name = 'MoreThan350characters-'.repeat(17);
    const response = await send(
      'OB-301-CBPII-000006',
      'CC',
      'POST',
      FUNDS_CONSENTS,
      fundsConfirmationConsent({ ...ALICE_CURRENT, Name: name }, nextDay('Z07:00')),
    );
    assertSchema(response, 400, 'OBErrorResponse1');
    assert.equal(response.body.Errors[0].Path, 'Data.DebtorAccount.Name');
  });

  test('OB-301-CBPII-000007 POST /funds-confirmation-consents with a DebtorAccount Identification over 256 characters → 400', async () => {
    const identification = 'MoreThan256characters-'.repeat(13);
    const response = await send(
      'OB-301-CBPII-000007',
      'CC',
      'POST',
      FUNDS_CONSENTS,
      fundsConfirmationConsent({ ...ALICE_CURRENT, Identification: identification }, nextDay('Z07:00')),
    );
    assertSchema(response, 400, 'OBErrorResponse1');
    assert.equal(response.body.Errors[0].Path, 'Data.DebtorAccount.Identification');
  });

  test('OB-301-CBPII-000008 POST /funds-confirmation-consents with an invalid SchemeName → 400', async () => {
    const response = await send(
      'OB-301-CBPII-000008',
      'CC',
      'POST',
      FUNDS_CONSENTS,
      fundsConfirmationConsent({ ...ALICE_CURRENT, SchemeName: 'TestingAnInvalidSchemeName' }, nextDay('Z07:00')),
    );
    assertSchema(response, 400, 'OBErrorResponse1');
    assert.equal(response.body.Errors[0].ErrorCode, 'U027');
  });

  test('OB-301-CBPII-000009 DELETE /funds-confirmation-consents/42 (an invalid ConsentId) → 400', async () => {
    const response = await send('OB-301-CBPII-000009', 'CC', 'DELETE', `${FUNDS_CONSENTS}/42`);
    assertSchema(response, 400, 'OBErrorResponse1');
    assert.equal(response.body.Errors[0].ErrorCode, 'U011');
  });

  for (const [caseId, layout] of [
    ['OB-301-CBPII-000009', '.999Z'],
    ['OB-301-CBPII-000010', '.999-07:00'],
    ['OB-301-CBPII-000011', 'Z'],
    ['OB-301-CBPII-000012', '-07:00'],
  ] as const) {
    test(`${caseId} POST /funds-confirmation-consents with ExpirationDateTime formatted as 2006-01-02T15:04:05${layout} → 201`, async () => {
      const response = await send(caseId, 'CC', 'POST', FUNDS_CONSENTS, fundsConfirmationConsent(ALICE_CURRENT, nextDay(layout)));
      assert.equal(response.status, 201, JSON.stringify(response.body));
      assert.ok(Date.parse(response.body.Data.ExpirationDateTime) > Date.now());
    });
  }

  test('OB-312-CBPII-000100 POST /funds-confirmation-consents without x-fapi-financial-id → 201 AWAU', async () => {
    const response = await send('OB-312-CBPII-000100', 'CC', 'POST', FUNDS_CONSENTS, fundsConfirmationConsent(ALICE_CURRENT, nextDay('Z07:00')), {
      removeFinancialId: true,
    });
    assertSchema(response, 201, 'OBFundsConfirmationConsentResponse1');
    assertInteractionId(response);
    assertAwaitingConsent(response);
  });
});
