import type { DataSource } from 'typeorm';

/** The parts of mysql2's callback pool (TypeORM's `MysqlDriver.pool`) a direct read uses. */
interface MysqlPool {
  getConnection(callback: (error: Error | null, connection: PooledConnection) => void): void;
}

interface PooledConnection {
  query(options: { sql: string; values: readonly unknown[]; timeout?: number }, callback: (error: Error | null, rows: unknown) => void): void;
  release(): void;
}

/**
 * A read outside any transaction, the shortest way each dialect allows — for the hot paths (an account read, the
 * consent check of every customer call). On MySQL the statement goes straight to a pooled mysql2 connection with the
 * data source's statement timeout: TypeORM's query path (a query runner per statement, its logger, its error
 * wrapping) costs more CPU than the driver itself, about 80–160 µs per statement measured here against 70–90 µs. The
 * pool's own settings still apply (big numbers as strings, UTC), and a connection whose statement timed out still
 * leaves the pool (`dropConnectionsThatTimeOut`); errors are mysql2's, which `isDatabaseUnavailable` reads as they
 * are. On SQLite the statement goes through TypeORM, which queues it behind the transactions open on the one
 * connection (`serialiseSqliteStatements`): read directly, it could see a transaction's uncommitted rows.
 */
export function readRows<Row>(dataSource: DataSource, sql: string, parameters: readonly unknown[]): Promise<Row[]> {
  const pool = dataSource.options.type === 'better-sqlite3' ? undefined : (dataSource.driver as unknown as { pool?: MysqlPool }).pool;
  if (!pool) return dataSource.query<Row[]>(sql, [...parameters]);
  const options = dataSource.options as { enableQueryTimeout?: boolean; maxQueryExecutionTime?: number };
  const timeout = options.enableQueryTimeout ? options.maxQueryExecutionTime : undefined;
  return new Promise<Row[]>((resolve, reject) => {
    pool.getConnection((acquireError, connection) => {
      if (acquireError) return reject(acquireError);
      connection.query({ sql, values: parameters, timeout }, (error, rows) => {
        connection.release();
        if (error) reject(error);
        else resolve(rows as Row[]);
      });
    });
  });
}
