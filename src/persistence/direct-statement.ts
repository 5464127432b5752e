import type { DataSource } from 'typeorm';
import { mysqlPoolOf, queryConnection, takeConnection } from './mysql-pool.js';

/**
 * One statement outside any transaction (autocommit), the shortest way each dialect allows — for the hot paths (an
 * account read, the consent check of every customer call, the DPoP replay guard). On MySQL the statement goes straight
 * to a pooled mysql2 connection with the data source's statement timeout: TypeORM's query path (a query runner per
 * statement, its logger, its error wrapping) costs more CPU than the driver itself, about 80–160 µs per statement
 * measured here against 70–90 µs. The pool's own settings still apply (big numbers as strings, UTC), and a connection
 * whose statement timed out still leaves the pool (`dropConnectionsThatTimeOut`); errors are mysql2's, which
 * `isDatabaseUnavailable` and `isDuplicateKeyError` read as they are. On SQLite the statement goes through TypeORM,
 * which queues it behind the transactions open on the one connection (`serialiseSqliteStatements`): run directly, a
 * read could see a transaction's uncommitted rows, and a write would be undone with it.
 * @returns the rows of a read; the driver's result of a write.
 */
export async function runStatement<Result>(dataSource: DataSource, sql: string, parameters: readonly unknown[]): Promise<Result> {
  const mysql = mysqlPoolOf(dataSource);
  if (!mysql) return dataSource.query<Result>(sql, [...parameters]);
  const connection = await takeConnection(mysql.pool);
  try {
    return await queryConnection<Result>(connection, sql, parameters, mysql.timeout);
  } finally {
    connection.release();
  }
}
