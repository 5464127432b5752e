import type { DataSource, FindOptionsWhere } from 'typeorm';
import { In, LessThanOrEqual } from '../typeorm.js';
import type { ConsentAccountRow, ConsentRow } from '../entities/consent.entity.js';
import { isStorableId } from '../sql.js';
import { inTransaction } from '../transactions.js';

/**
 * Moves every consent of one kind of a client that is still `AWAU` or `AUTH` to `to` with `reason` (its app is
 * gone), in one transaction.
 * @returns the grant ids of the consents it moved.
 */
export async function endLiveConsentsOfClient(
  dataSource: DataSource,
  kind: string,
  clientId: string,
  to: string,
  at: Date,
  reason: { code: string; description: string },
): Promise<string[]> {
  if (!isStorableId(clientId)) return [];
  return inTransaction(dataSource, async (manager) => {
    const repository = manager.getRepository<ConsentRow>('Consent');
    const live = await repository.find({ select: { id: true, grantId: true }, where: { clientId, kind, status: In(['AWAU', 'AUTH']) } });
    if (live.length === 0) return [];
    await repository.update(
      { id: In(live.map((row) => row.id)), status: In(['AWAU', 'AUTH']) },
      { status: to, statusUpdatedAt: at, statusReasonCode: reason.code, statusReasonDescription: reason.description },
    );
    return live.flatMap((row) => (row.grantId ? [row.grantId] : []));
  });
}

/**
 * Up to `limit` consents of one kind still `AWAU` or `AUTH` whose `expires_at` has passed at `now`, the longest overdue
 * first (over `ix_consent_expiry`), each read whole by `find`.
 */
export async function listLiveConsentsDueForExpiry<Consent extends object>(
  dataSource: DataSource,
  kind: string,
  now: Date,
  limit: number,
  find: (id: string) => Promise<Consent | null>,
): Promise<Consent[]> {
  const rows = await dataSource.getRepository<ConsentRow>('Consent').find({
    select: { id: true },
    where: { kind, status: In(['AWAU', 'AUTH']), expiresAt: LessThanOrEqual(now) },
    order: { expiresAt: 'ASC' },
    take: limit,
  });
  const consents: Array<Consent | null> = await Promise.all(rows.map((row) => find(row.id)));
  return consents.filter((consent): consent is Consent => consent !== null);
}

/**
 * `AWAU → AUTH` for a consent of one kind (and `where` more, e.g. not deleted), bound to the customer, the grant and one
 * account (`consent_account`), in one transaction.
 * @returns false when it was not `AWAU` (nothing written).
 */
export function authoriseConsentOnAccount(
  dataSource: DataSource,
  kind: string,
  consentId: string,
  authorisation: { readonly customerId: string; readonly grantId: string; readonly accountId: string },
  at: Date,
  where: FindOptionsWhere<ConsentRow> = {},
): Promise<boolean> {
  return inTransaction(dataSource, async (manager) => {
    const result = await manager
      .getRepository<ConsentRow>('Consent')
      .update(
        { ...where, id: consentId, kind, status: 'AWAU' },
        { status: 'AUTH', customerId: authorisation.customerId, grantId: authorisation.grantId, authorisedAt: at, statusUpdatedAt: at },
      );
    if (!result.affected) return false;
    await manager.getRepository<ConsentAccountRow>('ConsentAccount').insert({ consentId, accountId: authorisation.accountId });
    return true;
  });
}
