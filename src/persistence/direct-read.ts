import type { DataSource } from 'typeorm';
import { runStatement } from './direct-statement.js';

/** A read outside any transaction, the shortest way each dialect allows: see {@link runStatement}. */
export function readRows<Row>(dataSource: DataSource, sql: string, parameters: readonly unknown[]): Promise<Row[]> {
  return runStatement<Row[]>(dataSource, sql, parameters);
}
