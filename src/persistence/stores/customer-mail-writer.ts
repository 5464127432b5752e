import type { EntityManager } from 'typeorm';
import type { CustomerNotice } from '../../domain/mail/customer-notice.js';
import { newId } from '../../domain/ids.js';
import type { OutboundMailRow } from '../entities/portal.entity.js';

/**
 * Writes the mail the domain owes customers into `outbound_mail` inside the caller's transaction, so a mail exists
 * exactly when the change it reports committed. Reads the customer's address and name and the app's name in the same
 * transaction and hands them to the notice for its words; a customer without an address gets no mail.
 */
export async function appendCustomerMailWithin(manager: EntityManager, notices: readonly CustomerNotice[]): Promise<void> {
  for (const notice of notices) {
    const rows: Array<{ email: string | null; display_name: string; app_name: string | null }> = await manager.query(
      `SELECT c.email, c.display_name, (SELECT s.name FROM software s WHERE s.client_id = ?) AS app_name FROM customer c WHERE c.id = ?`,
      [notice.clientId, notice.customerId],
    );
    const customer = rows[0];
    if (!customer?.email) continue;
    const { subject, text } = notice.compose({ customerName: customer.display_name, appName: customer.app_name ?? 'an app' });
    await manager.getRepository<OutboundMailRow>('OutboundMail').insert({
      id: newId('msg'),
      recipient: customer.email,
      subject: subject.slice(0, 200),
      text,
      createdAt: notice.occurredAt,
    });
  }
}
