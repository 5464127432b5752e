// Proves on the database under test that login attempts are counted atomically: of many concurrent
// attempts exactly the allowed number is reserved, and the lock starts a fresh count.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { migrateDatabase, openDatabase, type Database } from '../data-source.js';
import { seedSandboxIfEmpty } from '../sandbox-seeder.js';
import { buildSandboxSeed } from '../../sandbox/sandbox-seed.js';
import { TypeOrmCustomerStore } from './customer-store.js';

let testDatabase: TestDatabase;
let database: Database;

before(async () => {
  testDatabase = await createTestDatabase();
  database = await openDatabase(testDatabase.config, { poolSize: 10 });
  await migrateDatabase(database);
  await seedSandboxIfEmpty(database, buildSandboxSeed);
});
after(async () => {
  await database.dataSource.destroy();
  await testDatabase.drop();
});

test('20 concurrent login attempts with 5 allowed → exactly 5 reserved; exhausting them locks with a fresh count', async () => {
  const store = new TypeOrmCustomerStore(database.dataSource);
  const now = new Date();
  const reserved = await Promise.all(Array.from({ length: 20 }, () => store.reserveLoginAttempt('cus_sandbox_dave', now, 5)));
  assert.equal(reserved.filter(Boolean).length, 5);
  const lockUntil = new Date(now.getTime() + 60_000);
  assert.equal(await store.lockIfAttemptsExhausted('cus_sandbox_dave', 5, lockUntil), true);
  const dave = await store.findById('cus_sandbox_dave');
  assert.equal(dave?.failedLoginCount, 0);
  assert.equal(dave?.lockedUntil?.getTime(), lockUntil.getTime());
  assert.equal(await store.reserveLoginAttempt('cus_sandbox_dave', now, 5), false, 'locked');
  assert.equal(await store.reserveLoginAttempt('cus_sandbox_dave', new Date(lockUntil.getTime() + 1), 5), true, 'the lock has ended');
});
