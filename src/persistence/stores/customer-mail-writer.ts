import type { EntityManager } from 'typeorm';
import type { CustomerNotice } from '../../domain/mail/customer-notice.js';
import { newId } from '../../domain/ids.js';
import { sqlTime } from '../sql.js';

/**
 * Writes the mail the domain owes customers into `outbound_mail` inside the caller's transaction, so a mail exists
 * exactly when the change it reports committed (raw SQL: a state change's transaction is on the hot path of events). Reads the customer's address and name and the app's name in the same
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
    const sqlite = manager.connection.options.type === 'better-sqlite3';
    await manager.query('INSERT INTO outbound_mail (id, recipient, subject, text, created_at) VALUES (?, ?, ?, ?, ?)', [
      newId('msg'),
      customer.email,
      subject.slice(0, 200),
      text,
      sqlTime(sqlite ? 'sqlite' : 'mysql', notice.occurredAt),
    ]);
  }
}
