import type { Database } from './data-source.js';
import { isDatabaseUnavailable } from './database-unavailable.js';

/** Whether the database can serve the bank, and if not why; `error` is what failed, for the log. */
export type DatabaseReadiness = { readonly ready: true } | { readonly ready: false; readonly reason: string; readonly error?: unknown };

/**
 * Checks that the database can serve the bank: it answers, every migration this version knows is applied, and it
 * takes writes (a delete of nothing: on SQLite, another process holding the write lock lets reads through but fails
 * every request, which writes at least its replay guard). Never rejects.
 */
export async function checkDatabaseReadiness({ dataSource }: Database): Promise<DatabaseReadiness> {
  try {
    const rows = await dataSource.query<Array<{ name: string }>>('SELECT name FROM schema_migration');
    const applied = new Set(rows.map((row) => row.name));
    const pending = dataSource.migrations.filter((migration) => !applied.has(migration.name ?? ''));
    if (pending.length > 0) return { ready: false, reason: `${pending.length} database migration(s) not applied yet` };
    await dataSource.query('DELETE FROM bank_setting WHERE 1 = 0');
    return { ready: true };
  } catch (error) {
    return { ready: false, reason: isDatabaseUnavailable(error) ? 'the database is unreachable' : 'the database check failed', error };
  }
}
