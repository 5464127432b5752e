import type { DataSource } from 'typeorm';
import type { EventDraft, EventResourceType } from '../../domain/events/event-notification.js';
import type { TestEventStore } from '../../domain/events/sandbox-test-event.js';
import { isStorableId } from '../sql.js';
import { inTransaction } from '../transactions.js';
import type { EventOutboxWriter } from './event-outbox-writer.js';

/** The event resource type of each kind of consent in the `consent` table. */
const RESOURCE_TYPE_OF_KIND: Readonly<Record<string, EventResourceType>> = {
  'account-access': 'account-access-consent',
  'domestic-payment': 'domestic-payment-consent',
  'funds-confirmation': 'funds-confirmation-consent',
};

/** Sandbox test events: about the app's newest consent, written through the outbox like any event. */
export class SqlTestEventStore implements TestEventStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: EventOutboxWriter,
  ) {}

  async findNewestConsent(clientId: string): Promise<{ type: EventResourceType; id: string } | null> {
    if (!isStorableId(clientId)) return null;
    const rows: Array<{ id: string; kind: string }> = await this.dataSource.query(
      `SELECT id, kind FROM consent WHERE client_id = ? AND kind IN ('account-access', 'domestic-payment', 'funds-confirmation') ORDER BY created_at DESC, id DESC LIMIT 1`,
      [clientId],
    );
    const row = rows[0];
    const type = row ? RESOURCE_TYPE_OF_KIND[row.kind] : undefined;
    return row && type ? { type, id: row.id } : null;
  }

  async append(drafts: readonly EventDraft[], now: Date): Promise<void> {
    await inTransaction(this.dataSource, (manager) => this.outbox.appendWithin(manager, drafts, now));
  }
}
