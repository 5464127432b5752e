// Proves the test clock rules over the stores of the database under test (SQLite, or MySQL/MariaDB with
// TEST_DATABASE_URL): a clock starts no earlier than now and an app has at most 20; it only moves forward, by at most two
// years; one advance runs at most 100 payments and stops at the last one's time, the next goes on from there; a payment
// the bank's scheduler listed before its consent was attached is not run by it; a consent whose payment the bank's
// scheduler ran while it was being attached is refused, never half attached; and the ledger invariants hold.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { testEventOutbox } from '../../../test/support/event-outbox.js';
import { assertLedgerInvariants } from '../../../test/support/ledger-invariants.js';
import { SCHEDULING_CLIENT, schedulerServices, standingOrderPayments, storeStandingOrders } from '../../../test/support/scheduled-payments.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { InvalidConsentStatus, InvalidDate, ResourceNotFound } from '../../domain/errors.js';
import { runDueScheduledPayments, runScheduledPayment, type SchedulerServices } from '../../domain/payments/scheduled/run-due-payments.js';
import { sandboxSchemeAnswer } from '../../domain/payments/payee.js';
import {
  advanceTestClock,
  attachConsentToTestClock,
  createTestClock,
  MAX_PAYMENTS_PER_ADVANCE,
  MAX_TEST_CLOCKS_PER_APP,
  TestClockLimitReached,
  type TestClockServices,
} from '../../domain/payments/test-clocks/test-clocks.js';
import { buildSandboxSeed } from '../../sandbox/sandbox-seed.js';
import { migrateDatabase, openDatabase, type Database } from '../data-source.js';
import { seedSandboxIfEmpty } from '../sandbox-seeder.js';
import { TypeOrmPaymentConsentStore } from './payment-consent-store.js';
import { TypeOrmPaymentStore } from './payment-store.js';
import { TypeOrmTestClockStore } from './test-clock-store.js';

const DAY_MS = 86_400_000;

let testDatabase: TestDatabase;
let database: Database;
let scheduler: SchedulerServices;
let services: TestClockServices;

before(async () => {
  testDatabase = await createTestDatabase();
  database = await openDatabase(testDatabase.config);
  await migrateDatabase(database);
  await seedSandboxIfEmpty(database, buildSandboxSeed);
  scheduler = await schedulerServices(database);
  const outbox = await testEventOutbox();
  services = {
    clocks: new TypeOrmTestClockStore(database.dataSource, database.dialect, outbox),
    consents: new TypeOrmPaymentConsentStore(database.dataSource),
    scheduler,
    settlement: { store: new TypeOrmPaymentStore(database.dataSource, database.dialect, outbox), answer: sandboxSchemeAnswer },
  };
});
after(async () => {
  await database.dataSource.destroy();
  await testDatabase.drop();
});

async function newClock(clientId = SCHEDULING_CLIENT, frozenTime = new Date()): Promise<string> {
  return (await createTestClock(services.clocks, clientId, { FrozenTime: frozenTime.toISOString() }, new Date())).clock.id;
}

test('create: a FrozenTime in the past → InvalidDate; more than 20 clocks of one app → TestClockLimitReached', async () => {
  const now = new Date();
  await assert.rejects(
    createTestClock(services.clocks, 'cli_limits', { FrozenTime: new Date(now.getTime() - 3_600_000).toISOString() }, now),
    InvalidDate,
  );
  await assert.rejects(
    createTestClock(services.clocks, 'cli_limits', { FrozenTime: new Date(now.getTime() + 800 * DAY_MS).toISOString() }, now),
    InvalidDate,
  );
  for (let count = 0; count < MAX_TEST_CLOCKS_PER_APP; count += 1) await newClock('cli_limits');
  await assert.rejects(createTestClock(services.clocks, 'cli_limits', {}, now), TestClockLimitReached);
});

test("advance: another app's clock → ResourceNotFound; not forward, or by more than two years → InvalidDate", async () => {
  const clockId = await newClock();
  const at = (ms: number) => ({ FrozenTime: new Date(Date.now() + ms).toISOString() });
  await assert.rejects(advanceTestClock(services, 'cli_someone_else', clockId, at(DAY_MS), new Date()), ResourceNotFound);
  await assert.rejects(advanceTestClock(services, SCHEDULING_CLIENT, clockId, at(-DAY_MS), new Date()), InvalidDate);
  await assert.rejects(advanceTestClock(services, SCHEDULING_CLIENT, clockId, at(800 * DAY_MS), new Date()), InvalidDate);
  const { advance } = await advanceTestClock(services, SCHEDULING_CLIENT, clockId, at(DAY_MS), new Date());
  assert.deepEqual([advance.paymentsRun, advance.complete], [0, true]);
});

test('a daily standing order of 150 payments advanced 200 days → 100 run, the clock stops at the 100th; the next advance runs the other 50', async () => {
  const first = new Date(Date.now() + DAY_MS);
  const [consentId = ''] = await storeStandingOrders(database, 1, '1.00', first, 150);
  const clockId = await newClock();
  await attachConsentToTestClock(services, SCHEDULING_CLIENT, clockId, consentId, new Date());
  const to = new Date(first.getTime() + 200 * DAY_MS);
  const partial = await advanceTestClock(services, SCHEDULING_CLIENT, clockId, { FrozenTime: to.toISOString() }, new Date());
  assert.equal(partial.advance.paymentsRun, MAX_PAYMENTS_PER_ADVANCE);
  assert.equal(partial.advance.complete, false);
  assert.equal(partial.view.clock.frozenTime.toISOString(), new Date(first.getTime() + 99 * DAY_MS).toISOString());
  const rest = await advanceTestClock(services, SCHEDULING_CLIENT, clockId, { FrozenTime: to.toISOString() }, new Date());
  assert.deepEqual([rest.advance.paymentsRun, rest.advance.complete, rest.view.clock.frozenTime.toISOString()], [50, true, to.toISOString()]);
  const series = (await standingOrderPayments(database, [consentId])).get(consentId) ?? [];
  assert.deepEqual(
    series.map((payment) => [payment.number, payment.status]),
    Array.from({ length: 150 }, (_, index) => [index + 1, 'ACSC']),
  );
  await assertLedgerInvariants(database.dataSource);
});

test("a payment the bank's scheduler listed just before its consent was attached → the bank's scheduler does not run it; the clock does", async () => {
  const [consentId = ''] = await storeStandingOrders(database, 1, '2.00', new Date(Date.now() - 1000), 1);
  const clockId = await newClock();
  const [listed] = (await scheduler.scheduled.listDue(new Date(), 1000, null)).filter((payment) => payment.consentId === consentId);
  assert.ok(listed);
  await attachConsentToTestClock(services, SCHEDULING_CLIENT, clockId, consentId, new Date());
  assert.equal(await runScheduledPayment(scheduler, listed, new Date(), null), false);
  assert.equal((await runDueScheduledPayments(scheduler, new Date(Date.now() + 365 * DAY_MS), 1000)).ran, 0);
  const { advance } = await advanceTestClock(
    services,
    SCHEDULING_CLIENT,
    clockId,
    { FrozenTime: new Date(Date.now() + 1000).toISOString() },
    new Date(),
  );
  assert.equal(advance.paymentsRun, 1);
});

test("attaching a consent while the bank's scheduler runs its payment → either attached and run by the clock, or refused U009 and run by the bank, once", async () => {
  const consentIds = await storeStandingOrders(database, 20, '1.00', new Date(Date.now() - 1000), 1);
  const clockId = await newClock();
  const outcomes = await Promise.all([
    runDueScheduledPayments(scheduler, new Date(), 1000),
    ...consentIds.map((consentId) =>
      attachConsentToTestClock(services, SCHEDULING_CLIENT, clockId, consentId, new Date()).then(
        () => 'attached',
        (error: unknown) => {
          assert.ok(error instanceof InvalidConsentStatus, String(error));
          return 'refused';
        },
      ),
    ),
  ]);
  const attached = outcomes.filter((outcome) => outcome === 'attached').length;
  const { advance } = await advanceTestClock(
    services,
    SCHEDULING_CLIENT,
    clockId,
    { FrozenTime: new Date(Date.now() + 1000).toISOString() },
    new Date(),
  );
  assert.equal(advance.paymentsRun, attached);
  const series = await standingOrderPayments(database, consentIds);
  assert.deepEqual(
    consentIds.map((consentId) => series.get(consentId)?.map((payment) => payment.number)),
    consentIds.map(() => [1]),
  );
  const [made] = await database.dataSource.query<Array<{ n: string | number }>>(
    `SELECT COUNT(*) AS n FROM payment WHERE consent_id IN (${consentIds.map(() => '?').join(', ')}) AND status = 'ACSC'`,
    consentIds,
  );
  assert.equal(Number(made?.n), 20, 'each paid exactly once, by the bank or by the clock');
  await assertLedgerInvariants(database.dataSource);
});
