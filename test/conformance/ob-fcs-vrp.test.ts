// Ports the 11 cases of the OB Functional Conformance Suite v1.9.1 manifest `ob_4.0_variable_recurring_payments.json`,
// in the suite's order — create (AWAU), pay (201), read once the PSU authorised it (AUTH), confirm funds (201), read the
// payment, pay again, read it and its payment details, delete (204), read the deleted consent (400) and delete it again
// (400 or 204) — with the suite's request bodies (`minimalDomesticVRPConsentV4`, `minimalDomesticVRPConfirmation` of
// data.json), headers and assertions. Two differences, each forced by a rule of this bank: the suite's configured
// creditor (`$creditor…`) is the PSU's own savings account, because a sweeping mandate pays only the customer's own
// accounts; and the repeated payment (OB-301-VRP-100700) carries a new InstructionIdentification, because this bank pays
// each InstructionIdentification of a mandate once (a repeat is 409 U029: a replay must never pay twice). The suite calls
// over mTLS with Bearer tokens; FAPI 2.0 here binds tokens with DPoP, so every call is `Authorization: DPoP` with a fresh
// proof; its response-signature check (`validateSignature`) is applied with our trust anchor instead of the OB
// directory's.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { SchemaRegistry } from '../../src/validation/schema-registry.js';
import { authorisePayment } from '../support/authorise-payment.js';
import { PISP, registerPaymentPartner, VRP_CONSENTS, type PaymentPartner, type PisResponse } from '../support/payment-partner.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const schemas = SchemaRegistry.load();

const FINANCIAL_ID = '0015800001041RHAAY';
const USER_AGENT = 'OpenBankingFCS/v1.9.1';
/** `$instructedAmountValue` / `$instructedAmountCurrency` / `$creditor…` of the suite's configuration: 1.00 GBP to alice's savings. */
const AMOUNT = { Amount: '1.00', Currency: 'GBP' };
const CREDITOR = { SchemeName: 'UK.OBIE.SortCodeAccountNumber', Identification: '99030131926827', Name: 'Alice Thompson' };
const VRPS = `${PISP}/domestic-vrps`;

/** `$fn:instructionIdentificationID()`: a UUID without its dashes. */
function instructionIdentificationId(): string {
  return randomUUID().replace(/-/g, '').slice(0, 35);
}
/** `$transactionFromDate` / `$transactionToDate` of the suite's configuration. */
const TRANSACTION_FROM_DATE = '2016-01-01T10:40:00+02:00';
const TRANSACTION_TO_DATE = `${new Date().getUTCFullYear() + 2}-12-31T10:40:00+02:00`;

/** `$minimalDomesticVRPConsentV4` of data.json: Sweeping, SCANotRequired, £10.00 a payment and a Consent-aligned week. */
function minimalDomesticVrpConsentV4() {
  return {
    Data: {
      ControlParameters: {
        PSUAuthenticationMethods: ['UK.OBIE.SCANotRequired'],
        VRPType: ['UK.OBIE.VRPType.Sweeping'],
        ValidFromDateTime: TRANSACTION_FROM_DATE,
        ValidToDateTime: TRANSACTION_TO_DATE,
        MaximumIndividualAmount: { Amount: '10.00', Currency: AMOUNT.Currency },
        PeriodicLimits: [{ Amount: '10.00', Currency: 'GBP', PeriodAlignment: 'Consent', PeriodType: 'Week' }],
      },
      Initiation: {
        CreditorAccount: CREDITOR,
        RemittanceInformation: { Structured: [{ CreditorReferenceInformation: { Reference: CREDITOR.Identification } }], Unstructured: [] },
      },
    },
    Risk: {},
  };
}

/** The suite's VRP request (`minimalDomesticVRPV4`): the consent's Initiation and Risk, an instruction of `AMOUNT`. */
function minimalDomesticVrp(consentId: string, instructionIdentification: string) {
  const consent = minimalDomesticVrpConsentV4();
  return {
    Data: {
      ConsentId: consentId,
      PSUAuthenticationMethod: 'UK.OBIE.SCANotRequired',
      VRPType: 'UK.OBIE.VRPType.Sweeping',
      Initiation: consent.Data.Initiation,
      Instruction: {
        InstructionIdentification: instructionIdentification,
        EndToEndIdentification: 'e2e-domestic-pay',
        InstructedAmount: AMOUNT,
        CreditorAccount: CREDITOR,
        RemittanceInformation: consent.Data.Initiation.RemittanceInformation,
      },
    },
    Risk: {},
  };
}

/** `$minimalDomesticVRPConfirmation` of data.json. */
function minimalDomesticVrpConfirmation(consentId: string) {
  return { Data: { ConsentId: consentId, Reference: CREDITOR.Identification, InstructedAmount: AMOUNT } };
}

interface CaseResponse extends PisResponse {
  readonly interactionId: string;
}

/** `schemaCheck`: the status is declared, the content type a declared one, the body satisfies the operation's schema. */
function assertSchema(response: CaseResponse, status: number, schema: string): void {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.match(response.headers.get('content-type') ?? '', /^application\/json(; charset=utf-8)?$/);
  assert.deepEqual(schemas.validateResponse(schema, response.body), [], `${schema}: ${JSON.stringify(response.body)}`);
}

/** OB3GLOFAPIHeader: the response carries an `x-fapi-interaction-id`. */
function assertInteractionIdPresent(response: CaseResponse): void {
  assert.ok(response.headers.get('x-fapi-interaction-id'), 'x-fapi-interaction-id present');
}

describe('OB FCS v1.9.1 VRP (ob_4.0_variable_recurring_payments.json)', () => {
  let server: TestServer;
  let partner: PaymentPartner;
  const tokens: { CC?: string; AC?: string } = {};
  let consentJob: CaseResponse;
  let consentId = '';
  const vrpIds: Record<string, string> = {};

  /** One case as the suite's `buildTestCase` sends it: its standard headers, and for POSTs a fresh idempotency key and the JWS. */
  async function send(
    caseId: string,
    credential: 'CC' | 'AC',
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<CaseResponse> {
    const interactionId = randomUUID();
    const headers: Record<string, string> = {
      'user-agent': USER_AGENT,
      'x-fapi-financial-id': FINANCIAL_ID,
      'x-fapi-interaction-id': interactionId,
      'x-fapi-customer-ip-address': '10.1.1.10',
      'x-fcs-testcase-id': caseId,
    };
    const token = tokens[credential];
    assert.ok(token, `no ${credential} token`);
    const url = path.startsWith('/open-banking/') ? path : `${VRP_CONSENTS}${path}`;
    if (method !== 'POST') return { ...(await partner.call(token, method, url, { headers })), interactionId };
    const response = await partner.signedPost(token, url, body, { idempotencyKey: `${caseId}-${Date.now()}`, headers });
    return { ...response, interactionId };
  }

  before(async () => {
    server = await startTestServer();
    partner = await registerPaymentPartner(server, 'OB Functional Conformance Suite');
    tokens.CC = await partner.paymentsToken();
    // OB-301-VRP-100100 is a consent job (requestConsent "true"): it runs before the main run with the CC token, then the
    // PSU authorises its consent (scope "openid payments", the intent claim) and the code becomes the AC token.
    consentJob = await send('OB-301-VRP-100100', 'CC', 'POST', '', minimalDomesticVrpConsentV4());
    assert.equal(consentJob.status, 201, JSON.stringify(consentJob.body));
    consentId = consentJob.body.Data.ConsentId as string;
    tokens.AC = (await authorisePayment(server, partner, consentId, { username: 'alice', debtorAccountId: 'acc_alice_current' })).accessToken;
  });
  after(async () => server.close());

  test('OB-301-VRP-100100 POST /domestic-vrp-consents, minimal data (consent job) → 201 AWAU, ConsentId, OBDomesticVRPConsentResponse, signed', () => {
    assertSchema(consentJob, 201, 'OBDomesticVRPConsentResponse');
    assertInteractionIdPresent(consentJob);
    assert.equal(consentJob.body.Data.Status, 'AWAU');
    assert.equal(typeof consentJob.body.Data.ConsentId, 'string');
  });

  test('OB-301-VRP-100600 POST /domestic-vrps with minimal data, AC token → 201, OBDomesticVRPResponse, signed', async () => {
    const response = await send('OB-301-VRP-100600', 'AC', 'POST', VRPS, minimalDomesticVrp(consentId, instructionIdentificationId()));
    assertSchema(response, 201, 'OBDomesticVRPResponse');
    vrpIds['100600'] = response.body.Data.DomesticVRPId as string;
  });

  test('OB-301-VRP-100610 GET /domestic-vrp-consents/{ConsentId} after PSU authorisation → 200 AUTH, signed', async () => {
    const response = await send('OB-301-VRP-100610', 'CC', 'GET', `/${consentId}`);
    assertSchema(response, 200, 'OBDomesticVRPConsentResponse');
    assertInteractionIdPresent(response);
    assert.equal(response.body.Data.Status, 'AUTH');
  });

  test('OB-301-VRP-100650 POST /domestic-vrp-consents/{ConsentId}/funds-confirmation with the AC token → 201, signed', async () => {
    const response = await send('OB-301-VRP-100650', 'AC', 'POST', `/${consentId}/funds-confirmation`, minimalDomesticVrpConfirmation(consentId));
    assertSchema(response, 201, 'OBVRPFundsConfirmationResponse');
    assert.equal(response.body.Data.FundsAvailableResult.FundsAvailable, 'Available');
  });

  test('OB-301-VRP-10670 GET /domestic-vrps/{DomesticVRPId} of OB-301-VRP-100600 → 200, signed', async () => {
    const response = await send('OB-301-VRP-10670', 'CC', 'GET', `${VRPS}/${vrpIds['100600'] ?? ''}`);
    assertSchema(response, 200, 'OBDomesticVRPResponse');
    assertInteractionIdPresent(response);
  });

  test('OB-301-VRP-100700 POST /domestic-vrps again (a repeated payment under the mandate) → 201', async () => {
    const response = await send('OB-301-VRP-100700', 'AC', 'POST', VRPS, minimalDomesticVrp(consentId, instructionIdentificationId()));
    assertSchema(response, 201, 'OBDomesticVRPResponse');
    vrpIds['100700'] = response.body.Data.DomesticVRPId as string;
    assert.notEqual(vrpIds['100700'], vrpIds['100600']);
  });

  test('OB-301-VRP-101100 GET /domestic-vrps/{DomesticVRPId} of OB-301-VRP-100700 → 200, signed', async () => {
    const response = await send('OB-301-VRP-101100', 'CC', 'GET', `${VRPS}/${vrpIds['100700'] ?? ''}`);
    assertSchema(response, 200, 'OBDomesticVRPResponse');
    assertInteractionIdPresent(response);
  });

  test('OB-301-VRP-101200 GET /domestic-vrps/{DomesticVRPId}/payment-details → 200, signed', async () => {
    const response = await send('OB-301-VRP-101200', 'CC', 'GET', `${VRPS}/${vrpIds['100700'] ?? ''}/payment-details`);
    assertSchema(response, 200, 'OBDomesticVRPDetails');
    assertInteractionIdPresent(response);
  });

  test('OB-301-VRP-102100 DELETE /domestic-vrp-consents/{ConsentId} → 204', async () => {
    const response = await send('OB-301-VRP-102100', 'CC', 'DELETE', `/${consentId}`);
    assert.equal(response.status, 204);
    assertInteractionIdPresent(response);
  });

  test('OB-301-VRP-102150 GET the deleted consent → 400', async () => {
    const response = await send('OB-301-VRP-102150', 'CC', 'GET', `/${consentId}`);
    assertSchema(response, 400, 'OBErrorResponse1');
    assert.equal(response.body.Errors[0].ErrorCode, 'U011');
  });

  test('OB-301-VRP-102200 DELETE the deleted consent again → 400 or 204 (here 400 U011)', async () => {
    const response = await send('OB-301-VRP-102200', 'CC', 'DELETE', `/${consentId}`);
    assert.ok([400, 204].includes(response.status), String(response.status));
    assert.equal(response.status, 400);
    assert.equal(response.body.Errors[0].ErrorCode, 'U011');
  });
});
