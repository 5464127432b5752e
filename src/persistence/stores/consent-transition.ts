import type { DataSource, EntityManager } from 'typeorm';
import type { ConsentStatus } from '../../domain/consents/consent-status.js';
import type { EventDraft } from '../../domain/events/event-notification.js';
import type { CustomerNotice } from '../../domain/mail/customer-notice.js';
import { appendCustomerMailWithin } from './customer-mail-writer.js';
import type { EventOutboxWriter } from './event-outbox-writer.js';
import { sqlTime } from '../sql.js';
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
    // Raw SQL: every consent's expiry, revocation and use goes through here, and TypeORM's update building cost more than the update.
    const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
    let changed: number;
    try {
      const sqlite = manager.connection.options.type === 'better-sqlite3';
      const result = await runner.query(
        `UPDATE consent SET status = ?, status_updated_at = ?, status_reason_code = ?, status_reason_description = ?
         WHERE id = ? AND kind = ? AND status IN (${from.map(() => '?').join(', ')})`,
        [to, sqlTime(sqlite ? 'sqlite' : 'mysql', at), reason?.code ?? null, reason?.description ?? null, consentId, kind, ...from],
        true,
      );
      changed = result.affected ?? 0;
    } finally {
      if (runner !== manager.queryRunner) await runner.release();
    }
    if (changed === 0) return false;
    await appendCustomerMailWithin(manager, notices);
    await outbox.appendWithin(manager, events, at);
    return true;
  };
  return events.length === 0 && notices.length === 0 ? write(dataSource.manager) : inTransaction(dataSource, write);
}
