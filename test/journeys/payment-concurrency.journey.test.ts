// Proves exactly once under concurrency, through HTTP, on both databases, with requests spread over two OpenTeller
// instances (like two processes behind a load balancer): one consent POST sent 20 times with one key makes one
// consent; (b) one consent and one idempotency key sent 20 times at once make one payment and twenty identical
// answers; (c) one consent paid with 10 different keys at once makes one payment, the other nine are refused
// with U009. The ledger invariants hold afterwards.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { ConsentRow } from '../../src/persistence/entities/consent.entity.js';
import type { PaymentRow } from '../../src/persistence/entities/payment.entity.js';
import { bookedBalances } from '../support/account-balances.js';
import { authorisePayment } from '../support/authorise-payment.js';
import { assertLedgerInvariants } from '../support/ledger-invariants.js';
import { ACCOUNTS, consentRequest, paymentRequest, PISP, registerPaymentPartner, type PaymentPartner } from '../support/payment-partner.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const DEBTOR = 'acc_alice_current';
const PAYEE = 'acc_bob_current';

describe('payments under concurrency', () => {
  let server: TestServer;
  let partner: PaymentPartner;

  /** A consent of `amount` from alice to bob, authorised: the payment body that repeats it and the customer token. */
  async function authorisedPayment(amount: string) {
    const request = consentRequest({ amount, payee: ACCOUNTS.bobCurrent, debtor: ACCOUNTS.aliceCurrent });
    const created = await partner.createConsent(request);
    assert.equal(created.status, 201);
    const consentId = created.body.Data.ConsentId as string;
    const { accessToken } = await authorisePayment(server, partner, consentId, { username: 'alice', debtorAccountId: DEBTOR });
    return { consentId, accessToken, body: JSON.stringify(paymentRequest(consentId, request)) };
  }

  async function paymentsOf(consentId: string): Promise<PaymentRow[]> {
    return server.database.dataSource.getRepository<PaymentRow>('Payment').findBy({ consentId });
  }

  async function consentStatus(consentId: string): Promise<string> {
    const response = await partner.call(await partner.paymentsToken(), 'GET', `${PISP}/domestic-payment-consents/${consentId}`);
    return response.body.Data.Status as string;
  }

  before(async () => {
    server = await startTestServer({ instances: 2 });
    partner = await registerPaymentPartner(server);
  });
  after(async () => server.close());

  test('one idempotency key on POST /domestic-payment-consents sent 20× at once → 20 × 201 with the same consent, one consent stored', async () => {
    const body = JSON.stringify(consentRequest({ amount: '6.54', payee: ACCOUNTS.bobCurrent }));
    const token = await partner.paymentsToken();
    const key = randomUUID();
    const signature = await partner.sign(body);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => partner.signedPost(token, `${PISP}/domestic-payment-consents`, body, { idempotencyKey: key, signature })),
    );
    assert.deepEqual(
      responses.map((response) => response.status),
      Array(20).fill(201),
      JSON.stringify(responses.filter((response) => response.status !== 201).map((response) => response.body)),
    );
    const first = responses[0]?.body.Data;
    for (const response of responses) assert.deepEqual(response.body.Data, first);
    const stored = await server.database.dataSource.getRepository<ConsentRow>('Consent').countBy({ clientId: partner.clientId });
    assert.equal(stored, 1);
  });

  test('one consent, one idempotency key, the same signed request sent 20× at once → 20 × 201 with identical Data, one payment, paid once', async () => {
    const { consentId, accessToken, body } = await authorisedPayment('3.21');
    const balances = await bookedBalances(server.database.dataSource, [DEBTOR, PAYEE]);
    const key = randomUUID();
    const signature = await partner.sign(body);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => partner.signedPost(accessToken, `${PISP}/domestic-payments`, body, { idempotencyKey: key, signature })),
    );
    assert.deepEqual(
      responses.map((response) => response.status),
      Array(20).fill(201),
      JSON.stringify(responses.filter((response) => response.status !== 201).map((response) => response.body)),
    );
    const first = responses[0]?.body.Data;
    assert.equal(first.Status, 'ACSC');
    for (const response of responses) assert.deepEqual(response.body.Data, first);

    const payments = await paymentsOf(consentId);
    assert.equal(payments.length, 1);
    assert.equal(payments[0]?.id, first.DomesticPaymentId);
    assert.equal(await consentStatus(consentId), 'COND');
    assert.deepEqual(await bookedBalances(server.database.dataSource, [DEBTOR, PAYEE]), {
      [DEBTOR]: (balances[DEBTOR] ?? 0n) - 321n,
      [PAYEE]: (balances[PAYEE] ?? 0n) + 321n,
    });
    await assertLedgerInvariants(server.database.dataSource);
  });

  test('one consent paid with 10 different idempotency keys at once → exactly one 201, nine 400 U009, one payment, paid once', async () => {
    const { consentId, accessToken, body } = await authorisedPayment('4.56');
    const balances = await bookedBalances(server.database.dataSource, [DEBTOR, PAYEE]);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => partner.signedPost(accessToken, `${PISP}/domestic-payments`, body, { idempotencyKey: randomUUID() })),
    );
    const created = responses.filter((response) => response.status === 201);
    const refused = responses.filter((response) => response.status !== 201);
    assert.equal(created.length, 1, JSON.stringify(responses.map((response) => [response.status, response.body])));
    assert.equal(created[0]?.body.Data.Status, 'ACSC');
    for (const response of refused) {
      assert.equal(response.status, 400, JSON.stringify(response.body));
      assert.deepEqual(
        response.body.Errors.map((error: { ErrorCode: string }) => error.ErrorCode),
        ['U009'],
      );
    }

    const payments = await paymentsOf(consentId);
    assert.equal(payments.length, 1);
    assert.equal(payments[0]?.id, created[0]?.body.Data.DomesticPaymentId);
    assert.equal(await consentStatus(consentId), 'COND');
    assert.deepEqual(await bookedBalances(server.database.dataSource, [DEBTOR, PAYEE]), {
      [DEBTOR]: (balances[DEBTOR] ?? 0n) - 456n,
      [PAYEE]: (balances[PAYEE] ?? 0n) + 456n,
    });
    await assertLedgerInvariants(server.database.dataSource);
  });
});
