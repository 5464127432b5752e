import type { DataSource } from 'typeorm';
import type { ReplayGuardRow } from '../entities/replay-guard.entity.js';
import { isDuplicateKeyError } from '../sql.js';

/** One-time values shared by every process on the database (e.g. resource-server DPoP proof `jti`s). */
export class ReplayGuardStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Remembers `key` within `scope` until `expiresAt`.
   * @returns false when the key was already remembered: a replay.
   */
  async rememberOnce(scope: string, key: string, expiresAt: Date): Promise<boolean> {
    try {
      await this.dataSource.getRepository<ReplayGuardRow>('ReplayGuard').insert({ scope, key, expiresAt });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }
}
