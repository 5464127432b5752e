import type { DataSource } from 'typeorm';
import type { ReplayStore } from '../../domain/replay-store.js';
import type { Dialect } from '../entities/column-types.js';
import { runStatement } from '../direct-statement.js';
import { isDuplicateKeyError, sqlTime } from '../sql.js';

/**
 * One-time values shared by every process on the database: the replay store of several processes on MySQL without
 * Redis, and the durable one of step-up code attempts, which must survive any restart.
 */
export class ReplayGuardStore implements ReplayStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly dialect: Dialect,
  ) {}

  /**
   * Remembers `key` within `scope` until `expiresAt`.
   * @returns false when the key was already remembered: a replay. One plain INSERT: it runs on every API call.
   */
  async rememberOnce(scope: string, key: string, expiresAt: Date): Promise<boolean> {
    try {
      await runStatement(this.dataSource, 'INSERT INTO replay_guard (scope, marker, expires_at) VALUES (?, ?, ?)', [
        scope,
        key,
        sqlTime(this.dialect, expiresAt),
      ]);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }
}
