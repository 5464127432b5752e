// Proves on the database under test that inSqlTransaction (on MySQL straight on a pooled mysql2 connection) commits what its work wrote, rolls all of it back when the work throws, hands its connection back to the pool either way, reports the driver's errors as the stores read them, and runs a transaction again after a deadlock.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { migrateDatabase, openDatabase, type Database } from './data-source.js';
import { isDuplicateKeyError, sqlTime } from './sql.js';
import { inSqlTransaction, type TransactionSql } from './transaction-sql.js';

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

function insertKey(sql: TransactionSql, clientId: string, keyHash: string): Promise<unknown> {
  return sql.query(
    `INSERT INTO idempotency_key (client_id, operation, key_hash, request_hash, resource_id, created_at) VALUES (?, 'test', ?, 'r', 'x', ?)`,
    [clientId, keyHash, sqlTime(database.dialect, new Date('2030-01-01T00:00:00Z'))],
  );
}

async function keysOf(clientId: string): Promise<string[]> {
  const rows: Array<{ key_hash: string }> = await database.dataSource.query(
    'SELECT key_hash FROM idempotency_key WHERE client_id = ? ORDER BY key_hash',
    [clientId],
  );
  return rows.map((row) => row.key_hash);
}

test('work that returns → its writes committed, its result returned, `write` counting the rows each write affected', async () => {
  const result = await inSqlTransaction(database.dataSource, async (sql) => {
    await insertKey(sql, 'cli_commit', 'a');
    await insertKey(sql, 'cli_commit', 'b');
    const changed = await sql.write(`UPDATE idempotency_key SET resource_id = 'y' WHERE client_id = ?`, ['cli_commit']);
    const unchanged = await sql.write(`UPDATE idempotency_key SET resource_id = 'y' WHERE client_id = ?`, ['cli_nobody']);
    return { changed, unchanged };
  });
  assert.deepEqual(result, { changed: 2, unchanged: 0 });
  assert.deepEqual(await keysOf('cli_commit'), ['a', 'b']);
});

test('30 transactions in a row whose work fails on a duplicate key (more than the pool holds) → each rolled back whole, the error one isDuplicateKeyError recognises, the pool still serving', async () => {
  await inSqlTransaction(database.dataSource, (sql) => insertKey(sql, 'cli_rollback', 'taken'));
  for (let attempt = 0; attempt < 30; attempt += 1) {
    const failed = inSqlTransaction(database.dataSource, async (sql) => {
      await insertKey(sql, 'cli_rollback', `new-${attempt}`);
      await insertKey(sql, 'cli_rollback', 'taken');
    });
    await assert.rejects(failed, (error) => isDuplicateKeyError(error));
  }
  assert.deepEqual(await keysOf('cli_rollback'), ['taken']);
});

test('two transactions locking two rows in opposite orders at once (a deadlock on MySQL) → both commit, the one the database chose run again', async () => {
  await inSqlTransaction(database.dataSource, async (sql) => {
    await insertKey(sql, 'cli_deadlock', 'first');
    await insertKey(sql, 'cli_deadlock', 'second');
  });
  let runs = 0;
  let arrived = 0;
  let bothArrived!: () => void;
  const bothLockedOne = new Promise<void>((resolve) => (bothArrived = resolve));
  const arrive = () => {
    arrived += 1;
    if (arrived === 2) bothArrived();
  };
  const lockBoth = (one: string, other: string) =>
    inSqlTransaction(database.dataSource, async (sql) => {
      runs += 1;
      const lock = database.dialect === 'mysql' ? ' FOR UPDATE' : '';
      const select = `SELECT key_hash FROM idempotency_key WHERE client_id = 'cli_deadlock' AND operation = 'test' AND key_hash = ?${lock}`;
      await sql.query(select, [one]);
      if (database.dialect === 'mysql' && runs <= 2) {
        arrive();
        await bothLockedOne;
      }
      await sql.query(select, [other]);
      return sql.write(`UPDATE idempotency_key SET resource_id = ? WHERE client_id = 'cli_deadlock' AND operation = 'test' AND key_hash = ?`, [
        one,
        one,
      ]);
    });
  assert.deepEqual(await Promise.all([lockBoth('first', 'second'), lockBoth('second', 'first')]), [1, 1]);
  assert.equal(runs, database.dialect === 'mysql' ? 3 : 2);
});
