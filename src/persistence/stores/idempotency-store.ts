import { LessThan, type DataSource } from 'typeorm';
import type { IdempotencyRecord, IdempotencyStore, IdempotentOperation } from '../../domain/payments/idempotency.js';
import type { IdempotencyKeyRow } from '../entities/payment.entity.js';

/** Reads the `idempotency_key` table; records are written by the stores of the resources they create. */
export class TypeOrmIdempotencyStore implements IdempotencyStore {
  constructor(private readonly dataSource: DataSource) {}

  async find(clientId: string, operation: IdempotentOperation, keyHash: string): Promise<IdempotencyRecord | null> {
    const row = await this.dataSource.getRepository<IdempotencyKeyRow>('IdempotencyKey').findOneBy({ clientId, operation, keyHash });
    return row ? { ...row, operation: row.operation as IdempotentOperation } : null;
  }

  async forgetIfOlderThan(record: IdempotencyRecord, cutoff: Date): Promise<void> {
    await this.dataSource
      .getRepository<IdempotencyKeyRow>('IdempotencyKey')
      .delete({ clientId: record.clientId, operation: record.operation, keyHash: record.keyHash, createdAt: LessThan(cutoff) });
  }
}
