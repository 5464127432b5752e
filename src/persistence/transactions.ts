import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';

/** MySQL/MariaDB errors after which the whole transaction may simply run again. */
const RETRYABLE = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);
const MAX_ATTEMPTS = 6;

/** The tail of the chain of SQLite transactions of each data source (one connection: they must not interleave). */
const sqliteQueues = new WeakMap<DataSource, Promise<unknown>>();

/** The data source whose queued SQLite transaction the current async call chain runs in, if any. */
const sqliteTransactionScope = new AsyncLocalStorage<DataSource>();

/** Appends a task to the data source's SQLite queue: it starts once everything queued before it has finished. */
function enqueueSqlite<T>(dataSource: DataSource, task: () => Promise<T>): Promise<T> {
  const previous = sqliteQueues.get(dataSource) ?? Promise.resolve();
  const run = previous.then(task);
  sqliteQueues.set(
    dataSource,
    run.catch(() => undefined),
  );
  return run;
}

/** The tasks to run once the transaction of each manager handed out by {@link inTransaction} has committed. */
const commitTasks = new WeakMap<EntityManager, Array<() => Promise<void>>>();

/**
 * Runs `task` once the transaction of `manager` (one of {@link inTransaction}) has committed, before `inTransaction`
 * returns; nothing if it rolls back (a retried attempt keeps only its own tasks). A task's failure fails nothing: the
 * transaction stands, so a task may only do what something else finishes when it is left undone (or when its process
 * dies first).
 * @throws Error when `manager` is not one of an `inTransaction` transaction (a bug: the task would never run).
 */
export function afterCommit(manager: EntityManager, task: () => Promise<void>): void {
  const tasks = commitTasks.get(manager);
  if (!tasks) throw new Error('afterCommit needs the manager of an inTransaction transaction');
  tasks.push(task);
}

/**
 * Runs `work` in one database transaction, correctly under concurrency on both databases:
 * - on SQLite (one connection per process) transactions are queued, because TypeORM would otherwise nest a
 *   concurrent transaction into the open one as a savepoint;
 * - on MySQL a deadlock or lock-wait timeout rolls the transaction back and runs it again (with jittered
 *   backoff), so callers never see one. Transactions run REPEATABLE READ, whose snapshot is fixed at the first
 *   plain read: writers that read after locking take their locks first (see `lockAccounts`). `work` must therefore be repeatable: it may run more than once.
 */
export async function inTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  let tasks: Array<() => Promise<void>> = [];
  const attempt = async (manager: EntityManager) => {
    tasks = [];
    commitTasks.set(manager, tasks);
    try {
      return await work(manager);
    } finally {
      commitTasks.delete(manager);
    }
  };
  const result =
    dataSource.options.type === 'better-sqlite3'
      ? await enqueueSqlite(dataSource, () => sqliteTransactionScope.run(dataSource, () => dataSource.transaction(attempt)))
      : await retryOnLockConflicts(() => dataSource.transaction(attempt));
  await Promise.allSettled(tasks.map((task) => task()));
  return result;
}

/**
 * Runs a MySQL transaction, and runs it again (with jittered backoff, up to {@link MAX_ATTEMPTS} in all) while it fails
 * on a deadlock or a lock-wait timeout, which rolled it back: `transaction` must be repeatable.
 */
export async function retryOnLockConflicts<T>(transaction: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await transaction();
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

/**
 * On SQLite, makes every statement issued outside {@link inTransaction} take its own turn in the transaction
 * queue. All statements share the one connection, so a statement run while another request's transaction is
 * open would otherwise become part of it: a read would see its uncommitted rows (a replay of a payment not
 * yet stored), and a write would be undone with it if it rolls back (a consent rejection, a replay-guard
 * marker or a token silently lost). Call once, after the data source is initialised; nothing on MySQL.
 */
export function serialiseSqliteStatements(dataSource: DataSource): void {
  if (dataSource.options.type !== 'better-sqlite3') return;
  const runner = dataSource.driver.createQueryRunner('master');
  const query = runner.query.bind(runner);
  runner.query = ((...args: Parameters<typeof query>) =>
    sqliteTransactionScope.getStore() === dataSource ? query(...args) : enqueueSqlite(dataSource, () => query(...args))) as typeof runner.query;
}
