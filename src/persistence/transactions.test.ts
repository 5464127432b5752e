// Proves on the database under test that a transaction is isolated from statements issued outside it while it is open (on SQLite all of them share one connection): an outside read does not see its uncommitted rows, an outside write is not undone by its rollback, and concurrent transactions do not nest.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { migrateDatabase, openDatabase, type Database } from './data-source.js';
import { inTransaction } from './transactions.js';

let testDatabase: TestDatabase;
let database: Database;

before(async () => {
  testDatabase = await createTestDatabase();
  database = await openDatabase(testDatabase.config);
  await migrateDatabase(database);
});
after(async () => {
  await database.dataSource.destroy();
  await testDatabase.drop();
});

const INSERT_KEY = `INSERT INTO idempotency_key (client_id, operation, key_hash, request_hash, resource_id, created_at) VALUES (?, 'test', ?, 'r', 'x', ?)`;

function insertKey(runner: { query(sql: string, parameters: unknown[]): Promise<unknown> }, clientId: string, keyHash: string): Promise<unknown> {
  return runner.query(INSERT_KEY, [clientId, keyHash, database.dialect === 'sqlite' ? '2030-01-01 00:00:00.000' : new Date('2030-01-01T00:00:00Z')]);
}

async function keysOf(clientId: string): Promise<string[]> {
  const rows: Array<{ key_hash: string }> = await database.dataSource.query(
    'SELECT key_hash FROM idempotency_key WHERE client_id = ? ORDER BY key_hash',
    [clientId],
  );
  return rows.map((row) => row.key_hash);
}

/**
 * Opens a transaction that writes a row, then holds until `release` is called and rolls back. Resolves
 * `opened` once the row is written, so that the test acts while the transaction is open.
 */
function heldTransaction(clientId: string) {
  let markOpened!: () => void;
  let release!: () => void;
  const opened = new Promise<void>((resolve) => (markOpened = resolve));
  const gate = new Promise<void>((resolve) => (release = resolve));
  const done = inTransaction(database.dataSource, async (manager) => {
    await insertKey(manager, clientId, 'uncommitted');
    markOpened();
    await gate;
    throw new Error('rolled back on purpose');
  });
  done.catch(() => undefined);
  return { opened, release, done };
}

test('a read outside a transaction while it is open → does not see its uncommitted row', async () => {
  const held = heldTransaction('cli_read');
  await held.opened;
  const read = keysOf('cli_read');
  held.release();
  await assert.rejects(held.done, /rolled back on purpose/);
  assert.deepEqual(await read, []);
});

test('a write outside a transaction while it is open, which then rolls back → the write is kept', async () => {
  const held = heldTransaction('cli_write');
  await held.opened;
  const write = insertKey(database.dataSource, 'cli_write', 'outside');
  held.release();
  await assert.rejects(held.done, /rolled back on purpose/);
  await write;
  assert.deepEqual(await keysOf('cli_write'), ['outside']);
});

test('a second transaction started while one is open, which then rolls back → the second commits on its own', async () => {
  const held = heldTransaction('cli_nested');
  await held.opened;
  const second = inTransaction(database.dataSource, (manager) => insertKey(manager, 'cli_nested', 'second'));
  held.release();
  await assert.rejects(held.done, /rolled back on purpose/);
  await second;
  assert.deepEqual(await keysOf('cli_nested'), ['second']);
});
