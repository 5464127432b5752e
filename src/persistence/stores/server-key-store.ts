import type { DataSource } from 'typeorm';
import type { ServerKey, ServerKeyPurpose, ServerKeyStore } from '../../domain/keys/server-keys.js';
import type { ServerKeyRow } from '../entities/server-key.entity.js';
import { isDuplicateKeyError } from '../sql.js';

/** The bank's own keys in `server_key`. */
export class TypeOrmServerKeyStore implements ServerKeyStore {
  constructor(private readonly dataSource: DataSource) {}

  private get keys() {
    return this.dataSource.getRepository<ServerKeyRow>('ServerKey');
  }

  async list(purpose: ServerKeyPurpose): Promise<ServerKey[]> {
    return this.keys.find({ where: { purpose }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  async insertIfAbsent(candidate: ServerKey): Promise<ServerKey> {
    try {
      const row: ServerKeyRow = { ...candidate };
      await this.keys.insert(row);
      return candidate;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return await this.keys.findOneByOrFail({ id: candidate.id });
    }
  }
}
