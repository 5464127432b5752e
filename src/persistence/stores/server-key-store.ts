import type { DataSource } from 'typeorm';
import type { ServerKeyRow } from '../entities/server-key.entity.js';
import { isDuplicateKeyError } from '../sql.js';

/** Key material kept in the database so that every process of one sandbox signs and verifies alike. */
export class ServerKeyStore {
  constructor(private readonly dataSource: DataSource) {}

  private get keys() {
    return this.dataSource.getRepository<ServerKeyRow>('ServerKey');
  }

  /** Every stored key of a purpose, newest first. */
  async list(purpose: ServerKeyRow['purpose']): Promise<ServerKeyRow[]> {
    return this.keys.find({ where: { purpose }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  /**
   * Stores `candidate` unless a key with the same id exists, and returns the stored one. Two processes that
   * start together both end up with the same key.
   */
  async insertIfAbsent(candidate: ServerKeyRow): Promise<ServerKeyRow> {
    try {
      await this.keys.insert(candidate);
      return candidate;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return await this.keys.findOneByOrFail({ id: candidate.id });
    }
  }
}
