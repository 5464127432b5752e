// Proves on the database under test that the readiness check says ready only for a database that answers, has every migration of this version applied and takes writes, and names what is missing otherwise.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { migrateDatabase, openDatabase, type Database } from './data-source.js';
import { checkDatabaseReadiness } from './database-readiness.js';

let testDatabase: TestDatabase;
let database: Database;

before(async () => {
  testDatabase = await createTestDatabase();
  database = await openDatabase(testDatabase.config);
});
after(async () => {
  if (database.dataSource.isInitialized) await database.dataSource.destroy();
  await testDatabase.drop();
});

test('a database never migrated → not ready, the check failed (no migration table)', async () => {
  const readiness = await checkDatabaseReadiness(database);
  assert.equal(readiness.ready, false);
  assert.equal(!readiness.ready && readiness.reason, 'the database check failed');
});

test('every migration applied → ready', async () => {
  await migrateDatabase(database);
  assert.deepEqual(await checkDatabaseReadiness(database), { ready: true });
});

test('the last migration undone → not ready: one migration not applied yet; migrated again → ready', async () => {
  await database.dataSource.undoLastMigration({ transaction: 'each' });
  const readiness = await checkDatabaseReadiness(database);
  assert.equal(!readiness.ready && readiness.reason, '1 database migration(s) not applied yet');
  await migrateDatabase(database);
  assert.deepEqual(await checkDatabaseReadiness(database), { ready: true });
});

test('the connection closed → not ready, and the check resolves', async () => {
  await database.dataSource.destroy();
  const readiness = await checkDatabaseReadiness(database);
  assert.equal(readiness.ready, false);
});
