// Proves on the database under test (SQLite, or MySQL/MariaDB with TEST_DATABASE_URL) that the customer's connected
// apps list a VRP mandate exactly once however many payments were made under it — in force or ended — so the customer
// never sees the same mandate (and its Cancel button) repeated once per payment.
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
