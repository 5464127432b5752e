import type { QueryRunner } from 'typeorm';
import type { Database } from './data-source.js';
import { sqlTime } from './sql.js';

/** Tables whose rows carry an `expires_at` and can be purged once expired. */
const EXPIRING_TABLES = ['oidc_model', 'replay_guard', 'web_session'] as const;

/** Mail in the sandbox mailbox is kept for 30 days. */
const MAIL_MS = 30 * 24 * 3600 * 1000;

/** Idempotency keys are honoured for 24 hours after they were first used (NOTES §9). */
const IDEMPOTENCY_MS = 24 * 3600 * 1000;

/**
 * Deletes expired provider state, replay markers and browser sessions, idempotency keys past their 24 hours and
 * sandbox mail past its 30 days, in batches so that no statement holds locks for long.
 * Rows without an expiry (registered clients) are kept. A grace period keeps rows the provider may still
 * look at to report reuse precisely.
 * @returns how many rows were deleted.
 */
export async function purgeExpiredRows(database: Database, now = new Date(), { graceMs = 60 * 60_000, batchSize = 5000 } = {}): Promise<number> {
  const cutoff = sqlTime(database.dialect, new Date(now.getTime() - graceMs));
  let deleted = 0;
  const runner = database.dataSource.createQueryRunner();
  try {
    for (const table of EXPIRING_TABLES) deleted += await purgeTable(runner, database.dialect, table, 'expires_at', cutoff, batchSize);
    const keysCutoff = sqlTime(database.dialect, new Date(now.getTime() - IDEMPOTENCY_MS - graceMs));
    deleted += await purgeTable(runner, database.dialect, 'idempotency_key', 'created_at', keysCutoff, batchSize);
    deleted += await purgeTable(
      runner,
      database.dialect,
      'outbound_mail',
      'created_at',
      sqlTime(database.dialect, new Date(now.getTime() - MAIL_MS)),
      batchSize,
    );
  } finally {
    await runner.release();
  }
  return deleted;
}

async function purgeTable(
  runner: QueryRunner,
  dialect: Database['dialect'],
  table: string,
  column: string,
  cutoff: Date | string,
  batchSize: number,
): Promise<number> {
  const sql =
    dialect === 'sqlite'
      ? `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${column} < ? LIMIT ${batchSize})`
      : `DELETE FROM ${table} WHERE ${column} < ? LIMIT ${batchSize}`;
  let deleted = 0;
  for (;;) {
    const affected = (await runner.query(sql, [cutoff], true)).affected ?? 0;
    deleted += affected;
    if (affected < batchSize) return deleted;
  }
}
