// Proves domestic scheduled payments end to end as a payment institution sees them: openid-client with private_key_jwt
// and DPoP, signed POSTs with idempotency keys, every response checked against its OBIE schema and the bank's signature.
// The consent names a future RequestedExecutionDateTime (a past one is refused U003); the customer approves it on the
// payment page, which says when it is paid; the payment is ordered PDNG and moves nothing until the scheduler runs it
// when due, then moves money once through the ledger (a payee here ACSC at once; elsewhere ACSP, then settled), or is
// rejected AM04 when the account cannot pay it; the customer sees it at /account and can cancel it before its date (CANC);
// the partner hears of each change (resource-update).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { formatAmount } from '../../src/domain/money.js';
import { bookedBalance, bookedBalances } from '../support/account-balances.js';
import { authorisePayment, openPaymentPage } from '../support/authorise-payment.js';
import { CustomerBrowser } from '../support/customer-browser.js';
import { assertLedgerInvariants } from '../support/ledger-invariants.js';
import { csrfOf } from '../support/portal-client.js';
import {
  ACCOUNTS,
  assertRefusal,
  PISP,
  registerPaymentPartner,
  type NamedAccount,
  type PaymentPartner,
  type PisResponse,
} from '../support/payment-partner.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { fundAccount } from '../support/fund-account.js';

const CONSENTS = `${PISP}/domestic-scheduled-payment-consents`;
const PAYMENTS = `${PISP}/domestic-scheduled-payments`;

/** An `OBWriteDomesticScheduledConsent4` body: `amount` GBP to `payee`, requested for `executeAt`. */
function scheduledConsentRequest(amount: string, payee: NamedAccount, executeAt: Date) {
  return {
    Data: {
      Permission: 'Create',
      Initiation: {
        InstructionIdentification: `sched-${crypto.randomUUID().slice(0, 8)}`,
        EndToEndIdentification: 'E2E-RENT',
        RequestedExecutionDateTime: executeAt.toISOString(),
        InstructedAmount: { Amount: amount, Currency: 'GBP' },
        CreditorAccount: payee,
        RemittanceInformation: { Unstructured: ['RENT JANUARY'] },
      },
    },
    Risk: { PaymentContextCode: 'TransferToThirdParty' },
  };
}

type ScheduledConsentRequest = ReturnType<typeof scheduledConsentRequest>;

function scheduledPaymentRequest(consentId: string, request: ScheduledConsentRequest) {
  return { Data: { ConsentId: consentId, Initiation: structuredClone(request.Data.Initiation) }, Risk: structuredClone(request.Risk) };
}

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000);

describe('scheduled payments journey', () => {
  let server: TestServer;
  let partner: PaymentPartner;

  before(async () => {
    server = await startTestServer();
    await fundAccount(server.database, 'acc_alice_current', 1_000_000n);
    partner = await registerPaymentPartner(server);
  });
  after(async () => server.close());

  async function get(path: string): Promise<PisResponse> {
    return partner.call(await partner.paymentsToken(), 'GET', path);
  }

  async function createConsent(request: ScheduledConsentRequest): Promise<PisResponse> {
    return partner.signedPost(await partner.paymentsToken(), CONSENTS, request);
  }

  /** A consent created and approved by `username` paying from `debtorAccountId`; returns its id and the customer's token. */
  async function authorisedConsent(request: ScheduledConsentRequest, username: string, debtorAccountId: string) {
    const created = await createConsent(request);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const consentId = created.body.Data.ConsentId as string;
    const { accessToken } = await authorisePayment(server, partner, consentId, { username, debtorAccountId });
    return { consentId, accessToken };
  }

  /** The partner's events about a payment, as the outbox holds them. */
  async function eventsAbout(paymentId: string): Promise<string[]> {
    const rows = await server.database.dataSource.query<Array<{ event_types: string }>>(
      `SELECT event_types FROM event_notification WHERE client_id = ? AND resource_type = 'domestic-scheduled-payment' AND resource_id = ? ORDER BY sequence`,
      [partner.clientId, paymentId],
    );
    return rows.map((row) => row.event_types);
  }

  describe('1,000.00 to bob in ten days, from the account alice chooses', () => {
    const executeAt = inDays(10);
    const request = scheduledConsentRequest('1000.00', ACCOUNTS.bobCurrent, executeAt);
    let consentId: string;
    let accessToken: string;
    let paymentId: string;

    test('POST /domestic-scheduled-payment-consents → 201 AWAU psc_…, Permission and Initiation played back, Charges, signed', async () => {
      const response = await createConsent(request);
      assert.equal(response.status, 201, JSON.stringify(response.body));
      const { Data } = response.body;
      assert.match(Data.ConsentId, /^psc_/);
      assert.equal(Data.Status, 'AWAU');
      assert.equal(Data.Permission, 'Create');
      assert.deepEqual(Data.Initiation, request.Data.Initiation);
      assert.deepEqual(response.body.Risk, request.Risk);
      assert.deepEqual(Data.Charges, [
        { ChargeBearer: 'BorneByDebtor', Type: 'UK.OBIE.FasterPaymentsOut', Amount: { Amount: '0.50', Currency: 'GBP' } },
      ]);
      assert.equal(response.body.Links.Self, `${server.issuer}${CONSENTS}/${Data.ConsentId}`);
      consentId = Data.ConsentId;
    });

    test('GET /domestic-scheduled-payment-consents/{id} → 200 AWAU; the same id under /domestic-payment-consents → 400 U011', async () => {
      const response = await get(`${CONSENTS}/${consentId}`);
      assert.equal(response.status, 200);
      assert.equal(response.body.Data.Status, 'AWAU');
      assertRefusal(await get(`${PISP}/domestic-payment-consents/${consentId}`), 400, 'U011');
    });

    test('the payment page says when the payment is made; alice approves → the consent is AUTH', async () => {
      const { page } = await openPaymentPage(server, partner, consentId, { username: 'alice' });
      assert.match(page.html, /<dt>When<\/dt><dd>On \d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2}<\/dd>/);
      ({ accessToken } = await authorisePayment(server, partner, consentId, { username: 'alice', debtorAccountId: 'acc_alice_current' }));
      assert.equal((await get(`${CONSENTS}/${consentId}`)).body.Data.Status, 'AUTH');
    });

    test('POST /domestic-scheduled-payments → 201 PDNG, expected on the requested date, the consent COND, no money moved', async () => {
      const before = await bookedBalances(server.database.dataSource, ['acc_alice_current', 'acc_bob_current']);
      const response = await partner.signedPost(accessToken, PAYMENTS, scheduledPaymentRequest(consentId, request), { idempotencyKey: 'sched-1' });
      assert.equal(response.status, 201, JSON.stringify(response.body));
      const { Data } = response.body;
      assert.equal(Data.Status, 'PDNG');
      assert.equal(Data.ConsentId, consentId);
      assert.equal(Data.ExpectedExecutionDateTime, executeAt.toISOString());
      assert.deepEqual(Data.Initiation, request.Data.Initiation);
      assert.equal(Data.Debtor.Identification, ACCOUNTS.aliceCurrent.Identification);
      paymentId = Data.DomesticScheduledPaymentId;
      assert.equal(response.body.Links.Self, `${server.issuer}${PAYMENTS}/${paymentId}`);
      assert.equal((await get(`${CONSENTS}/${consentId}`)).body.Data.Status, 'COND');
      assert.deepEqual(await bookedBalances(server.database.dataSource, ['acc_alice_current', 'acc_bob_current']), before);
    });

    test('the same POST with the same idempotency key → 201 with the same payment; with a new key → 400 U009', async () => {
      const body = scheduledPaymentRequest(consentId, request);
      const replay = await partner.signedPost(accessToken, PAYMENTS, body, { idempotencyKey: 'sched-1' });
      assert.equal(replay.status, 201);
      assert.equal(replay.body.Data.DomesticScheduledPaymentId, paymentId);
      assertRefusal(await partner.signedPost(accessToken, PAYMENTS, body, { idempotencyKey: 'sched-2' }), 400, 'U009');
    });

    test('GET the payment and its payment-details before it is due → PDNG; the scheduler runs nothing yet', async () => {
      assert.equal((await get(`${PAYMENTS}/${paymentId}`)).body.Data.Status, 'PDNG');
      const details = await get(`${PAYMENTS}/${paymentId}/payment-details`);
      assert.equal(details.status, 200);
      assert.equal(details.body.Data.PaymentStatus[0].Status, 'PDNG');
      assert.equal((await server.instance.jobs.runScheduledPayments(inDays(9))).ran, 0);
      assertRefusal(await get(`${PISP}/domestic-payments/${paymentId}`), 400, 'U011');
    });

    test('when due the scheduler runs it once → ACSC, 1,000.00 + 0.50 from alice, 1,000.00 to bob, one resource-update', async () => {
      const { dataSource } = server.database;
      const before = await bookedBalances(dataSource, ['acc_alice_current', 'acc_bob_current']);
      assert.equal((await server.instance.jobs.runScheduledPayments(new Date(executeAt.getTime() + 1000))).ran, 1);
      assert.equal((await server.instance.jobs.runScheduledPayments(new Date(executeAt.getTime() + 2000))).ran, 0);
      const response = await get(`${PAYMENTS}/${paymentId}`);
      assert.equal(response.body.Data.Status, 'ACSC');
      assert.equal(response.body.Data.StatusReason, undefined);
      assert.equal(await bookedBalance(dataSource, 'acc_alice_current'), (before.acc_alice_current ?? 0n) - 100_050n);
      assert.equal(await bookedBalance(dataSource, 'acc_bob_current'), (before.acc_bob_current ?? 0n) + 100_000n);
      assert.deepEqual(await eventsAbout(paymentId), ['UK.OBIE.Resource-Update']);
      assert.equal((await get(`${PAYMENTS}/${paymentId}/payment-details`)).body.Data.PaymentStatus[0].Status, 'ACSC');
      await assertLedgerInvariants(dataSource);
    });
  });

  test('a payee at another bank → ACSP when run, then ACSC once the scheme settles it; a resource-update for each', async () => {
    const executeAt = inDays(3);
    const request = scheduledConsentRequest('25.00', ACCOUNTS.elsewhere, executeAt);
    const { consentId, accessToken } = await authorisedConsent(request, 'alice', 'acc_alice_current');
    const made = await partner.signedPost(accessToken, PAYMENTS, scheduledPaymentRequest(consentId, request));
    const paymentId = made.body.Data.DomesticScheduledPaymentId as string;
    await server.instance.jobs.runScheduledPayments(new Date(executeAt.getTime() + 1000));
    assert.equal((await get(`${PAYMENTS}/${paymentId}`)).body.Data.Status, 'ACSP');
    await server.instance.jobs.settlePayments(inDays(4));
    assert.equal((await get(`${PAYMENTS}/${paymentId}`)).body.Data.Status, 'ACSC');
    assert.deepEqual(await eventsAbout(paymentId), ['UK.OBIE.Resource-Update', 'UK.OBIE.Resource-Update']);
    await assertLedgerInvariants(server.database.dataSource);
  });

  test('carol cannot pay it when it is due → RJCT with StatusReason AM04, nothing moved, the partner told', async () => {
    const { dataSource } = server.database;
    const executeAt = inDays(2);
    const spendable = await bookedBalance(dataSource, 'acc_carol_current');
    const request = scheduledConsentRequest(formatAmount(spendable + 100n, 'GBP'), ACCOUNTS.daveCurrent, executeAt);
    const { consentId, accessToken } = await authorisedConsent(request, 'carol', 'acc_carol_current');
    const made = await partner.signedPost(accessToken, PAYMENTS, scheduledPaymentRequest(consentId, request));
    assert.equal(made.body.Data.Status, 'PDNG');
    const paymentId = made.body.Data.DomesticScheduledPaymentId as string;
    const before = await bookedBalances(dataSource, ['acc_carol_current', 'acc_dave_current']);
    await server.instance.jobs.runScheduledPayments(new Date(executeAt.getTime() + 1000));
    const response = await get(`${PAYMENTS}/${paymentId}`);
    assert.equal(response.body.Data.Status, 'RJCT');
    assert.equal(response.body.Data.StatusReason[0].StatusReasonCode, 'AM04');
    assert.equal(response.body.Data.ExpectedExecutionDateTime, undefined);
    assert.deepEqual(await bookedBalances(dataSource, ['acc_carol_current', 'acc_dave_current']), before);
    assert.deepEqual(await eventsAbout(paymentId), ['UK.OBIE.Resource-Update']);
    const details = await get(`${PAYMENTS}/${paymentId}/payment-details`);
    assert.deepEqual([details.body.Data.PaymentStatus[0].Status, details.body.Data.PaymentStatus[0].StatusDetail.StatusReason], ['RJCT', 'AM04']);
  });

  test('alice sees the payment to come at /account and cancels it → CANC for the partner (a resource-update), never made; bob cannot cancel it, nor can she again', async () => {
    const executeAt = inDays(20);
    const request = scheduledConsentRequest('42.00', ACCOUNTS.bobCurrent, executeAt);
    const { consentId, accessToken } = await authorisedConsent(request, 'alice', 'acc_alice_current');
    const made = await partner.signedPost(accessToken, PAYMENTS, scheduledPaymentRequest(consentId, request));
    const paymentId = made.body.Data.DomesticScheduledPaymentId as string;
    const loggedIn = async (username: string, password: string) => {
      const browser = new CustomerBrowser(server.issuer);
      const form = await browser.follow('/account', 'never:');
      await browser.follow('/account/login', 'never:', { form: { csrf: csrfOf(form.html, '/account/login'), username, password } });
      return browser;
    };
    const cancel = async (browser: CustomerBrowser) => {
      const page = await browser.follow('/account', 'never:');
      return browser.follow(`/account/payments/${paymentId}/cancel`, 'never:', { form: { csrf: csrfOf(page.html, '/account/logout') } });
    };
    const bob = await loggedIn('bob', 'bob-sandbox-2');
    const asked = await bob.follow(`/account/payments/${paymentId}/cancel`, 'never:');
    assert.equal(asked.status, 404, 'no confirmation page for a payment that is not his');
    assert.doesNotMatch(asked.html, /£42\.00|Cancel this payment\?/);
    const refused = await cancel(bob);
    assert.equal(refused.status, 400);
    assert.match(refused.html, /There is no such payment to cancel/);
    const alice = await loggedIn('alice', 'alice-sandbox-1');
    const listed = await alice.follow('/account', 'never:');
    assert.match(listed.html, /<h2 id="upcoming-heading">Payments to come<\/h2>/);
    assert.match(
      listed.html,
      new RegExp(
        `<td>Scheduled payment</td><td>Once</td><td>£42.00</td><td>Bob Patel<br>Sort code 99-03-01, account 41873205</td><td>Pay Pal of Mine</td>`,
      ),
    );
    assert.match(listed.html, new RegExp(`href="/account/payments/${paymentId}/cancel"`));
    const confirm = await alice.follow(`/account/payments/${paymentId}/cancel`, 'never:');
    assert.match(confirm.html, /<h1>Cancel this payment\?<\/h1>/);
    assert.match(confirm.html, /<dt>On<\/dt><dd>[^<]+<\/dd>/);
    assert.match(confirm.html, /This payment will not be made\. Pay Pal of Mine will be told\./);
    assert.equal((await get(`${PAYMENTS}/${paymentId}`)).body.Data.Status, 'PDNG', 'asking is not cancelling');
    const done = await cancel(alice);
    assert.equal(done.status, 200);
    assert.match(done.html, /Done: that payment will not be made/);
    assert.doesNotMatch(done.html, new RegExp(`/account/payments/${paymentId}/cancel`));
    const payment = await get(`${PAYMENTS}/${paymentId}`);
    assert.equal(payment.body.Data.Status, 'CANC');
    assert.equal(payment.body.Data.ExpectedExecutionDateTime, undefined);
    assert.deepEqual((await get(`${PAYMENTS}/${paymentId}/payment-details`)).body.Data.PaymentStatus, []);
    assert.deepEqual(await eventsAbout(paymentId), ['UK.OBIE.Resource-Update']);
    const before = await bookedBalance(server.database.dataSource, 'acc_bob_current');
    await server.instance.jobs.runScheduledPayments(inDays(21));
    assert.equal((await get(`${PAYMENTS}/${paymentId}`)).body.Data.Status, 'CANC');
    assert.equal(await bookedBalance(server.database.dataSource, 'acc_bob_current'), before);
    const again = await cancel(alice);
    assert.equal(again.status, 400);
    assert.match(again.html, /can no longer be cancelled/);
  });

  test('RequestedExecutionDateTime without a zone → read as UTC, and every response plays it back with one (responses must carry a zone)', async () => {
    const request = scheduledConsentRequest('3.00', ACCOUNTS.bobCurrent, inDays(5));
    const sent = request.Data.Initiation.RequestedExecutionDateTime.slice(0, 19);
    request.Data.Initiation.RequestedExecutionDateTime = sent;
    const zoned = `${sent}.000Z`;
    // partner.signedPost and partner.call check every response against its schema: a date-time there needs a zone.
    const { consentId, accessToken } = await authorisedConsent(request, 'alice', 'acc_alice_current');
    assert.equal((await get(`${CONSENTS}/${consentId}`)).body.Data.Initiation.RequestedExecutionDateTime, zoned);
    const made = await partner.signedPost(accessToken, PAYMENTS, scheduledPaymentRequest(consentId, request));
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.Data.Initiation.RequestedExecutionDateTime, zoned);
    assert.equal(made.body.Data.ExpectedExecutionDateTime, zoned);
    const read = await get(`${PAYMENTS}/${made.body.Data.DomesticScheduledPaymentId}`);
    assert.equal(read.body.Data.Initiation.RequestedExecutionDateTime, zoned);
  });

  test('RequestedExecutionDateTime now or in the past → 400 U003 naming it; nothing created', async () => {
    const response = await createConsent(scheduledConsentRequest('1.00', ACCOUNTS.bobCurrent, new Date(Date.now() - 60_000)));
    assertRefusal(response, 400, 'U003', 'Data.Initiation.RequestedExecutionDateTime');
  });

  test('a consent without Permission → 400 U004; an unknown consent or payment id → 400 U011', async () => {
    const { Permission: _permission, ...data } = scheduledConsentRequest('1.00', ACCOUNTS.bobCurrent, inDays(1)).Data;
    assertRefusal(await partner.signedPost(await partner.paymentsToken(), CONSENTS, { Data: data, Risk: {} }), 400, 'U004', 'Data.Permission');
    assertRefusal(await get(`${CONSENTS}/psc_unknown`), 400, 'U011');
    assertRefusal(await get(`${PAYMENTS}/pmt_unknown`), 400, 'U011');
    assertRefusal(await get(`${PAYMENTS}/pmt_unknown/payment-details`), 400, 'U011');
  });

  test('a payment whose Initiation differs from its consent → 400 U008 naming the field, the consent still AUTH', async () => {
    const request = scheduledConsentRequest('7.00', ACCOUNTS.bobCurrent, inDays(5));
    const { consentId, accessToken } = await authorisedConsent(request, 'alice', 'acc_alice_current');
    const body = scheduledPaymentRequest(consentId, request);
    body.Data.Initiation.RequestedExecutionDateTime = inDays(6).toISOString();
    assertRefusal(await partner.signedPost(accessToken, PAYMENTS, body), 400, 'U008', 'Data.Initiation.RequestedExecutionDateTime');
    assert.equal((await get(`${CONSENTS}/${consentId}`)).body.Data.Status, 'AUTH');
  });
});
