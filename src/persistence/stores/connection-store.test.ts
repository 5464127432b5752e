// Proves on the database under test (SQLite, or MySQL/MariaDB with TEST_DATABASE_URL) that the customer's connected
// apps list a VRP mandate exactly once however many payments were made under it — in force or ended — so the customer
// never sees the same mandate (and its Cancel button) repeated once per payment — and a standing order exactly once too,
// by its latest payment and how many it paid, so that its history says what became of it rather than "Not paid".
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { insertMandate, payVrp, vrpRequest, vrpServices } from '../../../test/support/vrp-mandate.js';
import { ConsentStatus } from '../../domain/consents/consent-status.js';
import type { VrpPaymentServices } from '../../domain/payments/vrp/vrp-payments.js';
import { buildSandboxSeed } from '../../sandbox/sandbox-seed.js';
import { migrateDatabase, openDatabase, type Database } from '../data-source.js';
import { seedSandboxIfEmpty } from '../sandbox-seeder.js';
import { SqlConnectionStore } from './connection-store.js';
import { runDueScheduledPayments } from '../../domain/payments/scheduled/run-due-payments.js';
import { schedulerServices, storeStandingOrders } from '../../../test/support/scheduled-payments.js';

let testDatabase: TestDatabase;
let database: Database;
let services: VrpPaymentServices;
let store: SqlConnectionStore;

before(async () => {
  testDatabase = await createTestDatabase();
  database = await openDatabase(testDatabase.config);
  await migrateDatabase(database);
  await seedSandboxIfEmpty(database, buildSandboxSeed);
  services = await vrpServices(database);
  store = new SqlConnectionStore(database.dataSource);
});
after(async () => {
  await database.dataSource.destroy();
  await testDatabase.drop();
});

test('a mandate with three payments under it → listed once, as a mandate in force; cancelled → still once', async () => {
  const mandate = await insertMandate(database);
  for (const amount of ['10.00', '7.50', '2.50']) await payVrp(services, mandate, vrpRequest(mandate, amount));
  const listed = async () => (await store.listByCustomer('cus_sandbox_alice')).filter((connection) => connection.consentId === mandate.id);

  const inForce = await listed();
  assert.equal(inForce.length, 1, 'one connection for the mandate, not one per payment');
  assert.equal(inForce[0]?.kind, 'domestic-vrp');
  assert.equal(inForce[0]?.status, ConsentStatus.Authorised);
  assert.equal(inForce[0]?.payment, null);

  await database.dataSource.query(`UPDATE consent SET status = 'CANC' WHERE id = ?`, [mandate.id]);
  const ended = await listed();
  assert.equal(ended.length, 1, 'one history row for the ended mandate');
  assert.equal(ended[0]?.status, ConsentStatus.Revoked);
});

test('a standing order → listed once, by its latest payment and how many it paid: in force, then two paid, then cancelled', async () => {
  const firstDueAt = new Date(Date.now() + 2 * 86_400_000);
  const [consentId] = await storeStandingOrders(database, 1, '5.00', firstDueAt, 6);
  const listed = async () => (await store.listByCustomer('cus_sandbox_alice')).filter((connection) => connection.consentId === consentId);
  const state = async () => {
    const rows = await listed();
    assert.equal(rows.length, 1, 'one connection for the standing order, not one per payment');
    const payment = rows[0]?.payment;
    return { status: payment?.made?.status, paid: payment?.standingOrderPaid, amount: payment?.amount };
  };

  assert.deepEqual(await state(), { status: 'PDNG', paid: 0, amount: '5.00' });
  const scheduler = await schedulerServices(database);
  const afterSecond = new Date(firstDueAt.getTime() + 86_400_000 + 1000);
  for (let run = await runDueScheduledPayments(scheduler, afterSecond); run.ran > 0; run = await runDueScheduledPayments(scheduler, afterSecond));
  assert.deepEqual(await state(), { status: 'PDNG', paid: 2, amount: '5.00' }, 'its third payment pending');
  await database.dataSource.query(`UPDATE payment SET status = 'CANC' WHERE consent_id = ? AND status = 'PDNG'`, [consentId]);
  assert.deepEqual(await state(), { status: 'CANC', paid: 2, amount: '5.00' });
});
