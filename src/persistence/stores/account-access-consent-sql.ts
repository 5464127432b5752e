import type { AccountAccessConsent, ConsentWithAccounts } from '../../domain/consents/account-access-consent.js';
import type { ConsentStatus } from '../../domain/consents/consent-status.js';
import type { AccountPermission } from '../../domain/consents/permissions.js';
import type { ConsentRow } from '../entities/consent.entity.js';
import { readSqlTime } from '../sql.js';
import { APP_STANDING_COLUMNS, APP_STANDING_JOIN, appStandingOf, type AppStandingRow } from './app-standing-sql.js';

/**
 * The consent's own columns (the consent as `c`), prefixed `consent_`: alone, they read the consent without its shared
 * accounts or its app ({@link consentOf}).
 */
export const CONSENT_COLUMNS = `c.id AS consent_id, c.client_id AS consent_client_id, c.status AS consent_status,
  c.status_reason_code AS consent_status_reason_code, c.status_reason_description AS consent_status_reason_description,
  c.permissions AS consent_permissions, c.expires_at AS consent_expires_at, c.transaction_from_at AS consent_transaction_from_at,
  c.transaction_to_at AS consent_transaction_to_at, c.customer_id AS consent_customer_id, c.grant_id AS consent_grant_id,
  c.authorised_at AS consent_authorised_at, c.created_at AS consent_created_at, c.status_updated_at AS consent_status_updated_at,
  c.request AS consent_request`;

/**
 * The SQL that reads an account-access consent with the ids of its shared accounts and the standing of its app, alone or
 * beside the data of a call in the same statement: select {@link CONSENT_READ_COLUMNS} from {@link CONSENT_READ_FROM}
 * (the consent as `c`) where {@link CONSENT_READ_WHERE} (one parameter: the consent id), joining the data on `c.id`.
 * Its columns are prefixed `consent_` so that the data's own columns keep their names.
 */
export const CONSENT_READ_COLUMNS = `${CONSENT_COLUMNS},
  (SELECT GROUP_CONCAT(ca.account_id) FROM consent_account ca WHERE ca.consent_id = c.id) AS consent_account_ids,
  ${APP_STANDING_COLUMNS}`;

export const CONSENT_READ_FROM = `consent c ${APP_STANDING_JOIN('c.client_id')}`;

export const CONSENT_READ_WHERE = `c.id = ? AND c.kind = 'account-access'`;

/** What {@link CONSENT_COLUMNS} yield in a row (snake_case, JSON as text, SQLite times as text). */
export interface ConsentColumnsRow {
  consent_id: string;
  consent_client_id: string;
  consent_status: string;
  consent_status_reason_code: string | null;
  consent_status_reason_description: string | null;
  consent_permissions: string;
  consent_expires_at: Date | string | null;
  consent_transaction_from_at: Date | string | null;
  consent_transaction_to_at: Date | string | null;
  consent_customer_id: string | null;
  consent_grant_id: string | null;
  consent_authorised_at: Date | string | null;
  consent_created_at: Date | string;
  consent_status_updated_at: Date | string;
  consent_request: string;
}

/** What {@link CONSENT_READ_COLUMNS} yield in a row. */
export interface ConsentReadRow extends ConsentColumnsRow, AppStandingRow {
  consent_account_ids: string | null;
}

/** The consent, its shared accounts (sorted) and its app's standing from a row read with the columns above. */
export function consentWithAccountsOf(row: ConsentReadRow): ConsentWithAccounts {
  const accountIds = row.consent_account_ids ? row.consent_account_ids.split(',').sort() : [];
  return { consent: consentOf(row), accountIds, app: appStandingOf(row) };
}

/** The consent from a row read with {@link CONSENT_COLUMNS}. */
export function consentOf(row: ConsentColumnsRow): AccountAccessConsent {
  const time = (value: Date | string | null) => (value === null ? null : readSqlTime(value));
  const request = JSON.parse(row.consent_request) as Partial<AccountAccessConsent['request']>;
  return {
    id: row.consent_id,
    clientId: row.consent_client_id,
    status: row.consent_status as ConsentStatus,
    statusReason: row.consent_status_reason_code
      ? { code: row.consent_status_reason_code, description: row.consent_status_reason_description ?? '' }
      : null,
    permissions: JSON.parse(row.consent_permissions) as AccountPermission[],
    expiresAt: time(row.consent_expires_at),
    transactionFromAt: time(row.consent_transaction_from_at),
    transactionToAt: time(row.consent_transaction_to_at),
    customerId: row.consent_customer_id,
    grantId: row.consent_grant_id,
    authorisedAt: time(row.consent_authorised_at),
    createdAt: readSqlTime(row.consent_created_at),
    statusUpdatedAt: readSqlTime(row.consent_status_updated_at),
    request: requestOf(request),
  };
}

/** An account-access consent from its TypeORM row. */
export function toConsent(row: ConsentRow): AccountAccessConsent {
  return {
    id: row.id,
    clientId: row.clientId,
    status: row.status as ConsentStatus,
    statusReason: row.statusReasonCode ? { code: row.statusReasonCode, description: row.statusReasonDescription ?? '' } : null,
    permissions: row.permissions as AccountPermission[],
    expiresAt: row.expiresAt,
    transactionFromAt: row.transactionFromAt,
    transactionToAt: row.transactionToAt,
    customerId: row.customerId,
    grantId: row.grantId,
    authorisedAt: row.authorisedAt,
    createdAt: row.createdAt,
    statusUpdatedAt: row.statusUpdatedAt,
    request: requestOf(row.request),
  };
}

function requestOf(request: Partial<AccountAccessConsent['request']>): AccountAccessConsent['request'] {
  return {
    ExpirationDateTime: request.ExpirationDateTime ?? null,
    TransactionFromDateTime: request.TransactionFromDateTime ?? null,
    TransactionToDateTime: request.TransactionToDateTime ?? null,
  };
}
