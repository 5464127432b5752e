import type { DataSource, EntityManager } from 'typeorm';
import type { Dialect } from './entities/column-types.js';
import { mysqlPoolOf, queryConnection, takeConnection, type PooledConnection } from './mysql-pool.js';
import { inTransaction, retryOnLockConflicts } from './transactions.js';

/** The statements of one open transaction, as the money-moving code issues them, on either database. */
export interface TransactionSql {
  readonly dialect: Dialect;
  /** Runs a statement: the rows of a read, the driver's result of a write. */
  query<Result>(sql: string, parameters: readonly unknown[]): Promise<Result>;
  /** Runs a write: how many rows it affected. */
  write(sql: string, parameters: readonly unknown[]): Promise<number>;
}

/**
 * Runs `work` in one transaction, as {@link inTransaction} does (deadlocks and lock-wait timeouts retried on MySQL, so
 * `work` may run more than once; SQLite transactions queued through TypeORM). On MySQL the transaction runs straight on
 * a connection of the data source's mysql2 pool, `START TRANSACTION` to `COMMIT` (REPEATABLE READ, the server's
 * default, as TypeORM's): TypeORM's query runner costs more CPU per statement than the driver itself (see
 * `readRows`), and the payment transaction is about ten statements. Errors are mysql2's (`isDuplicateKeyError`,
 * `isDatabaseUnavailable` and the retry read their `code`). A connection whose `ROLLBACK` fails leaves the pool.
 */
export function inSqlTransaction<T>(dataSource: DataSource, work: (sql: TransactionSql) => Promise<T>): Promise<T> {
  const mysql = mysqlPoolOf(dataSource);
  if (!mysql) return inTransaction(dataSource, (manager) => work(transactionSqlOf(manager)));
  return retryOnLockConflicts(async () => {
    const connection = await takeConnection(mysql.pool);
    const sql = connectionSql(connection, mysql.timeout);
    try {
      await sql.query('START TRANSACTION', []);
      const result = await work(sql);
      await sql.query('COMMIT', []);
      connection.release();
      return result;
    } catch (error) {
      await sql.query('ROLLBACK', []).then(
        () => connection.release(),
        () => connection.destroy(),
      );
      throw error;
    }
  });
}

/** The statements of a transaction TypeORM opened (`inTransaction`), for code that also writes through its manager. */
export function transactionSqlOf(manager: EntityManager): TransactionSql {
  const runner = manager.queryRunner;
  if (!runner) throw new Error('transactionSqlOf needs the manager of an open transaction');
  return {
    dialect: manager.connection.options.type === 'better-sqlite3' ? 'sqlite' : 'mysql',
    query: (sql, parameters) => manager.query(sql, [...parameters]),
    write: async (sql, parameters) => (await runner.query(sql, [...parameters], true)).affected ?? 0,
  };
}

function connectionSql(connection: PooledConnection, timeout: number | undefined): TransactionSql {
  return {
    dialect: 'mysql',
    query: (sql, parameters) => queryConnection(connection, sql, parameters, timeout),
    write: async (sql, parameters) => (await queryConnection<{ affectedRows: number }>(connection, sql, parameters, timeout)).affectedRows,
  };
}
