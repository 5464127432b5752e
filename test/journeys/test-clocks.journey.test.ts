// Proves the sandbox test clock through HTTP as a partner uses it: an app creates a clock, attaches its standing order
// consent (before or after the customer approves it), advances the clock, and the scheduler's one decision path runs
// that app's due payments as of the clock's time — each once, the customer debited each time, one it cannot pay RJCT
// AM04 with the next still run, external payments settled as of the clock's time — while the bank's own scheduler
// leaves them alone; another app sees nothing of the clock or its consent; two advances at once run nothing twice;
// deleting a clock cancels its pending payments; every refusal is an OBIE error; and in production mode the paths do not
// exist (404 U011).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import request from 'supertest';
import { createOpenTeller } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { formatAmount } from '../../src/domain/money.js';
import { createLogger } from '../../src/logging/logger.js';
import { migrateDatabase, openDatabase } from '../../src/persistence/data-source.js';
import { readSqlTime } from '../../src/persistence/sql.js';
import { bookedBalance, bookedBalances } from '../support/account-balances.js';
import { authorisePayment } from '../support/authorise-payment.js';
import { assertLedgerInvariants } from '../support/ledger-invariants.js';
import { ACCOUNTS, assertRefusal, PISP, registerPaymentPartner, type PaymentPartner, type PisResponse } from '../support/payment-partner.js';
import { createTestDatabase } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { fundAccount } from '../support/fund-account.js';

const CLOCKS = '/sandbox/test-clocks';
const CONSENTS = `${PISP}/domestic-standing-order-consents`;
const ORDERS = `${PISP}/domestic-standing-orders`;
const DAY_MS = 86_400_000;

const gbp = (Amount: string) => ({ Amount, Currency: 'GBP' });

/** A monthly standing order consent: first payment at `first`, then on the 15th of each month, `changes` applied. */
function standingOrderConsentRequest(first: Date, changes: Record<string, unknown> = {}) {
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
        MandateRelatedInformation: { FirstPaymentDateTime: first.toISOString(), Frequency: { Type: 'IntrvlMnthDay:01:15' } },
        ...changes,
      },
    },
    Risk: { PaymentContextCode: 'TransferToThirdParty' },
  };
}

type StandingOrderConsentRequest = ReturnType<typeof standingOrderConsentRequest>;

/** The 15th of the month after next (at noon UTC), so that the first payment is well in the future. */
function fifteenthAhead(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 15, 12));
}

function addMonths(date: Date, months: number): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, date.getUTCDate(), date.getUTCHours()));
}

describe('sandbox test clocks', () => {
  let server: TestServer;
  let partner: PaymentPartner;
  let other: PaymentPartner;

  before(async () => {
    server = await startTestServer();
    await fundAccount(server.database, 'acc_alice_current', 1_000_000n);
    partner = await registerPaymentPartner(server);
    other = await registerPaymentPartner(server, 'Someone Else Ltd');
  });
  after(async () => server.close());

  async function call(as: PaymentPartner, method: string, path: string, body?: unknown): Promise<PisResponse> {
    return as.call(await as.paymentsToken(), method, path, body === undefined ? {} : { body: JSON.stringify(body) });
  }

  async function createClock(frozenTime: Date, as = partner): Promise<string> {
    const created = await call(as, 'POST', CLOCKS, { Data: { FrozenTime: frozenTime.toISOString(), Name: 'rent' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body.Data.TestClockId as string;
  }

  /** A standing order of `customer` made under a consent attached to `clockId`; its id and consent id. */
  async function standingOrderOnClock(
    clockId: string,
    request: StandingOrderConsentRequest,
    customer = { username: 'alice', debtorAccountId: 'acc_alice_current' },
  ): Promise<{ consentId: string; orderId: string }> {
    const created = await partner.signedPost(await partner.paymentsToken(), CONSENTS, request);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const consentId = created.body.Data.ConsentId as string;
    const attached = await call(partner, 'POST', `${CLOCKS}/${clockId}/consents`, { Data: { ConsentId: consentId } });
    assert.equal(attached.status, 200, JSON.stringify(attached.body));
    const { accessToken } = await authorisePayment(server, partner, consentId, customer);
    const made = await partner.signedPost(accessToken, ORDERS, {
      Data: { ConsentId: consentId, Initiation: structuredClone(request.Data.Initiation) },
      Risk: structuredClone(request.Risk),
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    return { consentId, orderId: made.body.Data.DomesticStandingOrderId as string };
  }

  async function advance(clockId: string, to: Date): Promise<PisResponse> {
    return call(partner, 'POST', `${CLOCKS}/${clockId}/advance`, { Data: { FrozenTime: to.toISOString() } });
  }

  async function paymentStatuses(orderId: string): Promise<Array<[string, string | null, string]>> {
    const details = await call(partner, 'GET', `${ORDERS}/${orderId}/payment-details`);
    return details.body.Data.PaymentStatus.map(
      (status: { Status: string; StatusUpdateDateTime: string; StatusDetail: { StatusReason?: string } }) => [
        status.Status,
        status.StatusDetail.StatusReason ?? null,
        status.StatusUpdateDateTime,
      ],
    );
  }

  /** Runs the bank's own scheduler and settlement at `now` until nothing more is due. */
  async function runBankTime(now: Date): Promise<number> {
    let ran = 0;
    for (let run = await server.instance.jobs.runScheduledPayments(now); run.ran > 0; run = await server.instance.jobs.runScheduledPayments(now))
      ran += run.ran;
    const settled = await server.instance.jobs.settlePayments(now);
    return ran + settled.settled + settled.rejected;
  }

  describe('a monthly standing order of three payments, advanced through month by month', () => {
    const first = fifteenthAhead();
    let clockId: string;
    let orderId: string;
    let consentId: string;

    test('POST /sandbox/test-clocks → 201 tck_… Ready at its FrozenTime, listed and readable by its app, signed', async () => {
      const start = new Date();
      clockId = await createClock(start);
      assert.match(clockId, /^tck_/);
      const read = await call(partner, 'GET', `${CLOCKS}/${clockId}`);
      assert.equal(read.status, 200);
      assert.deepEqual(read.body.Data, {
        TestClockId: clockId,
        Name: 'rent',
        FrozenTime: start.toISOString(),
        Status: 'Ready',
        CreationDateTime: read.body.Data.CreationDateTime,
        ConsentIds: [],
      });
      assert.equal(read.body.Links.Self, `${server.issuer}${CLOCKS}/${clockId}`);
      const list = await call(partner, 'GET', CLOCKS);
      assert.deepEqual(
        list.body.Data.TestClock.map((clock: { TestClockId: string }) => clock.TestClockId),
        [clockId],
      );
    });

    test('attach the consent (AWAU), the customer approves, the standing order is made: PDNG, nothing paid', async () => {
      ({ consentId, orderId } = await standingOrderOnClock(clockId, standingOrderConsentRequest(first)));
      const clock = await call(partner, 'GET', `${CLOCKS}/${clockId}`);
      assert.deepEqual(clock.body.Data.ConsentIds, [consentId]);
      assert.deepEqual(
        (await paymentStatuses(orderId)).map(([status]) => status),
        ['PDNG'],
      );
    });

    test("the bank's own scheduler, even a year on, runs none of the clock's payments", async () => {
      const before = await bookedBalance(server.database.dataSource, 'acc_bob_current');
      assert.equal(await runBankTime(new Date(Date.now() + 365 * DAY_MS)), 0);
      assert.equal(await bookedBalance(server.database.dataSource, 'acc_bob_current'), before);
    });

    test('advance to the day before the first payment → nothing runs; Advance says so', async () => {
      const response = await advance(clockId, new Date(first.getTime() - DAY_MS));
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.equal(response.body.Data.FrozenTime, new Date(first.getTime() - DAY_MS).toISOString());
      assert.deepEqual(response.body.Data.Advance, {
        RequestedFrozenTime: new Date(first.getTime() - DAY_MS).toISOString(),
        PaymentsRun: 0,
        PaymentsSettled: 0,
        Complete: true,
      });
    });

    test('advance through three months, one month at a time → 100.00, 50.00, 25.00 paid once each, dated by the clock; INCO', async () => {
      const accounts = ['acc_alice_current', 'acc_bob_current'];
      const before = await bookedBalances(server.database.dataSource, accounts);
      const amounts = [10_000n, 5_000n, 2_500n];
      for (const [month, amount] of amounts.entries()) {
        const was = await bookedBalances(server.database.dataSource, accounts);
        const to = new Date(addMonths(first, month).getTime() + 3_600_000);
        const response = await advance(clockId, to);
        assert.equal(response.status, 200, JSON.stringify(response.body));
        assert.equal(response.body.Data.Advance.PaymentsRun, 1, `month ${month + 1}`);
        const now = await bookedBalances(server.database.dataSource, accounts);
        assert.equal(now.acc_alice_current, (was.acc_alice_current ?? 0n) - amount, `alice debited in month ${month + 1}`);
        assert.equal(now.acc_bob_current, (was.acc_bob_current ?? 0n) + amount);
      }
      const after = await bookedBalances(server.database.dataSource, accounts);
      assert.equal(after.acc_alice_current, (before.acc_alice_current ?? 0n) - 17_500n);
      const statuses = await paymentStatuses(orderId);
      assert.deepEqual(
        statuses.map(([status, , at]) => [status, at]),
        [2, 1, 0].map((month) => ['ACSC', addMonths(first, month).toISOString()]),
        'each payment made on its own date, as the clock passed it',
      );
      assert.equal((await call(partner, 'GET', `${ORDERS}/${orderId}`)).body.Data.Status, 'INCO');
      const [events] = await server.database.dataSource.query<Array<{ n: string | number }>>(
        `SELECT COUNT(*) AS n FROM event_notification WHERE client_id = ? AND resource_type = 'domestic-standing-order' AND resource_id = ?`,
        [partner.clientId, orderId],
      );
      assert.equal(Number(events?.n), 3, 'a resource-update for each payment');
      const tokens = await server.database.dataSource.query<Array<{ token: string; created_at: Date | string }>>(
        `SELECT token, created_at FROM event_notification WHERE client_id = ? AND resource_id = ? ORDER BY sequence`,
        [partner.clientId, orderId],
      );
      assert.deepEqual(
        tokens.map(({ token }) => (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { toe: number }).toe),
        [0, 1, 2].map((month) => addMonths(first, month).getTime() / 1000),
        "each event's time of event is the clock's",
      );
      for (const { token, created_at: createdAt } of tokens) {
        const { iat } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { iat: number };
        assert.ok(iat * 1000 <= Date.now() + 1000, "issued at the bank's time, so pushed now, not months ahead");
        assert.ok(readSqlTime(createdAt).getTime() <= Date.now() + 1000);
      }
      await assertLedgerInvariants(server.database.dataSource);
    });

    test('refusals: back in time or by more than two years → 400 U003; a used consent already on the clock is attached again as a no-op', async () => {
      const clock = await call(partner, 'GET', `${CLOCKS}/${clockId}`);
      const frozen = new Date(clock.body.Data.FrozenTime as string);
      assertRefusal(await advance(clockId, frozen), 400, 'U003', 'Data.FrozenTime');
      assertRefusal(await advance(clockId, new Date(frozen.getTime() + 800 * DAY_MS)), 400, 'U003', 'Data.FrozenTime');
      const again = await call(partner, 'POST', `${CLOCKS}/${clockId}/consents`, { Data: { ConsentId: consentId } });
      assert.equal(again.status, 200);
      assert.deepEqual(again.body.Data.ConsentIds, [consentId]);
    });
  });

  test('a payment carol cannot pay when the clock reaches it → that one RJCT AM04, nothing moved; the next still runs', async () => {
    const { dataSource } = server.database;
    const first = fifteenthAhead();
    const clockId = await createClock(new Date());
    const spendable = await bookedBalance(dataSource, 'acc_carol_current');
    const { orderId } = await standingOrderOnClock(
      clockId,
      standingOrderConsentRequest(first, {
        FirstPaymentAmount: gbp('1.00'),
        RecurringPaymentAmount: gbp(formatAmount(spendable + 100n, 'GBP')),
        FinalPaymentAmount: gbp('2.00'),
        CreditorAccount: ACCOUNTS.daveCurrent,
      }),
      { username: 'carol', debtorAccountId: 'acc_carol_current' },
    );
    const before = await bookedBalances(dataSource, ['acc_carol_current', 'acc_dave_current']);
    const response = await advance(clockId, addMonths(first, 3));
    assert.equal(response.body.Data.Advance.PaymentsRun, 3);
    assert.deepEqual(
      (await paymentStatuses(orderId)).map(([status, reason]) => [status, reason]),
      [
        ['ACSC', null],
        ['RJCT', 'AM04'],
        ['ACSC', null],
      ],
    );
    const after = await bookedBalances(dataSource, ['acc_carol_current', 'acc_dave_current']);
    assert.equal(after.acc_dave_current, (before.acc_dave_current ?? 0n) + 300n, 'only the first and the last moved money');
    assert.equal(after.acc_carol_current, (before.acc_carol_current ?? 0n) - 300n);
    await assertLedgerInvariants(dataSource);
  });

  test('a standing order to another bank, consent attached after approval → ACSP when run, ACSC as the clock passes its settlement', async () => {
    const first = fifteenthAhead();
    const clockId = await createClock(new Date());
    const request = standingOrderConsentRequest(first, { NumberOfPayments: '1', FinalPaymentAmount: undefined, CreditorAccount: ACCOUNTS.elsewhere });
    const created = await partner.signedPost(await partner.paymentsToken(), CONSENTS, request);
    const consentId = created.body.Data.ConsentId as string;
    const { accessToken } = await authorisePayment(server, partner, consentId, { username: 'alice', debtorAccountId: 'acc_alice_current' });
    const made = await partner.signedPost(accessToken, ORDERS, {
      Data: { ConsentId: consentId, Initiation: request.Data.Initiation },
      Risk: request.Risk,
    });
    const orderId = made.body.Data.DomesticStandingOrderId as string;
    const attached = await call(partner, 'POST', `${CLOCKS}/${clockId}/consents`, { Data: { ConsentId: consentId } });
    assert.equal(attached.status, 200, 'an approved consent whose order is made, nothing paid yet, may be attached');
    const ran = await advance(clockId, first);
    assert.equal(ran.body.Data.Advance.PaymentsRun, 1);
    assert.deepEqual(
      (await paymentStatuses(orderId)).map(([status]) => status),
      ['ACSP'],
    );
    assert.equal(await runBankTime(new Date(Date.now() + 365 * DAY_MS)), 0, "the bank's settlement leaves the clock's payments alone");
    const settled = await advance(clockId, new Date(first.getTime() + DAY_MS));
    assert.equal(settled.body.Data.Advance.PaymentsSettled, 1);
    const [[status, , at] = []] = await paymentStatuses(orderId);
    assert.equal(status, 'ACSC');
    assert.ok(Date.parse(at ?? '') > first.getTime() && Date.parse(at ?? '') <= first.getTime() + DAY_MS, `settled as of the clock: ${at}`);
    await assertLedgerInvariants(server.database.dataSource);
  });

  test('two advances of one clock at once → each payment run exactly once (the other advance waits its turn: 409 U029 or nothing left)', async () => {
    const first = fifteenthAhead();
    const clockId = await createClock(new Date());
    const { orderId } = await standingOrderOnClock(
      clockId,
      standingOrderConsentRequest(first, { NumberOfPayments: '12', FinalPaymentAmount: undefined }),
    );
    const before = await bookedBalance(server.database.dataSource, 'acc_bob_current');
    const to = addMonths(first, 11);
    const answers = await Promise.all([advance(clockId, to), advance(clockId, to), advance(clockId, new Date(to.getTime() + 1000))]);
    for (const answer of answers) {
      if (answer.status !== 200) assertRefusal(answer, answer.status === 409 ? 409 : 400, answer.status === 409 ? 'U029' : 'U003');
    }
    const run = answers.filter((answer) => answer.status === 200).reduce((sum, answer) => sum + Number(answer.body.Data.Advance.PaymentsRun), 0);
    assert.equal(run, 12);
    const statuses = await paymentStatuses(orderId);
    assert.equal(statuses.length, 12);
    assert.ok(statuses.every(([status]) => status === 'ACSC'));
    assert.equal(await bookedBalance(server.database.dataSource, 'acc_bob_current'), before + 10_000n + 11n * 5_000n);
    await assertLedgerInvariants(server.database.dataSource);
  });

  test("another app: the clock is unknown to it, its own clock cannot take the partner's consent, and the partner's clock not its consent", async () => {
    const clockId = await createClock(new Date());
    const created = await partner.signedPost(await partner.paymentsToken(), CONSENTS, standingOrderConsentRequest(fifteenthAhead()));
    const consentId = created.body.Data.ConsentId as string;
    assertRefusal(await call(other, 'GET', `${CLOCKS}/${clockId}`), 400, 'U011');
    assertRefusal(
      await call(other, 'POST', `${CLOCKS}/${clockId}/advance`, { Data: { FrozenTime: new Date(Date.now() + DAY_MS).toISOString() } }),
      400,
      'U011',
    );
    assertRefusal(await call(other, 'DELETE', `${CLOCKS}/${clockId}`), 400, 'U011');
    assert.deepEqual((await call(other, 'GET', CLOCKS)).body.Data.TestClock, []);
    const otherClock = await createClock(new Date(), other);
    const unknown = await call(other, 'POST', `${CLOCKS}/${otherClock}/consents`, { Data: { ConsentId: 'soc_unknown' } });
    const foreign = await call(other, 'POST', `${CLOCKS}/${otherClock}/consents`, { Data: { ConsentId: consentId } });
    assertRefusal(foreign, 400, 'U011', 'Data.ConsentId');
    assert.deepEqual(
      foreign.body.Errors,
      unknown.body.Errors.map((error: { Message: string }) => ({ ...error, Message: error.Message.replace('soc_unknown', consentId) })),
    );
  });

  test('attach refusals: a domestic payment consent → U002; a consent on another clock → U009; unknown clock → U011; bad body → U002', async () => {
    const clockId = await createClock(new Date());
    const otherClockId = await createClock(new Date());
    const domestic = await partner.signedPost(await partner.paymentsToken(), `${PISP}/domestic-payment-consents`, {
      Data: {
        Initiation: {
          InstructionIdentification: 'ID1',
          EndToEndIdentification: 'E2E1',
          InstructedAmount: gbp('1.00'),
          CreditorAccount: ACCOUNTS.bobCurrent,
        },
      },
      Risk: {},
    });
    assertRefusal(
      await call(partner, 'POST', `${CLOCKS}/${clockId}/consents`, { Data: { ConsentId: domestic.body.Data.ConsentId } }),
      400,
      'U002',
      'Data.ConsentId',
    );
    const created = await partner.signedPost(await partner.paymentsToken(), CONSENTS, standingOrderConsentRequest(fifteenthAhead()));
    const consentId = created.body.Data.ConsentId as string;
    assert.equal((await call(partner, 'POST', `${CLOCKS}/${clockId}/consents`, { Data: { ConsentId: consentId } })).status, 200);
    assertRefusal(
      await call(partner, 'POST', `${CLOCKS}/${otherClockId}/consents`, { Data: { ConsentId: consentId } }),
      400,
      'U009',
      'Data.ConsentId',
    );
    assertRefusal(await call(partner, 'POST', `${CLOCKS}/tck_unknown/consents`, { Data: { ConsentId: consentId } }), 400, 'U011');
    const refused = await call(partner, 'POST', `${CLOCKS}/${clockId}/consents`, { Data: { Consent: consentId } });
    assert.equal(refused.status, 400);
    assertRefusal(
      await call(partner, 'POST', CLOCKS, { Data: { FrozenTime: new Date(Date.now() - DAY_MS).toISOString() } }),
      400,
      'U003',
      'Data.FrozenTime',
    );
  });

  test('DELETE /sandbox/test-clocks/{id} → 204: its pending payment CANC (the partner hears of it), its unused consent back on bank time', async () => {
    const first = fifteenthAhead();
    const clockId = await createClock(new Date());
    const { orderId } = await standingOrderOnClock(clockId, standingOrderConsentRequest(first));
    const unused = await partner.signedPost(await partner.paymentsToken(), CONSENTS, standingOrderConsentRequest(first));
    const unusedId = unused.body.Data.ConsentId as string;
    assert.equal((await call(partner, 'POST', `${CLOCKS}/${clockId}/consents`, { Data: { ConsentId: unusedId } })).status, 200);
    const deleted = await call(partner, 'DELETE', `${CLOCKS}/${clockId}`);
    assert.equal(deleted.status, 204);
    assertRefusal(await call(partner, 'GET', `${CLOCKS}/${clockId}`), 400, 'U011');
    assert.equal((await call(partner, 'GET', `${ORDERS}/${orderId}`)).body.Data.Status, 'CANC');
    const [row] = await server.database.dataSource.query<Array<{ test_clock_id: string | null }>>('SELECT test_clock_id FROM consent WHERE id = ?', [
      unusedId,
    ]);
    assert.equal(row?.test_clock_id, null);
  });
});

describe('sandbox test clocks in production mode', () => {
  test('every test clock path → 404 U011, as an unknown path', async () => {
    const { privateKey } = await generateKeyPair('PS256', { modulusLength: 2048, extractable: true });
    const keysFile = join(tmpdir(), `openteller-clock-production-keys-${process.pid}.json`);
    writeFileSync(keysFile, JSON.stringify({ keys: [{ ...(await exportJWK(privateKey)), kid: 'production-ps256-1', alg: 'PS256' }] }));
    const testDatabase = await createTestDatabase();
    const database = await openDatabase(testDatabase.config);
    try {
      await migrateDatabase(database);
      const config = loadConfig({
        OPENTELLER_MODE: 'production',
        ISSUER: 'https://bank.example',
        TRUST_PROXY: 'true',
        SIGNING_KEYS_FILE: keysFile,
        COOKIE_SECRETS: 'a-production-cookie-secret-of-enough-length',
        DATABASE_URL: 'sqlite::memory:',
        LOG_LEVEL: 'silent',
      });
      const openTeller = await createOpenTeller({ ...config, database: testDatabase.config }, database, createLogger('silent'));
      const server = openTeller.app.callback();
      for (const [method, path] of [
        ['post', CLOCKS],
        ['get', CLOCKS],
        ['get', `${CLOCKS}/tck_x`],
        ['post', `${CLOCKS}/tck_x/advance`],
        ['delete', `${CLOCKS}/tck_x`],
      ] as const) {
        const response = await request(server)[method](path).set('x-forwarded-proto', 'https').send({ Data: {} });
        assert.equal(response.status, 404, `${method} ${path}`);
        assert.equal(response.body.Errors?.[0]?.ErrorCode, 'U011', `${method} ${path}: ${JSON.stringify(response.body)}`);
      }
    } finally {
      await database.dataSource.destroy();
      await testDatabase.drop();
    }
  });
});
