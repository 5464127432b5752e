import { In, type DataSource } from 'typeorm';
import type { ConsentRow } from '../entities/consent.entity.js';
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
