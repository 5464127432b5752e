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

/** What every kind of consent has, as its new row needs it. */
interface NewConsent {
  readonly id: string;
  readonly clientId: string;
  readonly status: string;
  readonly statusReason: { readonly code: string; readonly description: string } | null;
  readonly customerId: string | null;
  readonly grantId: string | null;
  readonly authorisedAt: Date | null;
  readonly createdAt: Date;
  readonly statusUpdatedAt: Date;
}

/**
 * The `consent` row of a new consent of `kind`: its own columns from `consent`, the kind's from `columns` (`request` and
 * `expires_at` always; permissions, transaction window and VRP validity when the kind has them), every other column empty.
 */
export function newConsentRow(
  kind: string,
  consent: NewConsent,
  columns: Pick<ConsentRow, 'request' | 'expiresAt'> &
    Partial<Pick<ConsentRow, 'permissions' | 'transactionFromAt' | 'transactionToAt' | 'validFromAt' | 'deletedAt'>>,
): ConsentRow {
  return {
    id: consent.id,
    kind,
    clientId: consent.clientId,
    status: consent.status,
    statusReasonCode: consent.statusReason?.code ?? null,
    statusReasonDescription: consent.statusReason?.description ?? null,
    permissions: [],
    transactionFromAt: null,
    transactionToAt: null,
    customerId: consent.customerId,
    grantId: consent.grantId,
    authorisedAt: consent.authorisedAt,
    createdAt: consent.createdAt,
    statusUpdatedAt: consent.statusUpdatedAt,
    lastUsedAt: null,
    validFromAt: null,
    deletedAt: null,
    ...columns,
  };
}
