import type { DataSource } from 'typeorm';
import { mysqlPoolOf, queryConnection, takeConnection } from './mysql-pool.js';

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
export async function readRows<Row>(dataSource: DataSource, sql: string, parameters: readonly unknown[]): Promise<Row[]> {
  const mysql = mysqlPoolOf(dataSource);
  if (!mysql) return dataSource.query<Row[]>(sql, [...parameters]);
  const connection = await takeConnection(mysql.pool);
  try {
    return await queryConnection<Row[]>(connection, sql, parameters, mysql.timeout);
  } finally {
    connection.release();
  }
}
