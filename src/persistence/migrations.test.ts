// Proves that the migration set of the dialect under test (SQLite by default, MySQL/MariaDB with
// TEST_DATABASE_URL) creates exactly the schema the entities describe: nothing pending afterwards, and a
// second run applies nothing.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { migrateDatabase, openDatabase, type Database } from './data-source.js';

let testDatabase: TestDatabase;
let database: Database;

before(async () => {
  testDatabase = await createTestDatabase();
  database = await openDatabase(testDatabase.config);
});
after(async () => {
  await database.dataSource.destroy();
  await testDatabase.drop();
});

test('migrate an empty database → every migration applied, no pending schema change', async () => {
  const applied = await migrateDatabase(database);
  assert.ok(applied.length > 0);
  const pending = await database.dataSource.driver.createSchemaBuilder().log();
  assert.deepEqual(
    pending.upQueries.map((query) => query.query),
    [],
  );
});

test('migrate again → nothing applied', async () => {
  assert.deepEqual(await migrateDatabase(database), []);
});
