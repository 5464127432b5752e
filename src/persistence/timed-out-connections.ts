import type { EventEmitter } from 'node:events';
import type { DataSource } from 'typeorm';

/** The parts of a mysql2 pooled connection this module touches. */
interface PooledConnection {
  query(...args: unknown[]): unknown;
  destroy(): void;
  readonly stream?: { destroy(): void };
}

/**
 * Makes a MySQL connection whose statement timed out leave the pool at once. mysql2 reports the timeout
 * (`PROTOCOL_SEQUENCE_TIMEOUT`) to the caller but keeps the connection, still waiting for the answer: every later
 * command on it — the transaction's `ROLLBACK`, the next request's first statement — would queue behind that answer
 * and wait forever, since a command's own timeout starts only when it is sent. Destroyed instead, the connection
 * refuses those commands immediately (an outage answered 503, not a request that never ends) and the pool opens a
 * fresh one when the database answers again.
 */
export function dropConnectionsThatTimeOut(dataSource: DataSource): void {
  const pool = (dataSource.driver as unknown as { pool?: EventEmitter }).pool;
  if (!pool) return;
  const watched = new WeakSet<PooledConnection>();
  pool.on('acquire', (connection: PooledConnection) => {
    if (watched.has(connection)) return;
    watched.add(connection);
    const query = connection.query.bind(connection);
    connection.query = (...args: unknown[]) => {
      const last = args.length - 1;
      const callback = args[last];
      if (typeof callback === 'function') {
        args[last] = (error: { code?: string } | null, ...results: unknown[]) => {
          if (error?.code === 'PROTOCOL_SEQUENCE_TIMEOUT') {
            connection.destroy();
            connection.stream?.destroy();
          }
          return (callback as (...values: unknown[]) => unknown)(error, ...results);
        };
      }
      return query(...args);
    };
  });
}
