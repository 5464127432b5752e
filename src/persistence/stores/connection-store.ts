import type { DataSource } from 'typeorm';
import type { ConsentStatus } from '../../domain/consents/consent-status.js';
import type { Connection, ConnectionPayment, ConnectionStore } from '../../domain/consents/customer-connections.js';
import type { PaymentStatus } from '../../domain/payments/domestic-payment.js';
import type { VrpConsentRequest } from '../../domain/payments/vrp/vrp-consent.js';
import { isStorableId, readSqlTime } from '../sql.js';
import { listedKindOf } from './payment-consent-store.js';

interface RawConnection {
  id: string;
  kind: string;
  status: string;
  created_at: Date | string;
  deleted_at: Date | string | null;
  permissions: string;
  expires_at: Date | string | null;
  authorised_at: Date | string;
  status_updated_at: Date | string;
  last_used_at: Date | string | null;
  request: string;
  app_name: string | null;
  partner_name: string | null;
  account_ids: string | null;
  payment_status: string | null;
  payment_reason_code: string | null;
  payment_reason_description: string | null;
  payment_status_updated_at: Date | string | null;
  standing_order_paid: number | string | null;
}

/**
 * The customer's connected apps: every consent they authorised, with its app, partner and accounts, in one
 * statement over the customer's index of `consent`. A payment consent is joined to its payment (it has at most one),
 * a standing order to its latest only (with a count of those paid): a VRP mandate or a standing order has many, and
 * joining them all would list it once per payment.
 */
export class SqlConnectionStore implements ConnectionStore {
  constructor(private readonly dataSource: DataSource) {}

  async listByCustomer(customerId: string): Promise<Connection[]> {
    if (!isStorableId(customerId)) return [];
    const rows: RawConnection[] = await this.dataSource.query(
      `SELECT c.id, c.kind, c.status, c.created_at, c.deleted_at, c.permissions,
              c.expires_at, c.authorised_at, c.status_updated_at, c.last_used_at, c.request,
              s.name AS app_name, p.name AS partner_name,
              pm.status AS payment_status, pm.status_reason_code AS payment_reason_code,
              pm.status_reason_description AS payment_reason_description, pm.status_updated_at AS payment_status_updated_at,
              (SELECT GROUP_CONCAT(ca.account_id) FROM consent_account ca WHERE ca.consent_id = c.id) AS account_ids,
              CASE WHEN c.kind = 'standing-order'
                   THEN (SELECT COUNT(*) FROM payment paid WHERE paid.consent_id = c.id AND paid.status = 'ACSC') END AS standing_order_paid
       FROM consent c
       LEFT JOIN software s ON s.client_id = c.client_id
       LEFT JOIN partner p ON p.id = s.partner_id
       LEFT JOIN payment pm ON pm.consent_id = c.id
                           AND (c.kind IN ('domestic-payment', 'scheduled-payment', 'intl-payment')
                                OR (c.kind = 'standing-order'
                                    AND pm.id = (SELECT latest.id FROM payment latest WHERE latest.consent_id = c.id
                                                 ORDER BY latest.due_at DESC, latest.id DESC LIMIT 1)))
       WHERE c.customer_id = ? AND c.authorised_at IS NOT NULL
       ORDER BY c.created_at DESC
       LIMIT 500`,
      [customerId],
    );
    return rows.map(toConnection);
  }
}

function toConnection(row: RawConnection): Connection {
  const kind = listedKindOf(row.kind);
  const time = (value: Date | string | null) => (value === null ? null : readSqlTime(value));
  return {
    consentId: row.id,
    kind,
    appName: row.app_name ?? 'An app that no longer exists',
    partnerName: row.partner_name ?? '',
    status: row.status as ConsentStatus,
    permissions: kind === 'account-access' ? (JSON.parse(row.permissions) as string[]) : [],
    accountIds: row.account_ids ? row.account_ids.split(',').sort() : [],
    authorisedAt: readSqlTime(row.authorised_at),
    expiresAt: kind === 'domestic-payment' ? null : time(row.expires_at),
    lastUsedAt: time(row.last_used_at),
    statusUpdatedAt: readSqlTime(row.status_updated_at),
    payment:
      kind === 'domestic-payment'
        ? {
            ...requestedPayment(row.request),
            made: madePayment(row),
            standingOrderPaid: row.standing_order_paid === null ? null : Number(row.standing_order_paid),
          }
        : null,
    mandate:
      kind === 'domestic-vrp'
        ? {
            request: (JSON.parse(row.request) as { body: VrpConsentRequest }).body,
            createdAt: readSqlTime(row.created_at),
            deletedAt: time(row.deleted_at),
          }
        : null,
  };
}

/** The payment made with a payment consent, as the `payment` row stands. */
function madePayment(row: RawConnection): ConnectionPayment['made'] {
  if (!row.payment_status || !row.payment_status_updated_at) return null;
  return {
    status: row.payment_status as PaymentStatus,
    reason: row.payment_reason_code ? { code: row.payment_reason_code, description: row.payment_reason_description ?? '' } : null,
    statusUpdatedAt: readSqlTime(row.payment_status_updated_at),
  };
}

/** The initiation of a payment consent as the partner's request stored it (schema-valid when it was accepted). */
interface StoredInitiation {
  readonly InstructedAmount?: { readonly Amount?: string; readonly Currency?: string };
  /** A standing order's: its first payment. */
  readonly FirstPaymentAmount?: { readonly Amount?: string; readonly Currency?: string };
  readonly CreditorAccount?: { readonly Name?: string; readonly Identification?: string };
}

/** What a payment consent asked to pay to whom: read from the partner's request as stored. */
function requestedPayment(request: string): Omit<ConnectionPayment, 'made' | 'standingOrderPaid'> {
  const initiation = (JSON.parse(request) as { body?: { Data?: { Initiation?: StoredInitiation } } }).body?.Data?.Initiation ?? {};
  const amount = initiation.InstructedAmount ?? initiation.FirstPaymentAmount;
  return {
    amount: amount?.Amount ?? '',
    currency: amount?.Currency ?? '',
    payee: initiation.CreditorAccount?.Name ?? initiation.CreditorAccount?.Identification ?? '',
  };
}
