import type { DataSource } from 'typeorm';
import type { IdempotencyRecord } from '../../domain/payments/idempotency.js';
import type { ConsentRow } from '../entities/consent.entity.js';
import type { IdempotencyKeyRow } from '../entities/payment.entity.js';
import { isDuplicateKeyError } from '../sql.js';
import { inTransaction } from '../transactions.js';

/**
 * Stores a new consent together with the idempotency record that created it, atomically.
 * @returns false, storing nothing, when the partner already used this idempotency key for this operation.
 */
export async function insertConsentWithKey(dataSource: DataSource, row: ConsentRow, idempotency: IdempotencyRecord): Promise<boolean> {
  try {
    await inTransaction(dataSource, async (manager) => {
      await manager.getRepository<IdempotencyKeyRow>('IdempotencyKey').insert({ ...idempotency });
      await manager.getRepository<ConsentRow>('Consent').insert(row);
    });
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}
