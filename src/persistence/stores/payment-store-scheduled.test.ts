// Proves on the database under test (SQLite, or MySQL/MariaDB with TEST_DATABASE_URL) that the scheduler runs each due
// scheduled payment exactly once: not before it is due; through the one payment decision (a payment the account cannot
// pay is rejected AM04 and moves nothing, and the next still runs); with the partner told in the same transaction; by
// two processes at once over 500 due payments and 100 standing orders whose payments fall due as the ones before run
// (each payment of each series run once between them); and across a process killed with SIGKILL in the middle of 500
// (after the restart each is run once, none lost). The ledger invariants hold after each.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import { testEventOutbox } from '../../../test/support/event-outbox.js';
import { fundAccount } from '../../../test/support/fund-account.js';
import { assertLedgerInvariants } from '../../../test/support/ledger-invariants.js';
import {
  schedulerServices,
  scheduledOutcomes,
  standingOrderPayments,
  storeScheduledPayments,
  storeStandingOrders,
} from '../../../test/support/scheduled-payments.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { GENEROUS } from '../../../test/support/vrp-mandate.js';
import { runDueScheduledPayments, type SchedulerServices } from '../../domain/payments/scheduled/run-due-payments.js';
import { buildSandboxSeed } from '../../sandbox/sandbox-seed.js';
import { migrateDatabase, openDatabase, type Database } from '../data-source.js';
import { seedSandboxIfEmpty } from '../sandbox-seeder.js';
import { TypeOrmPaymentStore } from './payment-store.js';

let testDatabase: TestDatabase;
let database: Database;
let services: SchedulerServices;
let payments: TypeOrmPaymentStore;

before(async () => {
  testDatabase = await createTestDatabase();
  database = await openDatabase(testDatabase.config);
  await migrateDatabase(database);
  await seedSandboxIfEmpty(database, buildSandboxSeed);
  await fundAccount(database, 'acc_alice_current', 1_000_000n);
  services = await schedulerServices(database);
  payments = new TypeOrmPaymentStore(database.dataSource, database.dialect, await testEventOutbox());
});
after(async () => {
  await database.dataSource.destroy();
  await testDatabase.drop();
});

async function balanceOf(accountId: string): Promise<bigint> {
  const [row] = await database.dataSource.query<Array<{ balance: unknown }>>('SELECT balance_minor AS balance FROM account WHERE id = ?', [
    accountId,
  ]);
  return BigInt(String(row?.balance));
}

/** Runs the scheduler at `now` until nothing more is due; returns how many it ran. */
async function runAll(now: Date): Promise<number> {
  let ran = 0;
  for (;;) {
    const run = await runDueScheduledPayments(services, now, 50);
    ran += run.ran;
    if (!run.moreDue) return ran;
  }
}

const secondsFromNow = (seconds: number) => new Date(Date.now() + seconds * 1000);

/** A scheduler process of its own (test/support/scheduler-child.ts), started and told to go. */
async function startScheduler(batch: number): Promise<{ child: ChildProcess; output: () => string; exited: Promise<unknown> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/scheduler-child.ts'], {
    env: { ...process.env, DATABASE_CONFIG: JSON.stringify(testDatabase.config), BATCH: String(batch) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  while (!output.includes('ready')) {
    if (child.exitCode !== null) throw new Error(`the scheduler process exited: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { child, output: () => output, exited };
}

test('a scheduled payment before its time → left PDNG; once due → ACSC, Bob credited once, the partner told once', async () => {
  const [paymentId = ''] = await storeScheduledPayments(database, 1, '12.34', secondsFromNow(3600));
  const bobBefore = await balanceOf('acc_bob_current');
  assert.equal(await runAll(new Date()), 0);
  assert.deepEqual((await scheduledOutcomes(database, [paymentId])).statuses, { PDNG: 1 });
  assert.equal(await payments.hasPaidPayee('cus_sandbox_alice', '99030141873205'), false, 'a payment not made yet is no payment to that payee');
  assert.equal(await runAll(secondsFromNow(7200)), 1);
  assert.deepEqual(await scheduledOutcomes(database, [paymentId]), { statuses: { ACSC: 1 }, transfersPerPayment: [1], eventsPerPayment: [1] });
  assert.equal(await balanceOf('acc_bob_current'), bobBefore + 1234n);
  assert.equal(await runAll(secondsFromNow(7200)), 0, 'a payment run is never run again');
  assert.equal(await payments.hasPaidPayee('cus_sandbox_alice', '99030141873205'), true);
  await assertLedgerInvariants(database.dataSource);
});

test('a due payment the account cannot pay → RJCT AM04, nothing moved, the partner told; the next due payment still runs', async () => {
  const [unpayable = ''] = await storeScheduledPayments(database, 1, '1000000.00', secondsFromNow(-2));
  const [payable = ''] = await storeScheduledPayments(database, 1, '5.00', secondsFromNow(-1));
  const aliceBefore = await balanceOf('acc_alice_current');
  assert.equal(await runAll(new Date()), 2);
  const stored = await payments.findById(unpayable);
  assert.deepEqual([stored?.status, stored?.statusReason?.code], ['RJCT', 'AM04']);
  assert.deepEqual(await scheduledOutcomes(database, [unpayable, payable]), {
    statuses: { RJCT: 1, ACSC: 1 },
    transfersPerPayment: [0, 1],
    eventsPerPayment: [1, 1],
  });
  assert.equal(await balanceOf('acc_alice_current'), aliceBefore - 500n);
  await assertLedgerInvariants(database.dataSource);
});

test('two scheduler processes at once over 500 due payments and 100 standing orders of 3 daily payments → each payment run exactly once between them', async () => {
  const ids = await storeScheduledPayments(database, 500, '1.00', secondsFromNow(-1));
  const orders = await storeStandingOrders(database, 100, '2.00', secondsFromNow(-3 * 86_400), 3);
  const bobBefore = await balanceOf('acc_bob_current');
  const schedulers = await Promise.all([startScheduler(20), startScheduler(20)]);
  for (const { child } of schedulers) child.stdin?.end('go\n');
  await Promise.all(schedulers.map(({ exited }) => exited));
  const ran = schedulers.map(({ output }) => (JSON.parse(output().trim().split('\n').at(-1) ?? '{}') as { ran: number }).ran);
  assert.equal(ran[0]! + ran[1]! + (await runAll(new Date())), 500 + 300, `ran ${ran.join(' + ')}`);
  const outcomes = await scheduledOutcomes(database, ids);
  assert.deepEqual(outcomes.statuses, { ACSC: 500 });
  assert.ok(
    outcomes.transfersPerPayment.every((count) => count === 1),
    'one transfer per payment',
  );
  assert.ok(
    outcomes.eventsPerPayment.every((count) => count === 1),
    'one resource-update per payment',
  );
  const series = await standingOrderPayments(database, orders);
  for (const [consentId, payments] of series) {
    assert.deepEqual(
      payments.map((payment) => [payment.number, payment.status]),
      [
        [1, 'ACSC'],
        [2, 'ACSC'],
        [3, 'ACSC'],
      ],
      consentId,
    );
  }
  const orderPaymentIds = [...series.values()].flat().map((payment) => payment.id);
  assert.ok(
    (await scheduledOutcomes(database, orderPaymentIds)).transfersPerPayment.every((count) => count === 1),
    'one transfer per standing-order payment',
  );
  assert.equal(await balanceOf('acc_bob_current'), bobBefore + 500n * 100n + 300n * 200n);
  await assertLedgerInvariants(database.dataSource);
});

test('a scheduler process killed with SIGKILL in the middle of 500 due payments → after the restart each is run exactly once, none lost', async () => {
  const ids = await storeScheduledPayments(database, 500, '1.00', secondsFromNow(-1));
  const bobBefore = await balanceOf('acc_bob_current');
  const { child, output, exited } = await startScheduler(5);
  child.stdin?.end('go\n');
  while ([...output().matchAll(/^ran (\d+)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0) < 40) {
    if (child.exitCode !== null) throw new Error(`the scheduler finished before it could be killed: ${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  child.kill('SIGKILL');
  await exited;
  const killed = await scheduledOutcomes(database, ids);
  assert.ok((killed.statuses.PDNG ?? 0) > 0, `killed mid-run: ${JSON.stringify(killed.statuses)}`);
  assert.ok(killed.transfersPerPayment.every((count) => count <= 1));
  assert.equal(killed.transfersPerPayment.filter((count) => count === 1).length, killed.statuses.ACSC ?? 0, 'each payment run has its transfer');
  await assertLedgerInvariants(database.dataSource);
  const reopened = await openDatabase(testDatabase.config);
  try {
    const restarted = await schedulerServices(reopened);
    let ran = 0;
    for (let run = await runDueScheduledPayments(restarted, new Date(), 100); ; run = await runDueScheduledPayments(restarted, new Date(), 100)) {
      ran += run.ran;
      if (!run.moreDue) break;
    }
    assert.equal(ran, killed.statuses.PDNG, 'the restart runs what was left, and only that');
  } finally {
    await reopened.dataSource.destroy();
  }
  const outcomes = await scheduledOutcomes(database, ids);
  assert.deepEqual(outcomes.statuses, { ACSC: 500 });
  assert.ok(
    outcomes.transfersPerPayment.every((count) => count === 1),
    'one transfer per payment',
  );
  assert.ok(
    outcomes.eventsPerPayment.every((count) => count === 1),
    'one resource-update per payment',
  );
  assert.equal(await balanceOf('acc_bob_current'), bobBefore + 500n * 100n);
  await assertLedgerInvariants(database.dataSource);
});

test('scheduled payments ordered years before count on the day they run: against a daily limit of 10.00, one of 6.00 → ACSC; a second of 6.00 that day → RJCT AM14, nothing moved; the next day → ACSC', async () => {
  const runDay = new Date(Date.UTC(2031, 5, 10, 9, 0, 0));
  const later = (minutes: number) => new Date(runDay.getTime() + minutes * 60_000);
  const [first = ''] = await storeScheduledPayments(database, 1, '6.00', runDay);
  const [second = ''] = await storeScheduledPayments(database, 1, '6.00', later(1));
  const [nextDay = ''] = await storeScheduledPayments(database, 1, '6.00', later(24 * 60));
  const tight: SchedulerServices = { ...services, risk: { ...GENEROUS, dailyLimitMinor: 1_000n } };
  const aliceBefore = await balanceOf('acc_alice_current');

  assert.equal((await runDueScheduledPayments(tight, runDay)).ran, 1);
  assert.equal((await payments.findById(first))?.status, 'ACSC');
  assert.equal((await runDueScheduledPayments(tight, later(2))).ran, 1);
  const refused = await payments.findById(second);
  assert.deepEqual([refused?.status, refused?.statusReason?.code], ['RJCT', 'AM14'], 'the 6.00 run an hour before counts today');
  assert.equal(await balanceOf('acc_alice_current'), aliceBefore - 600n, 'the refused payment moved nothing');
  assert.equal((await runDueScheduledPayments(tight, later(24 * 60))).ran, 1);
  assert.equal((await payments.findById(nextDay))?.status, 'ACSC', 'a new UTC day');
  assert.equal(await balanceOf('acc_alice_current'), aliceBefore - 1_200n);
  await assertLedgerInvariants(database.dataSource);
});
