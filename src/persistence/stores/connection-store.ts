import type { DataSource } from 'typeorm';
import type { ConsentStatus } from '../../domain/consents/consent-status.js';
import type { Connection, ConnectionStore } from '../../domain/consents/customer-connections.js';
import { isStorableId, readSqlTime } from '../sql.js';

interface RawConnection {
  id: string;
  kind: string;
  status: string;
  permissions: string;
  expires_at: Date | string | null;
  authorised_at: Date | string;
  status_updated_at: Date | string;
  last_used_at: Date | string | null;
  request: string;
  app_name: string | null;
  partner_name: string | null;
  account_ids: string | null;
}

/**
 * The customer's connected apps: every consent they authorised, with its app, partner and accounts, in one
 * statement over the customer's index of `consent`.
 */
export class SqlConnectionStore implements ConnectionStore {
  constructor(private readonly dataSource: DataSource) {}

  async listByCustomer(customerId: string): Promise<Connection[]> {
    if (!isStorableId(customerId)) return [];
    const rows: RawConnection[] = await this.dataSource.query(
      `SELECT c.id, c.kind, c.status, c.permissions, c.expires_at, c.authorised_at, c.status_updated_at, c.last_used_at, c.request,
              s.name AS app_name, p.name AS partner_name,
              (SELECT GROUP_CONCAT(ca.account_id) FROM consent_account ca WHERE ca.consent_id = c.id) AS account_ids
       FROM consent c
       LEFT JOIN software s ON s.client_id = c.client_id
       LEFT JOIN partner p ON p.id = s.partner_id
       WHERE c.customer_id = ? AND c.authorised_at IS NOT NULL
       ORDER BY c.created_at DESC
       LIMIT 500`,
      [customerId],
    );
    return rows.map(toConnection);
  }
}

function toConnection(row: RawConnection): Connection {
  const payment = row.kind === 'domestic-payment';
  const time = (value: Date | string | null) => (value === null ? null : readSqlTime(value));
  return {
    consentId: row.id,
    kind: payment ? 'domestic-payment' : 'account-access',
    appName: row.app_name ?? 'An app that no longer exists',
    partnerName: row.partner_name ?? '',
    status: row.status as ConsentStatus,
    permissions: payment ? [] : (JSON.parse(row.permissions) as string[]),
    accountIds: row.account_ids ? row.account_ids.split(',').sort() : [],
    authorisedAt: readSqlTime(row.authorised_at),
    expiresAt: payment ? null : time(row.expires_at),
    lastUsedAt: time(row.last_used_at),
    statusUpdatedAt: readSqlTime(row.status_updated_at),
    payment: payment ? paymentOf(row.request) : null,
  };
}

/** What a payment consent paid to whom: read from the partner's request as stored. */
function paymentOf(request: string): Connection['payment'] {
  const initiation = (JSON.parse(request) as { body?: { Data?: { Initiation?: Record<string, any> } } }).body?.Data?.Initiation ?? {};
  return {
    amount: String(initiation.InstructedAmount?.Amount ?? ''),
    currency: String(initiation.InstructedAmount?.Currency ?? ''),
    payee: String(initiation.CreditorAccount?.Name ?? initiation.CreditorAccount?.Identification ?? ''),
  };
}
