import type { DataSource, EntityManager } from 'typeorm';

/** MySQL/MariaDB errors after which the whole transaction may simply run again. */
const RETRYABLE = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);
const MAX_ATTEMPTS = 6;

/** The tail of the chain of SQLite transactions of each data source (one connection: they must not interleave). */
const sqliteQueues = new WeakMap<DataSource, Promise<unknown>>();

/**
 * Runs `work` in one database transaction, correctly under concurrency on both databases:
 * - on SQLite (one connection per process) transactions are queued, because TypeORM would otherwise nest a
 *   concurrent transaction into the open one as a savepoint;
 * - on MySQL a deadlock or lock-wait timeout rolls the transaction back and runs it again (with jittered
 *   backoff), so callers never see one. `work` must therefore be repeatable: it may run more than once.
 */
export async function inTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  if (dataSource.options.type === 'better-sqlite3') {
    const previous = sqliteQueues.get(dataSource) ?? Promise.resolve();
    const run = previous.then(() => dataSource.transaction(work));
    sqliteQueues.set(dataSource, run.catch(() => undefined));
    return run;
  }
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await dataSource.transaction(work);
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * 2 ** attempt));
    }
  }
}

function isRetryable(error: unknown): boolean {
  const { code, driverError } = error as { code?: string; driverError?: { code?: string } };
  return RETRYABLE.has(driverError?.code ?? code ?? '');
}
