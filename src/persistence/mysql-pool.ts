import type { DataSource } from 'typeorm';

/** The parts of mysql2's callback pool (TypeORM's `MysqlDriver.pool`) the direct paths use. */
interface MysqlPool {
  getConnection(callback: (error: Error | null, connection: PooledConnection) => void): void;
}

/** A connection taken from mysql2's callback pool: given back with `release`, or dropped from the pool with `destroy`. */
export interface PooledConnection {
  query(options: { sql: string; values: readonly unknown[]; timeout?: number }, callback: (error: Error | null, rows: unknown) => void): void;
  release(): void;
  destroy(): void;
}

/**
 * The data source's mysql2 pool with the statement timeout TypeORM would give each statement, or null on SQLite. The
 * pool's own settings apply to what is sent through it (big numbers as strings, UTC), and a connection whose
 * statement timed out still leaves it (`dropConnectionsThatTimeOut`).
 */
export function mysqlPoolOf(dataSource: DataSource): { pool: MysqlPool; timeout: number | undefined } | null {
  if (dataSource.options.type === 'better-sqlite3') return null;
  const pool = (dataSource.driver as unknown as { pool?: MysqlPool }).pool;
  if (!pool) return null;
  const options = dataSource.options as { enableQueryTimeout?: boolean; maxQueryExecutionTime?: number };
  return { pool, timeout: options.enableQueryTimeout ? options.maxQueryExecutionTime : undefined };
}

/** Takes a connection from the pool (waiting for one if all are in use). */
export function takeConnection(pool: MysqlPool): Promise<PooledConnection> {
  return new Promise((resolve, reject) => {
    pool.getConnection((error, connection) => (error ? reject(error) : resolve(connection)));
  });
}

/** Runs one statement on a pooled connection: its rows, or for a write mysql2's result header. Errors are mysql2's. */
export function queryConnection<Result>(
  connection: PooledConnection,
  sql: string,
  values: readonly unknown[],
  timeout: number | undefined,
): Promise<Result> {
  return new Promise((resolve, reject) => {
    connection.query({ sql, values, timeout }, (error, rows) => (error ? reject(error) : resolve(rows as Result)));
  });
}
