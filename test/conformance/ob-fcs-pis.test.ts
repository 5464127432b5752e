// Ports the 8 domestic-payment and the 4 international-payment cases of the OB Functional Conformance Suite v1.9.1
// manifest `ob_4.0_payment_fca.json`, with the suite's request bodies, headers and assertions (its other 17 cases,
// scheduled payments and standing orders, are ported in ob-fcs-pis-scheduled.test.ts). The suite calls over mTLS with
// Bearer tokens; FAPI 2.0 here binds tokens with DPoP, so every call is `Authorization: DPoP` with a fresh proof. Its
// response-signature check (`validateSignature`) is applied with our trust anchor instead of the OB directory's.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OB_ISS } from '../../src/http/jws/detached-jws.js';
import { authorisePayment } from '../support/authorise-payment.js';
import { registerPaymentPartner, type PaymentPartner } from '../support/payment-partner.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import {
  AMOUNT,
  assertErrorCodeOneOf,
  assertInteractionIdPresent,
  assertSchema,
  CREDITOR,
  FCS_PAYMENT_STATUSES,
  instructionIdentificationId,
  sendCase,
  type CaseOptions,
  type CaseResponse,
} from './fcs-pis-cases.js';

/** `$minimalDomesticPaymentConsent` of `data.json`: no DebtorAccount, no LocalInstrument, an empty Risk. */
function minimalDomesticPaymentConsent(instructionIdentification: string, endToEndIdentification = 'e2e-domestic-pay') {
  return {
    Data: {
      Initiation: {
        InstructionIdentification: instructionIdentification,
        EndToEndIdentification: endToEndIdentification,
        InstructedAmount: AMOUNT,
        CreditorAccount: CREDITOR,
      },
    },
    Risk: {},
  };
}

describe('OB FCS v1.9.1 PIS (ob_4.0_payment_fca.json), domestic payments', () => {
  let server: TestServer;
  let partner: PaymentPartner;
  const tokens: { CC?: string; AC?: string } = {};
  /** The consent job OB-400-DOP-100300 and what the main run reads from it. */
  let consentJob: CaseResponse;
  const context: { consentId?: string; instructionIdentification?: string; domesticPaymentId?: string } = {};

  const send = (caseId: string, credential: 'CC' | 'AC', method: 'GET' | 'POST', path: string, options: CaseOptions = {}) =>
    sendCase(partner, tokens[credential], caseId, method, path, options);

  before(async () => {
    server = await startTestServer();
    partner = await registerPaymentPartner(server, 'OB Functional Conformance Suite');
    tokens.CC = await partner.paymentsToken();
    // OB-400-DOP-100300 is a consent job (requestConsent: "true"): it runs before the main run with the CC token,
    // then the PSU authorises its consent (scope "openid payments", the intent claim) and the code becomes the AC token.
    context.instructionIdentification = instructionIdentificationId();
    consentJob = await send('OB-400-DOP-100300', 'CC', 'POST', '/domestic-payment-consents', {
      body: minimalDomesticPaymentConsent(context.instructionIdentification),
    });
    assert.equal(consentJob.status, 201, JSON.stringify(consentJob.body));
    context.consentId = consentJob.body.Data.ConsentId;
    tokens.AC = (
      await authorisePayment(server, partner, context.consentId as string, { username: 'alice', debtorAccountId: 'acc_alice_current' })
    ).accessToken;
  });
  after(async () => server.close());

  test('OB-400-DOP-100300 POST /domestic-payment-consents, minimal data (consent job) → 201 AWAU, ConsentId, OBWriteDomesticConsentResponse5, signed', () => {
    assertSchema(consentJob, 201, 'OBWriteDomesticConsentResponse5');
    assertInteractionIdPresent(consentJob);
    assert.equal(consentJob.body.Data.Status, 'AWAU');
    assert.equal(typeof consentJob.body.Data.ConsentId, 'string');
    assert.ok(tokens.AC, 'the PSU authorised the consent and the code was exchanged for the AC token');
  });

  test('OB-316-DOP-100310 POST /domestic-payment-consents without x-jws-signature → 400 U019, OBErrorResponse1', async () => {
    const response = await send('OB-316-DOP-100310', 'CC', 'POST', '/domestic-payment-consents', {
      body: minimalDomesticPaymentConsent(instructionIdentificationId(), instructionIdentificationId()),
      signature: null,
    });
    assertSchema(response, 400, 'OBErrorResponse1');
    assertErrorCodeOneOf(response, ['U019']);
  });

  test('OB-400-DOP-100100 POST /domestic-payment-consents → 201 AWAU, ConsentId, OBWriteDomesticConsentResponse5, signed', async () => {
    const response = await send('OB-400-DOP-100100', 'CC', 'POST', '/domestic-payment-consents', {
      body: minimalDomesticPaymentConsent(instructionIdentificationId()),
    });
    assertSchema(response, 201, 'OBWriteDomesticConsentResponse5');
    assertInteractionIdPresent(response);
    assert.equal(response.body.Data.Status, 'AWAU');
    assert.equal(typeof response.body.Data.ConsentId, 'string');
  });

  test('OB-400-DOP-100110 POST /domestic-payment-consents with the iss claim removed from the JWS (re-signed over an empty payload) → 400 U016, U017 or U018', async () => {
    // The suite's ModifyJWSHeaders deletes http://openbanking.org.uk/iss, keeps crit as it was and re-signs over
    // the (empty) detached payload; the header must be refused before the signature is checked (U015 fails the case).
    const response = await send('OB-400-DOP-100110', 'CC', 'POST', '/domestic-payment-consents', {
      body: minimalDomesticPaymentConsent(instructionIdentificationId(), instructionIdentificationId()),
      signature: { omit: [OB_ISS], signedBody: '' },
    });
    assertErrorCodeOneOf(response, ['U016', 'U017', 'U018']);
    assert.deepEqual(
      response.body.Errors.map((error: { ErrorCode: string; Path: string }) => [error.ErrorCode, error.Path]),
      [['U017', OB_ISS]],
      'the recommended answer: the missing claim, by name',
    );
  });

  test('OB-400-DOP-100400 GET /domestic-payment-consents/{ConsentId} with the CC token after PSU authorisation → 200 AUTH, signed', async () => {
    const response = await send('OB-400-DOP-100400', 'CC', 'GET', `/domestic-payment-consents/${context.consentId}`);
    assertSchema(response, 200, 'OBWriteDomesticConsentResponse5');
    assertInteractionIdPresent(response);
    assert.equal(response.body.Data.Status, 'AUTH');
  });

  test('OB-400-DOP-100500 GET /domestic-payment-consents/{ConsentId}/funds-confirmation with the AC token → 200, FundsAvailable true, signed', async () => {
    const response = await send('OB-400-DOP-100500', 'AC', 'GET', `/domestic-payment-consents/${context.consentId}/funds-confirmation`);
    assertSchema(response, 200, 'OBWriteFundsConfirmationResponse1');
    assert.equal(String(response.body.Data.FundsAvailableResult.FundsAvailable), 'true');
  });

  test('OB-400-DOP-100600 POST /domestic-payments repeating the consent with the AC token → 201, OBWriteDomesticResponse5, signed', async () => {
    const body = minimalDomesticPaymentConsent(context.instructionIdentification as string);
    const response = await send('OB-400-DOP-100600', 'AC', 'POST', '/domestic-payments', {
      body: { Data: { ConsentId: context.consentId, Initiation: body.Data.Initiation }, Risk: body.Risk },
    });
    assertSchema(response, 201, 'OBWriteDomesticResponse5');
    assert.ok(
      FCS_PAYMENT_STATUSES.includes(response.body.Data.Status),
      `${response.body.Data.Status} is valid in the suite's own copy of the schema too`,
    );
    context.domesticPaymentId = response.body.Data.DomesticPaymentId;
  });

  test('OB-400-DOP-100700 GET /domestic-payments/{DomesticPaymentId} with the CC token → 200, OBWriteDomesticResponse5, signed', async () => {
    const response = await send('OB-400-DOP-100700', 'CC', 'GET', `/domestic-payments/${context.domesticPaymentId}`);
    assertSchema(response, 200, 'OBWriteDomesticResponse5');
    assert.ok(
      FCS_PAYMENT_STATUSES.includes(response.body.Data.Status),
      `${response.body.Data.Status} is valid in the suite's own copy of the schema too`,
    );
    assert.equal(response.body.Data.DomesticPaymentId, context.domesticPaymentId);
  });
});

/**
 * `$minimalInternationalPaymentConsentV4` of `data.json`, with the suite's configuration: `$currencyOfTransfer` USD,
 * `$instructedAmountValue`/`Currency` 1.00 GBP, an IBAN creditor at another bank; no ExchangeRateInformation (the bank's
 * Indicative rate), an empty Risk.
 */
function minimalInternationalPaymentConsent(instructionIdentification: string) {
  return {
    Data: {
      Initiation: {
        InstructionIdentification: instructionIdentification,
        EndToEndIdentification: 'e2e-internat-pay',
        CurrencyOfTransfer: 'USD',
        InstructedAmount: AMOUNT,
        CreditorAccount: { SchemeName: 'UK.OBIE.IBAN', Identification: 'DE89370400440532013000', Name: 'International Creditor' },
      },
    },
    Risk: {},
  };
}

describe('OB FCS v1.9.1 PIS (ob_4.0_payment_fca.json), international payments', () => {
  let server: TestServer;
  let partner: PaymentPartner;
  const tokens: { CC?: string; AC?: string } = {};
  /** The consent job OB-400-DOP-101600. */
  let consentJob: CaseResponse;
  const context: { consentId?: string; instructionIdentification?: string; internationalPaymentId?: string } = {};
  const send = (caseId: string, credential: 'CC' | 'AC', method: 'GET' | 'POST', path: string, options: CaseOptions = {}) =>
    sendCase(partner, tokens[credential], caseId, method, path, options);

  before(async () => {
    server = await startTestServer();
    partner = await registerPaymentPartner(server, 'OB Functional Conformance Suite');
    tokens.CC = await partner.paymentsToken();
    // OB-400-DOP-101600 is a consent job (requestConsent: "true"): the PSU authorises its consent before the main run.
    context.instructionIdentification = instructionIdentificationId();
    consentJob = await send('OB-400-DOP-101600', 'CC', 'POST', '/international-payment-consents', {
      body: minimalInternationalPaymentConsent(context.instructionIdentification),
    });
    assert.equal(consentJob.status, 201, JSON.stringify(consentJob.body));
    context.consentId = consentJob.body.Data.ConsentId;
    tokens.AC = (
      await authorisePayment(server, partner, context.consentId as string, { username: 'alice', debtorAccountId: 'acc_alice_current' })
    ).accessToken;
  });
  after(async () => server.close());

  test('OB-400-DOP-101600 POST /international-payment-consents, minimal data (consent job) → 201 AWAU, ConsentId, OBWriteInternationalConsentResponse6', () => {
    assertSchema(consentJob, 201, 'OBWriteInternationalConsentResponse6');
    assertInteractionIdPresent(consentJob);
    assert.equal(consentJob.body.Data.Status, 'AWAU');
    assert.ok(typeof consentJob.body.Data.ConsentId === 'string' && consentJob.body.Data.ConsentId.length > 0);
  });

  test('OB-400-DOP-101700 GET /international-payment-consents/{ConsentId} after PSU authorisation → 200 AUTH, signed', async () => {
    const response = await send('OB-400-DOP-101700', 'CC', 'GET', `/international-payment-consents/${context.consentId}`);
    assertSchema(response, 200, 'OBWriteInternationalConsentResponse6');
    assert.equal(response.body.Data.Status, 'AUTH');
  });

  test('OB-400-DOP-101800 POST /international-payments repeating the consent with the AC token → 201, InternationalPaymentId, OBWriteInternationalResponse5', async () => {
    const consent = minimalInternationalPaymentConsent(context.instructionIdentification as string);
    const response = await send('OB-400-DOP-101800', 'AC', 'POST', '/international-payments', {
      body: { Data: { ConsentId: context.consentId, Initiation: consent.Data.Initiation }, Risk: consent.Risk },
    });
    assertSchema(response, 201, 'OBWriteInternationalResponse5');
    assert.ok(typeof response.body.Data.InternationalPaymentId === 'string' && response.body.Data.InternationalPaymentId.length > 0);
    context.internationalPaymentId = response.body.Data.InternationalPaymentId;
  });

  test('OB-400-DOP-101900 GET /international-payments/{InternationalPaymentId} with the CC token → 200, OBWriteInternationalResponse5, signed', async () => {
    const response = await send('OB-400-DOP-101900', 'CC', 'GET', `/international-payments/${context.internationalPaymentId}`);
    assertSchema(response, 200, 'OBWriteInternationalResponse5');
    assert.ok(
      FCS_PAYMENT_STATUSES.includes(response.body.Data.Status),
      `${response.body.Data.Status} is valid in the suite's own copy of the schema too`,
    );
    assert.equal(response.body.Data.InternationalPaymentId, context.internationalPaymentId);
  });
});
