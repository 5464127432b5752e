// Proves payment initiation end to end as a payment institution sees it: openid-client with private_key_jwt and DPoP,
// every POST body signed (detached JWS, PS256) with an idempotency key, every response checked against its schema
// and the bank's signature (key from the AS jwks_uri). The customer chooses the account on the payment page and
// confirms new payees with a one-time code; money moves on the ledger, which the partner sees through the AISP
// balances endpoint of the same app.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import { formatAmount, parseAmount } from '../../src/domain/money.js';
import { OB_ISS, OB_TAN } from '../../src/http/jws/detached-jws.js';
import { bookedBalance } from '../support/account-balances.js';
import { customerToken } from '../support/authorise.js';
import { approvePayment, authorisePayment, debtorChoices, enterCode, openPaymentPage, sandboxCode } from '../support/authorise-payment.js';
import { readForm } from '../support/customer-browser.js';
import { assertLedgerInvariants } from '../support/ledger-invariants.js';
import { API, REDIRECT_URI } from '../support/partner.js';
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

const FEE_INCOME = 'acc_bank_gbp_fee_income';
const CLEARING = 'acc_bank_gbp_clearing';
const EXTERNAL = 'acc_bank_gbp_external_funding';
const SAVINGS = { SchemeName: 'UK.OBIE.SortCodeAccountNumber', Identification: '99030131926827', Name: 'Alice Thompson' };

const minor = (amount: string) => parseAmount(amount, 'GBP');

describe('payments journey', () => {
  let server: TestServer;
  let partner: PaymentPartner;
  /** Account-information tokens of the same app: alice's current and savings accounts, bob's current account. */
  let aliceAis: string;
  let bobAis: string;

  /** The interim available balance the partner reads through the AISP API (credit positive, debit negative). */
  async function available(token: string, accountId: string): Promise<bigint> {
    const response = await partner.ais.call(token, 'GET', `${API}/accounts/${accountId}/balances`);
    assert.equal(response.status, 200);
    const balance = response.body.Data.Balance.find((item: { Type: string }) => item.Type === 'ITAV');
    const amount = minor(balance.Amount.Amount);
    return balance.CreditDebitIndicator === 'Debit' ? -amount : amount;
  }

  async function createConsent(request: PaymentConsentRequest): Promise<string> {
    const response = await partner.createConsent(request);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body.Data.ConsentId as string;
  }

  async function getConsent(consentId: string): Promise<PisResponse> {
    return partner.call(await partner.paymentsToken(), 'GET', `${PISP}/domestic-payment-consents/${consentId}`);
  }

  async function getPayment(paymentId: string, suffix = ''): Promise<PisResponse> {
    return partner.call(await partner.paymentsToken(), 'GET', `${PISP}/domestic-payments/${paymentId}${suffix}`);
  }

  async function pay(accessToken: string, consentId: string, request: PaymentConsentRequest): Promise<PisResponse> {
    return partner.signedPost(accessToken, `${PISP}/domestic-payments`, paymentRequest(consentId, request));
  }

  /** The external payments due are handed to the sandbox scheme (as the settlement worker does). */
  async function settle(): Promise<{ settled: number; rejected: number }> {
    return server.instance.jobs.settlePayments(new Date(Date.now() + 3_600_000));
  }

  before(async () => {
    server = await startTestServer();
    partner = await registerPaymentPartner(server);
    const balances = ['ReadAccountsBasic', 'ReadBalances'];
    aliceAis = (
      await customerToken(server, partner.ais, balances, {
        username: 'alice',
        password: 'alice-sandbox-1',
        accountIds: ['acc_alice_current', 'acc_alice_savings'],
      })
    ).accessToken;
    bobAis = (await customerToken(server, partner.ais, balances, { username: 'bob', password: 'bob-sandbox-2', accountIds: ['acc_bob_current'] }))
      .accessToken;
  });
  after(async () => server.close());

  describe('a 1,000.00 Faster Payment to bob, paid from the account alice chooses', () => {
    const request = consentRequest({ amount: '1000.00', payee: ACCOUNTS.bobCurrent, reference: 'DEPOSIT' });
    let consentId: string;
    let accessToken: string;
    let paymentId: string;

    test('POST /domestic-payment-consents → 201 AWAU, Initiation played back, Charges 0.50 borne by the debtor, signed by the bank', async () => {
      const interactionId = '8b1c6f2e-3a4d-4e5f-9a7b-0c1d2e3f4a5b';
      const response = await partner.createConsent(request, { headers: { 'x-fapi-interaction-id': interactionId } });
      assert.equal(response.status, 201, JSON.stringify(response.body));
      assert.equal(response.headers.get('x-fapi-interaction-id'), interactionId);
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
      const { Data } = response.body;
      assert.equal(Data.Status, 'AWAU');
      assert.match(Data.ConsentId, /^pmc_/);
      assert.deepEqual(Data.Initiation, request.Data.Initiation);
      assert.deepEqual(response.body.Risk, request.Risk);
      assert.deepEqual(Data.Charges, [
        { ChargeBearer: 'BorneByDebtor', Type: 'UK.OBIE.FasterPaymentsOut', Amount: { Amount: '0.50', Currency: 'GBP' } },
      ]);
      assert.equal(Data.Debtor, undefined, 'no account is chosen yet');
      assert.equal(response.body.Links.Self, `${server.issuer}${PISP}/domestic-payment-consents/${Data.ConsentId}`);
      // The signature names the bank (BANK_ORGANISATION_ID, default "openteller") under the issuer host as trust anchor.
      const header = decodeProtectedHeader(response.headers.get('x-jws-signature') ?? '');
      assert.equal(header[OB_ISS], 'openteller');
      assert.equal(header[OB_TAN], new URL(server.issuer).hostname);
      consentId = Data.ConsentId;
    });

    test('GET /domestic-payment-consents/{ConsentId} → 200, the same consent, still AWAU', async () => {
      const response = await getConsent(consentId);
      assert.equal(response.status, 200);
      assert.equal(response.body.Data.ConsentId, consentId);
      assert.equal(response.body.Data.Status, 'AWAU');
      assert.deepEqual(response.body.Data.Initiation, request.Data.Initiation);
    });

    test('alice sees the payment, picks her savings account; a new payee needs a code: a wrong one → alert, the right one → tokens with acr sca', async () => {
      const { page, start, browser } = await openPaymentPage(server, partner, consentId, { username: 'alice' });
      assert.match(page.html, /Bob Patel/);
      assert.match(page.html, /£1,000\.00/);
      assert.match(page.html, /DEPOSIT/);
      assert.match(page.html, /£0\.50/);
      assert.match(page.html, /£1,000\.50/, 'the total includes the charge');
      assert.deepEqual(debtorChoices(page).sort(), ['acc_alice_current', 'acc_alice_savings'], "alice's GBP accounts, not her EUR wallet");
      assert.match(page.html, /<label[^>]*for="debtor-1"/);

      const codePage = await approvePayment(browser, page, 'acc_alice_savings');
      assert.equal(codePage.status, 200);
      assert.match(codePage.html, /not paid this payee before|large payment/);
      const code = sandboxCode(codePage);
      assert.ok(code, 'the sandbox shows the code on the page');

      const wrong = await enterCode(browser, codePage, code === '000000' ? '111111' : '000000');
      assert.equal(wrong.status, 400);
      assert.match(wrong.html, /role="alert"/);
      assert.match(wrong.html, /That code is not right. You have 2 more tries/);
      assert.equal((await getConsent(consentId)).body.Data.Status, 'AWAU', 'a wrong code does not authorise');

      const result = await enterCode(browser, wrong, sandboxCode(wrong) ?? '');
      assert.ok(result.callback, `expected the redirect to the partner, got ${result.status}`);
      assert.equal(result.callback.searchParams.get('error'), null);
      const tokens = await partner.exchangeCode(result.callback, start);
      assert.equal(tokens.token_type.toLowerCase(), 'dpop');
      assert.equal(tokens.claims()?.openbanking_intent_id, consentId);
      assert.equal(tokens.claims()?.acr, 'urn:openbanking:psd2:sca', 'a password and a one-time code: strong customer authentication');
      accessToken = tokens.access_token;
    });

    test('GET consent after approval → AUTH, with the Debtor alice chose', async () => {
      const response = await getConsent(consentId);
      assert.equal(response.body.Data.Status, 'AUTH');
      assert.deepEqual(response.body.Data.Debtor, SAVINGS);
    });

    test('funds-confirmation with the customer token → 200, FundsAvailable true', async () => {
      const response = await partner.call(accessToken, 'GET', `${PISP}/domestic-payment-consents/${consentId}/funds-confirmation`);
      assert.equal(response.status, 200);
      assert.equal(response.body.Data.FundsAvailableResult.FundsAvailable, true);
      assert.equal((await getConsent(consentId)).body.Data.Status, 'AUTH', 'funds confirmation changes nothing');
    });

    test('POST /domestic-payments to a payee at this bank → 201 ACSC at once; consent COND; 1,000.50 leaves alice, 1,000.00 reaches bob, 0.50 is fee income', async () => {
      const before = {
        alice: await available(aliceAis, 'acc_alice_savings'),
        bob: await available(bobAis, 'acc_bob_current'),
        fees: await bookedBalance(server.database.dataSource, FEE_INCOME),
      };
      const response = await pay(accessToken, consentId, request);
      assert.equal(response.status, 201, JSON.stringify(response.body));
      const { Data } = response.body;
      assert.match(Data.DomesticPaymentId, /^pmt_/);
      assert.equal(Data.ConsentId, consentId);
      assert.equal(Data.Status, 'ACSC');
      assert.equal(Data.StatusReason, undefined);
      assert.deepEqual(Data.Initiation, request.Data.Initiation);
      assert.deepEqual(Data.Charges, [
        { ChargeBearer: 'BorneByDebtor', Type: 'UK.OBIE.FasterPaymentsOut', Amount: { Amount: '0.50', Currency: 'GBP' } },
      ]);
      assert.deepEqual(Data.Debtor, SAVINGS);
      assert.equal(response.body.Risk, undefined, 'a payment response has no Risk');
      assert.equal(response.body.Links.Self, `${server.issuer}${PISP}/domestic-payments/${Data.DomesticPaymentId}`);
      paymentId = Data.DomesticPaymentId;

      assert.equal((await getConsent(consentId)).body.Data.Status, 'COND');
      assert.equal(await available(aliceAis, 'acc_alice_savings'), before.alice - minor('1000.50'));
      assert.equal(await available(bobAis, 'acc_bob_current'), before.bob + minor('1000.00'));
      assert.equal(await bookedBalance(server.database.dataSource, FEE_INCOME), before.fees + minor('0.50'));
      await assertLedgerInvariants(server.database.dataSource);
    });

    test('GET /domestic-payments/{id} → 200 ACSC; GET …/payment-details → 200, one PaymentStatus ACSC by FPS', async () => {
      const payment = await getPayment(paymentId);
      assert.equal(payment.status, 200);
      assert.equal(payment.body.Data.DomesticPaymentId, paymentId);
      assert.equal(payment.body.Data.Status, 'ACSC');
      const details = await getPayment(paymentId, '/payment-details');
      assert.equal(details.status, 200);
      assert.equal(details.body.Data.PaymentStatus.length, 1);
      assert.equal(details.body.Data.PaymentStatus[0].PaymentTransactionId, paymentId);
      assert.equal(details.body.Data.PaymentStatus[0].Status, 'ACSC');
      assert.equal(details.body.Data.PaymentStatus[0].StatusDetail.LocalInstrument, 'UK.OBIE.FPS');
    });

    test('funds-confirmation once the consent is COND → 400 U009', async () => {
      const response = await partner.call(accessToken, 'GET', `${PISP}/domestic-payment-consents/${consentId}/funds-confirmation`);
      assertRefusal(response, 400, 'U009');
    });
  });

  test('a consent naming the DebtorAccount: the page shows only that account; a payee paid before under 250.00 needs no code (acr ca); 12.34 paid ACSC with no charges', async () => {
    const request = consentRequest({ amount: '12.34', payee: ACCOUNTS.bobCurrent, debtor: ACCOUNTS.aliceCurrent });
    const created = await partner.createConsent(request);
    assert.equal(created.status, 201);
    assert.equal(created.body.Data.Charges, undefined, 'Faster Payments below 1,000.00 are free');
    const consentId = created.body.Data.ConsentId as string;

    const { page, start, browser } = await openPaymentPage(server, partner, consentId, { username: 'alice' });
    assert.deepEqual(debtorChoices(page), ['acc_alice_current']);
    assert.match(page.html, /Pay from/);
    const result = await approvePayment(browser, page, 'acc_alice_current');
    assert.ok(result.callback, 'no code page: bob was paid before and the amount is small');
    const tokens = await partner.exchangeCode(result.callback, start);
    assert.equal(tokens.claims()?.acr, 'urn:openbanking:psd2:ca');

    const consent = await getConsent(consentId);
    assert.equal(consent.body.Data.Status, 'AUTH');
    assert.deepEqual(consent.body.Data.Debtor, ACCOUNTS.aliceCurrent);

    const before = { alice: await available(aliceAis, 'acc_alice_current'), bob: await available(bobAis, 'acc_bob_current') };
    const payment = await pay(tokens.access_token, consentId, request);
    assert.equal(payment.status, 201, JSON.stringify(payment.body));
    assert.equal(payment.body.Data.Status, 'ACSC');
    assert.equal(payment.body.Data.Charges, undefined);
    assert.equal(await available(aliceAis, 'acc_alice_current'), before.alice - minor('12.34'));
    assert.equal(await available(bobAis, 'acc_bob_current'), before.bob + minor('12.34'));
    await assertLedgerInvariants(server.database.dataSource);
  });

  test('a payee at another bank → 201 ACSP (money in clearing); after settlement → ACSC, the money has left the bank', async () => {
    const request = consentRequest({ amount: '25.00', payee: ACCOUNTS.elsewhere, reference: 'RENT' });
    const consentId = await createConsent(request);
    const { accessToken, steppedUp } = await authorisePayment(server, partner, consentId, {
      username: 'alice',
      debtorAccountId: 'acc_alice_current',
    });
    assert.equal(steppedUp, true, 'a payee never paid before needs a code');
    const { dataSource } = server.database;
    const before = {
      alice: await available(aliceAis, 'acc_alice_current'),
      clearing: await bookedBalance(dataSource, CLEARING),
      external: await bookedBalance(dataSource, EXTERNAL),
    };

    const response = await pay(accessToken, consentId, request);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.equal(response.body.Data.Status, 'ACSP');
    assert.ok(Date.parse(response.body.Data.ExpectedSettlementDateTime) > Date.parse(response.body.Data.CreationDateTime), 'settles later');
    const paymentId = response.body.Data.DomesticPaymentId as string;
    assert.equal(await available(aliceAis, 'acc_alice_current'), before.alice - minor('25.00'));
    assert.equal(await bookedBalance(dataSource, CLEARING), before.clearing + minor('25.00'));
    assert.equal((await getPayment(paymentId)).body.Data.Status, 'ACSP');

    assert.deepEqual(await settle(), { settled: 1, rejected: 0 });
    const settled = await getPayment(paymentId);
    assert.equal(settled.body.Data.Status, 'ACSC');
    assert.ok(Date.parse(settled.body.Data.StatusUpdateDateTime) >= Date.parse(response.body.Data.StatusUpdateDateTime));
    assert.equal((await getPayment(paymentId, '/payment-details')).body.Data.PaymentStatus[0].Status, 'ACSC');
    assert.equal(await bookedBalance(dataSource, CLEARING), before.clearing);
    assert.equal(await bookedBalance(dataSource, EXTERNAL), before.external + minor('25.00'));
    assert.equal(await available(aliceAis, 'acc_alice_current'), before.alice - minor('25.00'));
    await assertLedgerInvariants(dataSource);
  });

  test('a 1,000.00 payment to a payee whose account is closed (sandbox 99039911111111) → 201 ACSP, then RJCT AC04: amount and charge come back to alice', async () => {
    const request = consentRequest({ amount: '1000.00', payee: ACCOUNTS.closedElsewhere });
    const consentId = await createConsent(request);
    const { accessToken } = await authorisePayment(server, partner, consentId, { username: 'alice', debtorAccountId: 'acc_alice_savings' });
    const { dataSource } = server.database;
    const before = { alice: await available(aliceAis, 'acc_alice_savings'), fees: await bookedBalance(dataSource, FEE_INCOME) };

    const response = await pay(accessToken, consentId, request);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.equal(response.body.Data.Status, 'ACSP');
    const paymentId = response.body.Data.DomesticPaymentId as string;
    assert.equal(await available(aliceAis, 'acc_alice_savings'), before.alice - minor('1000.50'));
    assert.equal(await bookedBalance(dataSource, FEE_INCOME), before.fees + minor('0.50'));

    assert.deepEqual(await settle(), { settled: 0, rejected: 1 });
    const rejected = await getPayment(paymentId);
    assert.equal(rejected.body.Data.Status, 'RJCT');
    assert.equal(rejected.body.Data.StatusReason[0].StatusReasonCode, 'AC04');
    assert.match(rejected.body.Data.StatusReason[0].StatusReasonDescription, /closed/);
    const details = await getPayment(paymentId, '/payment-details');
    assert.equal(details.body.Data.PaymentStatus[0].Status, 'RJCT');
    assert.equal(details.body.Data.PaymentStatus[0].StatusDetail.StatusReason, 'AC04');
    assert.equal(await available(aliceAis, 'acc_alice_savings'), before.alice, 'the reversal restored the balance, charge included');
    assert.equal(await bookedBalance(dataSource, FEE_INCOME), before.fees);
    assert.equal(await bookedBalance(dataSource, CLEARING), 0n);
    await assertLedgerInvariants(dataSource);
  });

  test("a euro payment from alice's wallet by SEPA Instant to an IBAN elsewhere, with a non-ASCII payee name → Charges 0.50 EUR, ACSP, then ACSC", async () => {
    const payee = { SchemeName: 'UK.OBIE.IBAN', Identification: 'DE89370400440532013000', Name: 'Müller Design GmbH — Zoë' };
    const request = consentRequest({
      amount: '42.00',
      currency: 'EUR',
      payee,
      localInstrument: 'UK.OBIE.SEPAInstantCreditTransfer',
      reference: 'RECHNUNG Nº 7',
    });
    const created = await partner.createConsent(request);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.Data.Charges, [
      { ChargeBearer: 'BorneByDebtor', Type: 'UK.OBIE.SEPAInstantOut', Amount: { Amount: '0.50', Currency: 'EUR' } },
    ]);
    assert.equal(created.body.Data.Initiation.CreditorAccount.Name, payee.Name);
    const consentId = created.body.Data.ConsentId as string;
    const { accessToken } = await authorisePayment(server, partner, consentId, { username: 'alice', debtorAccountId: 'acc_alice_eur' });
    const { dataSource } = server.database;
    const before = await bookedBalance(dataSource, 'acc_alice_eur');
    const response = await pay(accessToken, consentId, request);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.equal(response.body.Data.Status, 'ACSP');
    assert.equal(await bookedBalance(dataSource, 'acc_alice_eur'), before - 4_250n);
    assert.equal(await bookedBalance(dataSource, 'acc_bank_eur_fee_income'), 50n);
    assert.deepEqual(await settle(), { settled: 1, rejected: 0 });
    assert.equal((await getPayment(response.body.Data.DomesticPaymentId)).body.Data.Status, 'ACSC');
    assert.equal(await bookedBalance(dataSource, 'acc_bank_eur_clearing'), 0n);
    await assertLedgerInvariants(dataSource);
  });

  test('three wrong codes → the partner receives access_denied and the consent is RJCT', async () => {
    const consentId = await createConsent(consentRequest({ amount: '300.00', payee: ACCOUNTS.bobCurrent }));
    const { page, start, browser } = await openPaymentPage(server, partner, consentId, { username: 'alice' });
    let result = await approvePayment(browser, page, 'acc_alice_current');
    assert.match(result.html, /large payment/, 'from 250.00 a code is needed even for a known payee');
    const wrong = sandboxCode(result) === '000000' ? '111111' : '000000';
    result = await enterCode(browser, result, wrong);
    result = await enterCode(browser, result, wrong);
    assert.match(result.html, /You have 1 more try/);
    result = await enterCode(browser, result, wrong);
    assert.ok(result.callback);
    assert.equal(result.callback.searchParams.get('error'), 'access_denied');
    assert.equal(result.callback.searchParams.get('state'), start.state);
    const consent = await getConsent(consentId);
    assert.equal(consent.body.Data.Status, 'RJCT');
  });

  test('the code is bound to the account shown: the code for the savings account does not approve paying from the current account', async () => {
    const consentId = await createConsent(consentRequest({ amount: '5.00', payee: ACCOUNTS.daveCurrent }));
    const { page, browser } = await openPaymentPage(server, partner, consentId, { username: 'alice' });
    const codePage = await approvePayment(browser, page, 'acc_alice_savings');
    const form = readForm(codePage.html);
    const swapped = await browser.follow(form.action, REDIRECT_URI, {
      form: { ...form.hidden, debtorAccount: 'acc_alice_current', otp: sandboxCode(codePage) ?? '', decision: 'approve' },
    });
    assert.equal(swapped.callback, undefined);
    assert.equal(swapped.status, 400);
    assert.match(swapped.html, /That code is not right/);
    assert.equal((await getConsent(consentId)).body.Data.Status, 'AWAU');
  });

  test('a consent for more than the account can spend: funds-confirmation → 200, FundsAvailable false', async () => {
    const { dataSource } = server.database;
    const spendable = (await bookedBalance(dataSource, 'acc_alice_current')) + 50_000n;
    const request = consentRequest({ amount: formatAmount(spendable + 1n, 'GBP'), payee: ACCOUNTS.bobCurrent });
    const consentId = await createConsent(request);
    const { accessToken } = await authorisePayment(server, partner, consentId, { username: 'alice', debtorAccountId: 'acc_alice_current' });
    const response = await partner.call(accessToken, 'GET', `${PISP}/domestic-payment-consents/${consentId}/funds-confirmation`);
    assert.equal(response.status, 200);
    assert.equal(response.body.Data.FundsAvailableResult.FundsAvailable, false);
    assert.equal((await getConsent(consentId)).body.Data.Status, 'AUTH');
  });
});
