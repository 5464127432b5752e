// Proves international payments end to end as a payment institution sees them (openid-client, DPoP, signed requests and responses, every body schema-checked): consents quote an Actual rate with its expiry or an Indicative one, or check an Agreed rate against its FX contract; the customer pays from an account in its own currency; the debit, the FX positions, the charges and the credit in the transfer currency land on the ledger to the minor unit (ledger invariants after each); the sandbox scheme settles or returns the payment (the conversion unwound), with a resource-update event; refused requests get OBIE errors.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { derivedSecret, loadKeyMaterial } from '../../src/oauth/key-material.js';
import { FX_CONTRACT_SECRET_PURPOSE, issueFxContract } from '../../src/domain/payments/international/fx-contracts.js';
import { parseExchangeRate } from '../../src/domain/fx/exchange-rate.js';
import type { EventNotificationRow } from '../../src/persistence/entities/event.entity.js';
import { TypeOrmServerKeyStore } from '../../src/persistence/stores/server-key-store.js';
import { bookedBalance, bookedBalances } from '../support/account-balances.js';
import { authorisePayment, debtorChoices, openPaymentPage } from '../support/authorise-payment.js';
import { CLOSED_PAYEE, internationalConsentRequest } from '../support/international-partner.js';
import { assertLedgerInvariants } from '../support/ledger-invariants.js';
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

const ALICE_GBP = 'acc_alice_current';
const FX_GBP = 'acc_bank_gbp_fx_position';
const FX_USD = 'acc_bank_usd_fx_position';
const FX_EUR = 'acc_bank_eur_fx_position';
const CLEARING_USD = 'acc_bank_usd_clearing';
const CLEARING_EUR = 'acc_bank_eur_clearing';
const EXTERNAL_USD = 'acc_bank_usd_external_funding';
const FEES_GBP = 'acc_bank_gbp_fee_income';

describe('international payments journey', () => {
  let server: TestServer;
  let partner: PaymentPartner;

  async function createConsent(request: PaymentConsentRequest): Promise<PisResponse> {
    return partner.signedPost(await partner.paymentsToken(), `${PISP}/international-payment-consents`, request);
  }

  async function authorised(request: PaymentConsentRequest): Promise<{ consentId: string; accessToken: string; consent: PisResponse }> {
    const consent = await createConsent(request);
    assert.equal(consent.status, 201, JSON.stringify(consent.body));
    const consentId = consent.body.Data.ConsentId as string;
    const { accessToken } = await authorisePayment(server, partner, consentId, { username: 'alice', debtorAccountId: ALICE_GBP });
    return { consentId, accessToken, consent };
  }

  async function pay(accessToken: string, consentId: string, request: PaymentConsentRequest, idempotencyKey?: string): Promise<PisResponse> {
    return partner.signedPost(accessToken, `${PISP}/international-payments`, paymentRequest(consentId, request), { idempotencyKey });
  }

  async function get(path: string): Promise<PisResponse> {
    return partner.call(await partner.paymentsToken(), 'GET', `${PISP}${path}`);
  }

  async function eventsAbout(resourceId: string): Promise<EventNotificationRow[]> {
    return server.database.dataSource.getRepository<EventNotificationRow>('EventNotification').find({ where: { resourceId } });
  }

  before(async () => {
    server = await startTestServer();
    partner = await registerPaymentPartner(server);
  });
  after(async () => server.close());

  describe('100.00 GBP from alice to a German IBAN in USD at an Actual rate', () => {
    const request = internationalConsentRequest({}, { UnitCurrency: 'GBP', RateType: 'Actual' });
    let consentId: string;
    let accessToken: string;
    let paymentId: string;

    test('POST /international-payment-consents → 201 AWAU: the Actual rate 1 GBP = 1.26365 USD with its ExpirationDateTime, Charges 5.00 GBP, CutOffDateTime', async () => {
      const before = Date.now();
      const response = await createConsent(request);
      assert.equal(response.status, 201, JSON.stringify(response.body));
      const { Data } = response.body;
      assert.equal(Data.Status, 'AWAU');
      assert.match(Data.ConsentId, /^pmc_/);
      assert.deepEqual(Data.Initiation, request.Data.Initiation);
      assert.deepEqual(response.body.Risk, request.Risk);
      assert.equal(Data.ExchangeRateInformation.UnitCurrency, 'GBP');
      assert.equal(Data.ExchangeRateInformation.ExchangeRate, 1.26365);
      assert.equal(Data.ExchangeRateInformation.RateType, 'Actual');
      const expires = Date.parse(Data.ExchangeRateInformation.ExpirationDateTime);
      assert.ok(expires >= before + 900_000 && expires <= Date.now() + 900_000, 'the quote holds 15 minutes');
      assert.deepEqual(Data.Charges, [{ ChargeBearer: 'BorneByDebtor', Type: 'UK.OBIE.SWIFTOut', Amount: { Amount: '5.00', Currency: 'GBP' } }]);
      const cutOff = new Date(Data.CutOffDateTime);
      assert.equal(cutOff.getUTCHours(), 15);
      assert.ok(cutOff.getTime() >= before && ![0, 6].includes(cutOff.getUTCDay()), 'the next cut-off, on a working day');
      assert.equal(response.body.Links.Self, `${server.issuer}${PISP}/international-payment-consents/${Data.ConsentId}`);
      consentId = Data.ConsentId;
    });

    test('GET /international-payment-consents/{ConsentId} → 200 the same quote; GET /domestic-payment-consents/{ConsentId} → 400 U011', async () => {
      const response = await get(`/international-payment-consents/${consentId}`);
      assert.equal(response.status, 200);
      assert.equal(response.body.Data.ExchangeRateInformation.ExchangeRate, 1.26365);
      assertRefusal(await get(`/domestic-payment-consents/${consentId}`), 400, 'U011');
    });

    test('alice is offered only her GBP accounts, pays from her current account', async () => {
      const { page } = await openPaymentPage(server, partner, consentId, { username: 'alice' });
      assert.deepEqual(debtorChoices(page).sort(), ['acc_alice_current', 'acc_alice_savings']);
      assert.match(page.html, /£100\.00/);
      assert.match(page.html, /They receive<\/dt><dd>USD 126\.36, at 1 GBP = 1\.26365 USD \(this rate holds until \d\d:\d\d UTC\)/);
      ({ accessToken } = await authorisePayment(server, partner, consentId, { username: 'alice', debtorAccountId: ALICE_GBP }));
    });

    test('GET …/funds-confirmation with the customer token → 200 FundsAvailable true', async () => {
      const response = await partner.call(accessToken, 'GET', `${PISP}/international-payment-consents/${consentId}/funds-confirmation`);
      assert.equal(response.status, 200);
      assert.equal(response.body.Data.FundsAvailableResult.FundsAvailable, true);
    });

    test('POST /international-payments → 201 ACSP at the quoted rate: 105.00 GBP leaves alice, 100.00 into the GBP FX position, 126.36 USD out of the USD one into USD clearing', async () => {
      const balancesBefore = await bookedBalances(server.database.dataSource, [ALICE_GBP, FX_GBP, FX_USD, CLEARING_USD, FEES_GBP]);
      const response = await pay(accessToken, consentId, request, 'intl-pay-1');
      assert.equal(response.status, 201, JSON.stringify(response.body));
      const { Data } = response.body;
      assert.equal(Data.Status, 'ACSP');
      assert.match(Data.InternationalPaymentId, /^pmt_/);
      assert.equal(Data.ConsentId, consentId);
      assert.deepEqual(Data.Initiation, request.Data.Initiation);
      assert.equal(Data.ExchangeRateInformation.ExchangeRate, 1.26365);
      assert.equal(Data.ExchangeRateInformation.RateType, 'Actual');
      assert.ok(Date.parse(Data.ExpectedSettlementDateTime) >= Date.parse(Data.ExpectedExecutionDateTime));
      assert.deepEqual(Data.Charges, [{ ChargeBearer: 'BorneByDebtor', Type: 'UK.OBIE.SWIFTOut', Amount: { Amount: '5.00', Currency: 'GBP' } }]);
      assert.equal(Data.Debtor.Identification, '99030131926819');
      paymentId = Data.InternationalPaymentId;
      const after = await bookedBalances(server.database.dataSource, [ALICE_GBP, FX_GBP, FX_USD, CLEARING_USD, FEES_GBP]);
      assert.equal(after[ALICE_GBP]! - balancesBefore[ALICE_GBP]!, -10_500n);
      assert.equal(after[FX_GBP]! - balancesBefore[FX_GBP]!, 10_000n);
      assert.equal(after[FX_USD]! - balancesBefore[FX_USD]!, -12_636n);
      assert.equal(after[CLEARING_USD]! - balancesBefore[CLEARING_USD]!, 12_636n);
      assert.equal(after[FEES_GBP]! - balancesBefore[FEES_GBP]!, 500n);
      assert.equal((await get(`/international-payment-consents/${consentId}`)).body.Data.Status, 'COND');
      await assertLedgerInvariants(server.database.dataSource);
    });

    test('the same request with the same x-idempotency-key → 201, the same payment, nothing paid twice', async () => {
      const alice = await bookedBalance(server.database.dataSource, ALICE_GBP);
      const replay = await pay(accessToken, consentId, request, 'intl-pay-1');
      assert.equal(replay.status, 201);
      assert.equal(replay.body.Data.InternationalPaymentId, paymentId);
      assert.equal(await bookedBalance(server.database.dataSource, ALICE_GBP), alice);
    });

    test('a second payment on the consumed consent with a new key → 400 U009', async () => {
      assertRefusal(await pay(accessToken, consentId, request), 400, 'U009');
    });

    test('GET /international-payments/{id} → 200 ACSP; …/payment-details → 200 by UK.OBIE.SWIFT; GET /domestic-payments/{id} → 400 U011', async () => {
      const payment = await get(`/international-payments/${paymentId}`);
      assert.equal(payment.status, 200);
      assert.equal(payment.body.Data.Status, 'ACSP');
      assert.equal(payment.body.Data.ExchangeRateInformation.ExchangeRate, 1.26365);
      const details = await get(`/international-payments/${paymentId}/payment-details`);
      assert.equal(details.status, 200);
      assert.equal(details.body.Data.PaymentStatus[0].StatusDetail.LocalInstrument, 'UK.OBIE.SWIFT');
      assertRefusal(await get(`/domestic-payments/${paymentId}`), 400, 'U011');
    });

    test('the scheme settles it: ACSC, 126.36 USD leaves USD clearing for the outside world, one resource-update event for the partner', async () => {
      const external = await bookedBalance(server.database.dataSource, EXTERNAL_USD);
      assert.deepEqual(await server.instance.jobs.settlePayments(new Date(Date.now() + 3_600_000)), { settled: 1, rejected: 0 });
      assert.equal((await get(`/international-payments/${paymentId}`)).body.Data.Status, 'ACSC');
      assert.equal(await bookedBalance(server.database.dataSource, EXTERNAL_USD), external + 12_636n);
      const events = await eventsAbout(paymentId);
      assert.equal(events.length, 1);
      assert.equal(events[0]?.resourceType, 'international-payment');
      assert.equal(events[0]?.eventTypes, 'UK.OBIE.Resource-Update');
      await assertLedgerInvariants(server.database.dataSource);
    });
  });

  test('an Indicative rate fixing 50.00 EUR to a returned payee: ACSP, then the scheme returns it (AC04) and the conversion is unwound: alice gets back every penny', async () => {
    const request = internationalConsentRequest(
      {
        InstructionIdentification: 'INTL-RETURNED',
        CurrencyOfTransfer: 'EUR',
        InstructedAmount: { Amount: '50.00', Currency: 'EUR' },
        CreditorAccount: CLOSED_PAYEE,
        CreditorAgent: { SchemeName: 'UK.OBIE.BICFI', Identification: 'OTBKGB2L' },
      },
      { UnitCurrency: 'GBP', RateType: 'Indicative' },
    );
    const { consentId, accessToken, consent } = await authorised(request);
    assert.equal(consent.body.Data.ExchangeRateInformation.RateType, 'Indicative');
    assert.equal(consent.body.Data.ExchangeRateInformation.ExchangeRate, 1.1542);
    assert.equal(consent.body.Data.ExchangeRateInformation.ExpirationDateTime, undefined);
    const watched = [ALICE_GBP, FX_GBP, FX_EUR, CLEARING_EUR, FEES_GBP];
    const before = await bookedBalances(server.database.dataSource, watched);
    const response = await pay(accessToken, consentId, request);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.equal(response.body.Data.Status, 'ACSP');
    const paymentId = response.body.Data.InternationalPaymentId as string;
    // 50.00 EUR at 1.1542 costs 43.3200... GBP, rounded up to 43.33; plus the 5.00 charge.
    assert.equal((await bookedBalance(server.database.dataSource, ALICE_GBP)) - before[ALICE_GBP]!, -4_833n);
    assert.equal((await bookedBalance(server.database.dataSource, CLEARING_EUR)) - before[CLEARING_EUR]!, 5_000n);
    assert.deepEqual(await server.instance.jobs.settlePayments(new Date(Date.now() + 3_600_000)), { settled: 0, rejected: 1 });
    const returned = await get(`/international-payments/${paymentId}`);
    assert.equal(returned.body.Data.Status, 'RJCT');
    assert.equal(returned.body.Data.StatusReason[0].StatusReasonCode, 'AC04');
    assert.deepEqual(await bookedBalances(server.database.dataSource, watched), before);
    assert.equal((await eventsAbout(paymentId)).length, 1);
    await assertLedgerInvariants(server.database.dataSource);
  });

  test('an Agreed rate under an FX contract the bank issued → 201 at the agreed rate, no expiry; a forged or mismatched contract → 400 U002', async () => {
    const keys = await loadKeyMaterial(server.config, new TypeOrmServerKeyStore(server.database.dataSource));
    const secret = derivedSecret(keys, FX_CONTRACT_SECRET_PURPOSE);
    const rate = parseExchangeRate('1.25', 'GBP', 'USD');
    const contract = issueFxContract(secret, { clientId: partner.clientId, rate, expiresAt: new Date(Date.now() + 86_400_000) });
    const agreed = (overrides: Record<string, unknown> = {}) =>
      internationalConsentRequest(
        { InstructionIdentification: 'INTL-AGREED', InstructedAmount: { Amount: '200.00', Currency: 'GBP' } },
        { UnitCurrency: 'GBP', RateType: 'Agreed', ExchangeRate: 1.25, ContractIdentification: contract, ...overrides },
      );
    const { consentId, accessToken, consent } = await authorised(agreed());
    assert.deepEqual(consent.body.Data.ExchangeRateInformation, {
      UnitCurrency: 'GBP',
      ExchangeRate: 1.25,
      RateType: 'Agreed',
      ContractIdentification: contract,
    });
    const fxUsd = await bookedBalance(server.database.dataSource, FX_USD);
    const response = await pay(accessToken, consentId, agreed());
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.equal(response.body.Data.ExchangeRateInformation.ExchangeRate, 1.25);
    assert.equal((await bookedBalance(server.database.dataSource, FX_USD)) - fxUsd, -25_000n, '200.00 GBP at 1.25 is 250.00 USD');
    await assertLedgerInvariants(server.database.dataSource);

    const path = 'Data.Initiation.ExchangeRateInformation';
    assertRefusal(await createConsent(agreed({ ExchangeRate: 1.3 })), 400, 'U002', `${path}.ExchangeRate`);
    assertRefusal(
      await createConsent(agreed({ ContractIdentification: `${contract.slice(0, -2)}AA` })),
      400,
      'U002',
      `${path}.ContractIdentification`,
    );
    const other = issueFxContract(secret, { clientId: 'another-partner', rate, expiresAt: new Date(Date.now() + 86_400_000) });
    assertRefusal(await createConsent(agreed({ ContractIdentification: other })), 400, 'U002', `${path}.ContractIdentification`);
    assertRefusal(await createConsent(agreed({ ContractIdentification: undefined })), 400, 'U004', `${path}.ContractIdentification`);
  });

  test("10.00 GBP to alice's own euro wallet at this bank → 201 ACSC at once: 11.54 EUR credited, settled at its creation", async () => {
    const request = internationalConsentRequest({
      InstructionIdentification: 'INTL-WALLET',
      CurrencyOfTransfer: 'EUR',
      InstructedAmount: { Amount: '10.00', Currency: 'GBP' },
      CreditorAccount: { SchemeName: 'UK.OBIE.IBAN', Identification: 'GB90OTBK99030131926835', Name: 'Alice Thompson' },
    });
    const { consentId, accessToken } = await authorised(request);
    const before = await bookedBalances(server.database.dataSource, ['acc_alice_eur', FX_EUR]);
    const response = await pay(accessToken, consentId, request);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.equal(response.body.Data.Status, 'ACSC');
    assert.equal(response.body.Data.ExpectedSettlementDateTime, response.body.Data.CreationDateTime);
    const after = await bookedBalances(server.database.dataSource, ['acc_alice_eur', FX_EUR]);
    assert.equal(after.acc_alice_eur! - before.acc_alice_eur!, 1_154n);
    assert.equal(after[FX_EUR]! - before[FX_EUR]!, -1_154n);
    await assertLedgerInvariants(server.database.dataSource);
  });

  test('international scheduled payments, international standing orders and file payments → 404 U011, as endpoints not offered', async () => {
    const token = await partner.paymentsToken();
    for (const path of [
      '/international-scheduled-payment-consents',
      '/international-standing-order-consents',
      '/file-payment-consents',
      '/international-scheduled-payments/pmt_x',
      '/international-standing-orders/pmt_x',
      '/file-payments/pmt_x',
    ]) {
      assertRefusal(await partner.call(token, 'GET', `${PISP}${path}`), 404, 'U011');
    }
    assertRefusal(await partner.signedPost(token, `${PISP}/international-scheduled-payment-consents`, internationalConsentRequest()), 404, 'U011');
  });

  describe('refused consents', () => {
    const cases: Array<[string, PaymentConsentRequest, string, string]> = [
      ['ChargeBearer Shared', internationalConsentRequest({ ChargeBearer: 'Shared' }), 'U002', 'Data.Initiation.ChargeBearer'],
      ['LocalInstrument UK.OBIE.FPS', internationalConsentRequest({ LocalInstrument: 'UK.OBIE.FPS' }), 'U026', 'Data.Initiation.LocalInstrument'],
      [
        'CurrencyOfTransfer GBP from a GBP amount',
        internationalConsentRequest({ CurrencyOfTransfer: 'GBP' }),
        'U002',
        'Data.Initiation.CurrencyOfTransfer',
      ],
      [
        'CurrencyOfTransfer AUD, which the bank does not exchange',
        internationalConsentRequest({ CurrencyOfTransfer: 'AUD' }),
        'U023',
        'Data.Initiation.CurrencyOfTransfer',
      ],
      [
        'CurrencyOfTransfer XYZ, not ISO 4217',
        internationalConsentRequest({ CurrencyOfTransfer: 'XYZ' }),
        'U002',
        'Data.Initiation.CurrencyOfTransfer',
      ],
      [
        'a debit in USD, where the bank holds no accounts',
        internationalConsentRequest({ CurrencyOfTransfer: 'EUR', InstructedAmount: { Amount: '1.00', Currency: 'USD' } }),
        'U023',
        'Data.Initiation.InstructedAmount.Currency',
      ],
      [
        'UnitCurrency USD for a GBP debit',
        internationalConsentRequest({}, { UnitCurrency: 'USD', RateType: 'Actual' }),
        'U002',
        'Data.Initiation.ExchangeRateInformation.UnitCurrency',
      ],
      [
        'an ExchangeRate with an Actual rate',
        internationalConsentRequest({}, { UnitCurrency: 'GBP', RateType: 'Actual', ExchangeRate: 1.3 }),
        'U002',
        'Data.Initiation.ExchangeRateInformation.ExchangeRate',
      ],
      [
        'an Agreed rate without its ExchangeRate',
        internationalConsentRequest({}, { UnitCurrency: 'GBP', RateType: 'Agreed', ContractIdentification: 'FXC.X' }),
        'U004',
        'Data.Initiation.ExchangeRateInformation.ExchangeRate',
      ],
      [
        'a sort code payee without a CreditorAgent',
        internationalConsentRequest({ CreditorAccount: CLOSED_PAYEE }),
        'U004',
        'Data.Initiation.CreditorAgent',
      ],
      [
        'a CreditorAgent BIC of 7 characters',
        internationalConsentRequest({ CreditorAccount: CLOSED_PAYEE, CreditorAgent: { SchemeName: 'UK.OBIE.BICFI', Identification: 'OTBKGB2' } }),
        'U002',
        'Data.Initiation.CreditorAgent.Identification',
      ],
      [
        'DestinationCountryCode FR for a German IBAN',
        internationalConsentRequest({ DestinationCountryCode: 'FR' }),
        'U002',
        'Data.Initiation.DestinationCountryCode',
      ],
      [
        '0.001 GBP',
        internationalConsentRequest({ InstructedAmount: { Amount: '0.001', Currency: 'GBP' } }),
        'U002',
        'Data.Initiation.InstructedAmount.Amount',
      ],
    ];
    for (const [what, request, code, path] of cases) {
      test(`POST /international-payment-consents with ${what} → 400 ${code} at ${path}`, async () => {
        assertRefusal(await createConsent(request), 400, code, path);
      });
    }
  });

  test('a customer token of a domestic consent on POST /international-payments → 401; of an international one on POST /domestic-payments → 401', async () => {
    const request = internationalConsentRequest({ InstructionIdentification: 'INTL-TOKEN' });
    const international = await authorised(request);
    const onDomestic = await partner.signedPost(
      international.accessToken,
      `${PISP}/domestic-payments`,
      paymentRequest(international.consentId, request),
    );
    assert.equal(onDomestic.status, 401);

    const domesticRequest = consentRequest({ amount: '1.00', payee: ACCOUNTS.bobCurrent, reference: 'TOKEN KIND' });
    const domestic = await partner.createConsent(domesticRequest);
    assert.equal(domestic.status, 201, JSON.stringify(domestic.body));
    const domesticId = domestic.body.Data.ConsentId as string;
    const { accessToken } = await authorisePayment(server, partner, domesticId, { username: 'alice', debtorAccountId: ALICE_GBP });
    const onInternational = await partner.signedPost(accessToken, `${PISP}/international-payments`, paymentRequest(domesticId, domesticRequest));
    assert.equal(onInternational.status, 401);
  });

  test('the Initiation of the payment differs from the consent → 400 U008 at the field; nothing paid', async () => {
    const request = internationalConsentRequest({ InstructionIdentification: 'INTL-MISMATCH' });
    const { consentId, accessToken } = await authorised(request);
    const changed = internationalConsentRequest({ InstructionIdentification: 'INTL-MISMATCH', CurrencyOfTransfer: 'CHF' });
    assertRefusal(await pay(accessToken, consentId, changed), 400, 'U008', 'Data.Initiation.CurrencyOfTransfer');
    assert.equal((await get(`/international-payment-consents/${consentId}`)).body.Data.Status, 'AUTH');
  });
});

describe('an Actual quote that has expired', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { FX_QUOTE_VALIDITY_SECONDS: '1' } });
  });
  after(async () => server.close());

  test('POST /international-payments after the ExpirationDateTime → 400 U003; nothing paid, the consent still AUTH', async () => {
    const partner = await registerPaymentPartner(server);
    const request = internationalConsentRequest({}, { UnitCurrency: 'GBP', RateType: 'Actual' });
    const consent = await partner.signedPost(await partner.paymentsToken(), `${PISP}/international-payment-consents`, request);
    assert.equal(consent.status, 201, JSON.stringify(consent.body));
    const consentId = consent.body.Data.ConsentId as string;
    const { accessToken } = await authorisePayment(server, partner, consentId, { username: 'alice', debtorAccountId: ALICE_GBP });
    const expiresAt = Date.parse(consent.body.Data.ExchangeRateInformation.ExpirationDateTime);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now() + 50)));
    const alice = await bookedBalance(server.database.dataSource, ALICE_GBP);
    const response = await partner.signedPost(accessToken, `${PISP}/international-payments`, paymentRequest(consentId, request));
    assertRefusal(response, 400, 'U003', 'Data.Initiation.ExchangeRateInformation.ExpirationDateTime');
    assert.equal(await bookedBalance(server.database.dataSource, ALICE_GBP), alice);
    const after = await partner.call(await partner.paymentsToken(), 'GET', `${PISP}/international-payment-consents/${consentId}`);
    assert.equal(after.body.Data.Status, 'AUTH');
  });
});
