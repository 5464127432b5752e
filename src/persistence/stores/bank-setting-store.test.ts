// Proves on the database under test that the issuer `serve` runs under is recorded by the BankSettings migration's table: nothing before the migration or the first record, the last recorded one after, and the migration undone and applied again.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { migrateDatabase, openDatabase, type Database } from '../data-source.js';
import { BankSettingStore } from './bank-setting-store.js';

const FIRST = 'http://localhost:4101';
const MOVED = `https://bank.example.com/${'a'.repeat(1500)}`;

let testDatabase: TestDatabase;
let database: Database;
let settings: BankSettingStore;

before(async () => {
  testDatabase = await createTestDatabase();
  database = await openDatabase(testDatabase.config);
  settings = new BankSettingStore(database.dataSource);
});
after(async () => {
  await database.dataSource.destroy();
  await testDatabase.drop();
});

test('a database not yet migrated → no served issuer', async () => {
  assert.equal(await settings.servedIssuer(), null);
});

test('migrated, nothing recorded → no served issuer', async () => {
  await migrateDatabase(database);
  assert.equal(await settings.servedIssuer(), null);
});

test('record an issuer → the previous one (none) returned, the issuer read back', async () => {
  assert.equal(await settings.recordServedIssuer(FIRST, new Date()), null);
  assert.equal(await settings.servedIssuer(), FIRST);
});

test('record the same issuer again → it is returned as the previous one and stays', async () => {
  assert.equal(await settings.recordServedIssuer(FIRST, new Date()), FIRST);
  assert.equal(await settings.servedIssuer(), FIRST);
});

test('record another (long) issuer → the first one returned, the new one read back', async () => {
  assert.equal(await settings.recordServedIssuer(MOVED, new Date()), FIRST);
  assert.equal(await settings.servedIssuer(), MOVED);
});

test('undo the migrations down to BankSettings → no served issuer; migrate again → BankSettings and the later ones applied, nothing recorded', async () => {
  const names = database.dataSource.migrations.map((migration) => migration.name);
  const fromBankSettings = names.slice(names.indexOf('BankSettings1764200000000'));
  for (const _ of fromBankSettings) await database.dataSource.undoLastMigration({ transaction: 'each' });
  assert.equal(await settings.servedIssuer(), null);
  assert.deepEqual(await migrateDatabase(database), fromBankSettings);
  assert.equal(await settings.servedIssuer(), null);
});
