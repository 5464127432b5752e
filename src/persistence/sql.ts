import type { Dialect } from './entities/column-types.js';

/**
 * A timestamp as a raw-SQL parameter: SQLite stores TypeORM datetimes as UTC text
 * (`YYYY-MM-DD HH:MM:SS.SSS`), MySQL takes a Date (the pool runs in UTC).
 */
export function sqlTime(dialect: Dialect, date: Date): Date | string {
  return dialect === 'sqlite' ? date.toISOString().replace('T', ' ').replace('Z', '') : date;
}

/** A timestamp read by raw SQL: SQLite returns TypeORM datetimes as UTC text, MySQL returns Dates. */
export function readSqlTime(value: Date | string): Date {
  return value instanceof Date ? value : new Date(`${value.replace(' ', 'T')}Z`);
}

/** True when a driver error is a primary-key or unique-index violation, on either dialect. */
export function isDuplicateKeyError(error: unknown): boolean {
  const { code, driverError } = error as { code?: string; driverError?: { code?: string } };
  const driverCode = driverError?.code ?? code ?? '';
  return driverCode === 'ER_DUP_ENTRY' || driverCode.startsWith('SQLITE_CONSTRAINT_PRIMARYKEY') || driverCode === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * True when a value can be stored in an `ascii_bin` id column. Anything else cannot exist there, and MySQL
 * would fail the comparison (illegal mix of collations) instead of finding nothing, so lookups skip it.
 */
export function isStorableId(value: string): boolean {
  return /^[\x20-\x7e]*$/.test(value);
}
