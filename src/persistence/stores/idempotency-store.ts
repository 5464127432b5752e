import type { DataSource } from 'typeorm';
import { LessThan } from '../typeorm.js';
import type { IdempotencyRecord, IdempotencyStore, IdempotentOperation } from '../../domain/payments/idempotency.js';
import type { IdempotencyKeyRow } from '../entities/payment.entity.js';
import { readSqlTime } from '../sql.js';

/** Reads the `idempotency_key` table; records are written by the stores of the resources they create. */
export class TypeOrmIdempotencyStore implements IdempotencyStore {
  constructor(private readonly dataSource: DataSource) {}

  async find(clientId: string, operation: IdempotentOperation, keyHash: string): Promise<IdempotencyRecord | null> {
    const rows: RawIdempotencyKey[] = await this.dataSource.query(
      'SELECT request_hash, resource_id, created_at FROM idempotency_key WHERE client_id = ? AND operation = ? AND key_hash = ?',
      [clientId, operation, keyHash],
    );
    const row = rows[0];
    return row
      ? { clientId, operation, keyHash, requestHash: row.request_hash, resourceId: row.resource_id, createdAt: readSqlTime(row.created_at) }
      : null;
  }

  async forgetIfOlderThan(record: IdempotencyRecord, cutoff: Date): Promise<void> {
    await this.dataSource
      .getRepository<IdempotencyKeyRow>('IdempotencyKey')
      .delete({ clientId: record.clientId, operation: record.operation, keyHash: record.keyHash, createdAt: LessThan(cutoff) });
  }
}

/** The columns of an idempotency record that a lookup reads. */
interface RawIdempotencyKey {
  request_hash: string;
  resource_id: string;
  created_at: Date | string;
}
