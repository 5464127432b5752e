// Proves which errors count as the database being unavailable (answered 503 and retried later) and which stay failures of the request (500, or a refusal): connection refused, reset or lost, servers gone or full, SQLite locks past the busy timeout and disk failures, through TypeORM's driverError and cause chains; not duplicates, deadlocks, constraint or programming errors.
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { createConnection } from 'mysql2/promise';
import { isDatabaseUnavailable } from './database-unavailable.js';

/** An error with a driver code, as the drivers throw them. */
function driverError(code: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`driver error ${code}`), { code, ...extra });
}

/** A TypeORM QueryFailedError's shape: the driver's error under `driverError`. */
function queryFailed(inner: Error): Error {
  return Object.assign(new Error(inner.message), { name: 'QueryFailedError', driverError: inner, query: 'SELECT 1' });
}

describe('isDatabaseUnavailable', () => {
  const unavailable: Array<[string, unknown]> = [
    ['connection refused (pool cannot connect)', driverError('ECONNREFUSED', { fatal: true })],
    ['connection reset', driverError('ECONNRESET')],
    ['connect timed out', driverError('ETIMEDOUT')],
    ['host unknown', driverError('ENOTFOUND')],
    ['MySQL connection lost', queryFailed(driverError('PROTOCOL_CONNECTION_LOST', { fatal: true }))],
    ['MySQL server shutting down', queryFailed(driverError('ER_SERVER_SHUTDOWN'))],
    ['MySQL out of connections', driverError('ER_CON_COUNT_ERROR')],
    ['MariaDB connection killed', queryFailed(driverError('ER_CONNECTION_KILLED'))],
    ['another fatal mysql2 error', driverError('ER_SOMETHING_NEW', { fatal: true })],
    ['a pooled connection already closed', new Error("Can't add new command when connection is in closed state")],
    ['SQLite busy past the timeout', queryFailed(driverError('SQLITE_BUSY'))],
    ['SQLite busy (extended code)', queryFailed(driverError('SQLITE_BUSY_SNAPSHOT'))],
    ['SQLite table locked', queryFailed(driverError('SQLITE_LOCKED'))],
    ['SQLite I/O error', queryFailed(driverError('SQLITE_IOERR_WRITE'))],
    ['SQLite disk full', queryFailed(driverError('SQLITE_FULL'))],
    ['SQLite file cannot be opened', driverError('SQLITE_CANTOPEN')],
    ['an outage as the cause of another error', new Error('transaction failed', { cause: queryFailed(driverError('ECONNRESET')) })],
  ];
  for (const [name, error] of unavailable) {
    test(`${name} → unavailable`, () => assert.equal(isDatabaseUnavailable(error), true));
  }

  const failures: Array<[string, unknown]> = [
    ['a duplicate key', queryFailed(driverError('ER_DUP_ENTRY'))],
    ['a deadlock (retried by inTransaction)', queryFailed(driverError('ER_LOCK_DEADLOCK'))],
    ['a lock wait timeout (retried by inTransaction)', queryFailed(driverError('ER_LOCK_WAIT_TIMEOUT'))],
    ['an SQLite constraint', queryFailed(driverError('SQLITE_CONSTRAINT_UNIQUE'))],
    ['an SQL syntax error', queryFailed(driverError('ER_PARSE_ERROR'))],
    ['SQLITE_BUSYNESS (not an SQLite code)', driverError('SQLITE_BUSYNESS')],
    ['a TypeError', new TypeError('x is undefined')],
    ['a domain refusal', Object.assign(new Error('Insufficient funds'), { code: 'InsufficientFunds' })],
    ['null', null],
    ['a string', 'ECONNREFUSED'],
  ];
  for (const [name, error] of failures) {
    test(`${name} → not unavailable`, () => assert.equal(isDatabaseUnavailable(error), false));
  }

  test('a cause chain that loops → not unavailable, and it returns', () => {
    const looped: { cause?: unknown } = new Error('looped');
    looped.cause = looped;
    assert.equal(isDatabaseUnavailable(looped), false);
  });

  test('mysql2 connecting to a port nothing listens on → its real error is unavailable', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const error = await createConnection({ host: '127.0.0.1', port, user: 'nobody', connectTimeout: 2_000 }).then(
      (connection) => connection.end().then(() => assert.fail('connected')),
      (caught: unknown) => caught,
    );
    assert.equal(isDatabaseUnavailable(error), true, String(error));
  });
});
