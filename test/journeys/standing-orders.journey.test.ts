// Proves domestic standing orders end to end as a payment institution sees them: openid-client with private_key_jwt and
// DPoP, signed POSTs with idempotency keys, every response checked against its OBIE schema and the bank's signature.
// The consent carries the schedule (frequency code, first/recurring/final amounts and dates, NumberOfPayments); an
// unsupported frequency is refused U025, a final amount without an end U005, a past first date U003. The customer
// approves it on the payment page, which says when it pays; the standing order is made PDNG, and the scheduler runs each
// payment when due, once, through the ledger — one it cannot pay is rejected AM04 and the next still runs — until the
// schedule ends (INCO); the partner hears of each payment (resource-update).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { formatAmount } from '../../src/domain/money.js';
import { bookedBalance, bookedBalances } from '../support/account-balances.js';
import { authorisePayment, openPaymentPage } from '../support/authorise-payment.js';
import { CustomerBrowser } from '../support/customer-browser.js';
import { assertLedgerInvariants } from '../support/ledger-invariants.js';
import { csrfOf } from '../support/portal-client.js';
import { ACCOUNTS, assertRefusal, PISP, registerPaymentPartner, type PaymentPartner, type PisResponse } from '../support/payment-partner.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const CONSENTS = `${PISP}/domestic-standing-order-consents`;
const ORDERS = `${PISP}/domestic-standing-orders`;
const MANDATE = 'Data.Initiation.MandateRelatedInformation';

const gbp = (Amount: string) => ({ Amount, Currency: 'GBP' });
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000);

/** An `OBWriteDomesticStandingOrderConsent5`: to bob, from `first` on the same day of every month, with `changes`. */
function standingOrderConsentRequest(first: Date, changes: Record<string, unknown> = {}, mandate: Record<string, unknown> = {}) {
  return {
    Data: {
      Permission: 'Create',
      Initiation: {
        NumberOfPayments: '3',
        FirstPaymentAmount: gbp('100.00'),
        RecurringPaymentAmount: gbp('50.00'),
        FinalPaymentAmount: gbp('25.00'),
        CreditorAccount: ACCOUNTS.bobCurrent,
        RemittanceInformation: { Unstructured: ['MONTHLY RENT'] },
        MandateRelatedInformation: {
          FirstPaymentDateTime: first.toISOString(),
          Frequency: { Type: `IntrvlMnthDay:01:${String(Math.min(first.getUTCDate(), 28)).padStart(2, '0')}` },
          ...mandate,
        },
        ...changes,
      },
    },
    Risk: { PaymentContextCode: 'TransferToThirdParty' },
  };
}

type StandingOrderConsentRequest = ReturnType<typeof standingOrderConsentRequest>;

function standingOrderRequest(consentId: string, request: StandingOrderConsentRequest) {
  return { Data: { ConsentId: consentId, Initiation: structuredClone(request.Data.Initiation) }, Risk: structuredClone(request.Risk) };
}

describe('standing orders journey', () => {
  let server: TestServer;
  let partner: PaymentPartner;

  before(async () => {
    server = await startTestServer();
    partner = await registerPaymentPartner(server);
  });
  after(async () => server.close());

  async function get(path: string): Promise<PisResponse> {
    return partner.call(await partner.paymentsToken(), 'GET', path);
  }

  async function createConsent(request: StandingOrderConsentRequest): Promise<PisResponse> {
    return partner.signedPost(await partner.paymentsToken(), CONSENTS, request);
  }

  /** Runs the scheduler at `now` until nothing more is due (a standing order's next payment may be due at once). */
  async function runScheduler(now: Date): Promise<number> {
    let ran = 0;
    for (let run = await server.instance.jobs.runScheduledPayments(now); run.ran > 0; run = await server.instance.jobs.runScheduledPayments(now)) {
      ran += run.ran;
    }
    return ran;
  }

  async function eventsAbout(standingOrderId: string): Promise<number> {
    const [row] = await server.database.dataSource.query<Array<{ n: string | number }>>(
      `SELECT COUNT(*) AS n FROM event_notification WHERE client_id = ? AND resource_type = 'domestic-standing-order' AND resource_id = ?`,
      [partner.clientId, standingOrderId],
    );
    return Number(row?.n ?? 0);
  }

  describe('three monthly payments to bob: 100.00, 50.00, 25.00', () => {
    const first = inDays(2);
    const request = standingOrderConsentRequest(first);
    let consentId: string;
    let accessToken: string;
    let orderId: string;

    test('POST /domestic-standing-order-consents → 201 AWAU soc_…, Permission and Initiation played back, signed', async () => {
      const response = await createConsent(request);
      assert.equal(response.status, 201, JSON.stringify(response.body));
      consentId = response.body.Data.ConsentId;
      assert.match(consentId, /^soc_/);
      assert.equal(response.body.Data.Status, 'AWAU');
      assert.equal(response.body.Data.Permission, 'Create');
      assert.deepEqual(response.body.Data.Initiation, request.Data.Initiation);
      assert.equal((await get(`${CONSENTS}/${consentId}`)).body.Data.Status, 'AWAU');
    });

    test('the payment page says when it pays; alice approves → AUTH', async () => {
      const { page } = await openPaymentPage(server, partner, consentId, { username: 'alice' });
      assert.match(page.html, /<dt>When<\/dt><dd>On [^<]+, then every month on day \d+ \(3 payments in all\)<\/dd>/);
      assert.match(page.html, /<h1>Pay Pal of Mine wants to set up a standing order from your account<\/h1>/);
      assert.match(page.html, /<dt>Pay<\/dt><dd><strong>£100\.00 first, then £50\.00 each time; £25\.00 the last time<\/strong><\/dd>/);
      assert.doesNotMatch(page.html, /Total to pay|this one payment/);
      ({ accessToken } = await authorisePayment(server, partner, consentId, { username: 'alice', debtorAccountId: 'acc_alice_current' }));
      assert.equal((await get(`${CONSENTS}/${consentId}`)).body.Data.Status, 'AUTH');
    });

    test('POST /domestic-standing-orders → 201 PDNG sto_…, the consent COND, nothing paid yet; a replay returns the same order', async () => {
      const before = await bookedBalance(server.database.dataSource, 'acc_bob_current');
      const body = standingOrderRequest(consentId, request);
      const response = await partner.signedPost(accessToken, ORDERS, body, { idempotencyKey: 'order-1' });
      assert.equal(response.status, 201, JSON.stringify(response.body));
      orderId = response.body.Data.DomesticStandingOrderId;
      assert.equal(orderId, `sto_${consentId.slice(4)}`);
      assert.equal(response.body.Data.Status, 'PDNG');
      assert.deepEqual(response.body.Data.Initiation, request.Data.Initiation);
      assert.equal(response.body.Links.Self, `${server.issuer}${ORDERS}/${orderId}`);
      assert.equal((await get(`${CONSENTS}/${consentId}`)).body.Data.Status, 'COND');
      const replay = await partner.signedPost(accessToken, ORDERS, body, { idempotencyKey: 'order-1' });
      assert.equal(replay.body.Data.DomesticStandingOrderId, orderId);
      assertRefusal(await partner.signedPost(accessToken, ORDERS, body, { idempotencyKey: 'order-2' }), 400, 'U009');
      assert.equal(await bookedBalance(server.database.dataSource, 'acc_bob_current'), before);
      const details = await get(`${ORDERS}/${orderId}/payment-details`);
      assert.deepEqual(
        details.body.Data.PaymentStatus.map((status: { Status: string }) => status.Status),
        ['PDNG'],
      );
    });

    test('the scheduler on the first date → the first payment ACSC (100.00), the order still PDNG with the second pending', async () => {
      const before = await bookedBalance(server.database.dataSource, 'acc_bob_current');
      assert.equal(await runScheduler(inDays(1)), 0, 'nothing before its date');
      assert.equal(await runScheduler(new Date(first.getTime() + 1000)), 1);
      assert.equal(await bookedBalance(server.database.dataSource, 'acc_bob_current'), before + 10_000n);
      assert.equal((await get(`${ORDERS}/${orderId}`)).body.Data.Status, 'PDNG');
      const details = await get(`${ORDERS}/${orderId}/payment-details`);
      assert.deepEqual(
        details.body.Data.PaymentStatus.map((status: { Status: string }) => status.Status),
        ['PDNG', 'ACSC'],
      );
      assert.equal(await eventsAbout(orderId), 1);
    });

    test('the scheduler three months on → the second (50.00) and the last (25.00) paid once each, the order INCO, three events', async () => {
      const before = await bookedBalances(server.database.dataSource, ['acc_alice_current', 'acc_bob_current']);
      assert.equal(await runScheduler(inDays(100)), 2);
      assert.equal(await runScheduler(inDays(400)), 0, 'the schedule has ended');
      const after = await bookedBalances(server.database.dataSource, ['acc_alice_current', 'acc_bob_current']);
      assert.equal(after.acc_bob_current, (before.acc_bob_current ?? 0n) + 7_500n);
      assert.equal(after.acc_alice_current, (before.acc_alice_current ?? 0n) - 7_500n);
      const order = await get(`${ORDERS}/${orderId}`);
      assert.equal(order.body.Data.Status, 'INCO');
      const details = await get(`${ORDERS}/${orderId}/payment-details`);
      assert.deepEqual(
        details.body.Data.PaymentStatus.map((status: { Status: string }) => status.Status),
        ['ACSC', 'ACSC', 'ACSC'],
      );
      assert.equal(await eventsAbout(orderId), 3);
      await assertLedgerInvariants(server.database.dataSource);
    });
  });

  test('a payment carol cannot pay when due → that one RJCT AM04 with nothing moved, the next still runs', async () => {
    const { dataSource } = server.database;
    const first = inDays(3);
    const spendable = await bookedBalance(dataSource, 'acc_carol_current');
    const request = standingOrderConsentRequest(first, {
      FirstPaymentAmount: gbp('1.00'),
      RecurringPaymentAmount: gbp(formatAmount(spendable + 100n, 'GBP')),
      FinalPaymentAmount: gbp('2.00'),
      CreditorAccount: ACCOUNTS.daveCurrent,
    });
    const created = await createConsent(request);
    const consentId = created.body.Data.ConsentId as string;
    const { accessToken } = await authorisePayment(server, partner, consentId, { username: 'carol', debtorAccountId: 'acc_carol_current' });
    const made = await partner.signedPost(accessToken, ORDERS, standingOrderRequest(consentId, request));
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const orderId = made.body.Data.DomesticStandingOrderId as string;
    const before = await bookedBalances(dataSource, ['acc_carol_current', 'acc_dave_current']);
    assert.equal(await runScheduler(inDays(200)), 3);
    const details = await get(`${ORDERS}/${orderId}/payment-details`);
    assert.deepEqual(
      details.body.Data.PaymentStatus.map((status: { Status: string; StatusDetail: { StatusReason?: string } }) => [
        status.Status,
        status.StatusDetail.StatusReason ?? null,
      ]),
      [
        ['ACSC', null],
        ['RJCT', 'AM04'],
        ['ACSC', null],
      ],
    );
    const after = await bookedBalances(dataSource, ['acc_carol_current', 'acc_dave_current']);
    assert.equal(after.acc_dave_current, (before.acc_dave_current ?? 0n) + 300n, 'only the first and the last moved money');
    assert.equal((await get(`${ORDERS}/${orderId}`)).body.Data.Status, 'INCO');
    await assertLedgerInvariants(dataSource);
  });

  test('alice cancels the standing order at /account after its first payment → CANC for the partner, no later payment made', async () => {
    const first = inDays(4);
    const request = standingOrderConsentRequest(first, { NumberOfPayments: '6', FinalPaymentAmount: undefined });
    const created = await createConsent(request);
    const consentId = created.body.Data.ConsentId as string;
    const { accessToken } = await authorisePayment(server, partner, consentId, { username: 'alice', debtorAccountId: 'acc_alice_current' });
    const orderId = (await partner.signedPost(accessToken, ORDERS, standingOrderRequest(consentId, request))).body.Data
      .DomesticStandingOrderId as string;
    assert.equal(await runScheduler(new Date(first.getTime() + 1000)), 1);
    const browser = new CustomerBrowser(server.issuer);
    const form = await browser.follow('/account', 'never:');
    const page = await browser.follow('/account/login', 'never:', {
      form: { csrf: csrfOf(form.html, '/account/login'), username: 'alice', password: 'alice-sandbox-1' },
    });
    const [, nextPaymentId = ''] = /href="\/account\/payments\/(pmt_[^"/]+)\/cancel"[^>]*>Cancel the standing order/.exec(page.html) ?? [];
    assert.match(
      page.html,
      /<td>Standing order<\/td><td>Every month on day \d+, payment 2 of 6<\/td><td>£50\.00<\/td><td>Bob Patel<br>Sort code 99-03-01, account 41873205<\/td>/,
    );
    const confirm = await browser.follow(`/account/payments/${nextPaymentId}/cancel`, 'never:');
    assert.match(confirm.html, /<h1>Cancel this standing order\?<\/h1>/);
    assert.equal((await get(`${ORDERS}/${orderId}`)).body.Data.Status, 'PDNG', 'asking is not cancelling');
    const done = await browser.follow(`/account/payments/${nextPaymentId}/cancel`, 'never:', {
      form: { csrf: csrfOf(confirm.html, `/account/payments/${nextPaymentId}/cancel`) },
    });
    assert.match(done.html, /Done: that payment will not be made/);
    const order = await get(`${ORDERS}/${orderId}`);
    assert.equal(order.body.Data.Status, 'CANC');
    assert.equal(await runScheduler(inDays(400)), 0);
    const details = await get(`${ORDERS}/${orderId}/payment-details`);
    assert.deepEqual(
      details.body.Data.PaymentStatus.map((status: { Status: string }) => status.Status),
      ['ACSC'],
    );
    assert.equal(await eventsAbout(orderId), 2, 'the first payment, and the cancellation');
  });

  test('FirstPaymentDateTime and FinalPaymentDateTime without a zone → read as UTC, and every response plays them back with one (responses must carry a zone)', async () => {
    const first = inDays(6).toISOString().slice(0, 19);
    const final = inDays(70).toISOString().slice(0, 19);
    const request = standingOrderConsentRequest(
      new Date(`${first}Z`),
      { NumberOfPayments: undefined, FinalPaymentAmount: undefined },
      {
        FirstPaymentDateTime: first,
        FinalPaymentDateTime: final,
      },
    );
    const zoned = (sent: string) => ({ FirstPaymentDateTime: `${sent}.000Z` });
    // partner.signedPost and partner.call check every response against its schema: a date-time there needs a zone.
    const created = await createConsent(request);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const consentId = created.body.Data.ConsentId as string;
    const expected = { ...zoned(first), FinalPaymentDateTime: `${final}.000Z` };
    const played = (body: { Data: { Initiation: { MandateRelatedInformation: Record<string, unknown> } } }) => {
      const { FirstPaymentDateTime, FinalPaymentDateTime } = body.Data.Initiation.MandateRelatedInformation;
      return { FirstPaymentDateTime, FinalPaymentDateTime };
    };
    assert.deepEqual(played(created.body), expected);
    const { accessToken } = await authorisePayment(server, partner, consentId, { username: 'alice', debtorAccountId: 'acc_alice_current' });
    const made = await partner.signedPost(accessToken, ORDERS, standingOrderRequest(consentId, request));
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.deepEqual(played(made.body), expected);
    assert.deepEqual(played((await get(`${ORDERS}/${made.body.Data.DomesticStandingOrderId}`)).body), expected);
  });

  test('refusals: an unsupported frequency → 400 U025; a final amount without an end → U005; a first payment in the past → U003; unknown ids → U011', async () => {
    assertRefusal(
      await createConsent(standingOrderConsentRequest(inDays(1), {}, { Frequency: { Type: 'MNTH' } })),
      400,
      'U025',
      `${MANDATE}.Frequency.Type`,
    );
    assertRefusal(
      await createConsent(standingOrderConsentRequest(inDays(1), {}, { Frequency: { Type: 'WkInMnthDay:02:03' } })),
      400,
      'U025',
      `${MANDATE}.Frequency.Type`,
    );
    assertRefusal(
      await createConsent(standingOrderConsentRequest(inDays(1), { NumberOfPayments: undefined })),
      400,
      'U005',
      'Data.Initiation.FinalPaymentAmount',
    );
    assertRefusal(await createConsent(standingOrderConsentRequest(inDays(-1))), 400, 'U003', `${MANDATE}.FirstPaymentDateTime`);
    assertRefusal(await get(`${CONSENTS}/soc_unknown`), 400, 'U011');
    assertRefusal(await get(`${ORDERS}/sto_unknown`), 400, 'U011');
    assertRefusal(await get(`${ORDERS}/pmt_unknown/payment-details`), 400, 'U011');
  });
});
