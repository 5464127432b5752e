import type { DataSource, EntityManager } from 'typeorm';
import { In } from '../typeorm.js';
import type { ConsentStatus } from '../../domain/consents/consent-status.js';
import type { EventDraft } from '../../domain/events/event-notification.js';
import type { CustomerNotice } from '../../domain/mail/customer-notice.js';
import type { ConsentRow } from '../entities/consent.entity.js';
import { appendCustomerMailWithin } from './customer-mail-writer.js';
import type { EventOutboxWriter } from './event-outbox-writer.js';
import { inTransaction } from '../transactions.js';

/**
 * Moves a consent of `kind` from one of `from` to `to` (a compare-and-set), writing `events` to the outbox and `notices`
 * to the customers' mail in the same transaction, so that a partner hears of a change, and a customer is mailed about
 * it, exactly when it committed. Every kind of consent changes status this way.
 * @returns false when the consent was not in one of `from` (nothing written).
 */
export async function transitionConsent(
  dataSource: DataSource,
  outbox: EventOutboxWriter,
  kind: string,
  change: {
    readonly consentId: string;
    readonly from: readonly ConsentStatus[];
    readonly to: ConsentStatus;
    readonly at: Date;
    readonly reason?: { readonly code: string; readonly description: string } | undefined;
    readonly events: readonly EventDraft[];
    readonly notices: readonly CustomerNotice[];
  },
): Promise<boolean> {
  const { consentId, from, to, at, reason, events, notices } = change;
  const write = async (manager: EntityManager) => {
    const result = await manager
      .getRepository<ConsentRow>('Consent')
      .update(
        { id: consentId, kind, status: In([...from]) },
        { status: to, statusUpdatedAt: at, statusReasonCode: reason?.code ?? null, statusReasonDescription: reason?.description ?? null },
      );
    if (!result.affected) return false;
    await appendCustomerMailWithin(manager, notices);
    await outbox.appendWithin(manager, events, at);
    return true;
  };
  return events.length === 0 && notices.length === 0 ? write(dataSource.manager) : inTransaction(dataSource, write);
}
