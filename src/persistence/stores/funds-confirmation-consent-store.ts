import type { DataSource } from 'typeorm';
import type { ConsentStatus } from '../../domain/consents/consent-status.js';
import type { EventDraft } from '../../domain/events/event-notification.js';
import type {
  FundsConfirmationConsent,
  FundsConfirmationConsentRequest,
  FundsConfirmationConsentStore,
} from '../../domain/funds-confirmations/funds-confirmation-consent.js';
import type { CustomerNotice } from '../../domain/mail/customer-notice.js';
import type { AppStanding } from '../../domain/partners/partner-app.js';
import type { StatusReason } from '../../domain/payments/risk-policy.js';
import type { ConsentRow } from '../entities/consent.entity.js';
import { isStorableId, readSqlTime } from '../sql.js';
import { APP_STANDING_COLUMNS, APP_STANDING_JOIN, appStandingOf, type AppStandingRow } from './app-standing-sql.js';
import { authoriseConsentOnAccount, endLiveConsentsOfClient, listLiveConsentsDueForExpiry } from './client-consents.js';
import { newConsentRow } from './consent-insert.js';
import { transitionConsent } from './consent-transition.js';
import type { EventOutboxWriter } from './event-outbox-writer.js';

/** The `consent.kind` of funds confirmation (CBPII) consents. */
export const FUNDS_CONFIRMATION_CONSENT_KIND = 'funds-confirmation';

/** What the `request` column holds for a funds confirmation consent: the partner's body verbatim. */
interface StoredRequest {
  body: FundsConfirmationConsentRequest;
}

/**
 * Funds confirmation consents in the shared `consent` table (`kind` = `funds-confirmation`): the request kept verbatim
 * in `request`, `ExpirationDateTime` in `expires_at` (so the expiry worker finds them by `ix_consent_expiry`), the
 * account funds are confirmed on in `consent_account`. Status changes write their events and mail in the same
 * transaction, as every consent's do.
 */
export class TypeOrmFundsConfirmationConsentStore implements FundsConfirmationConsentStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: EventOutboxWriter,
  ) {}

  async insert(consent: FundsConfirmationConsent): Promise<void> {
    await this.dataSource.getRepository<ConsentRow>('Consent').insert(toRow(consent));
  }

  async findById(id: string): Promise<FundsConfirmationConsent | null> {
    return isStorableId(id) ? ((await this.find('c.id = ?', id))?.consent ?? null) : null;
  }

  async findWithApp(id: string): Promise<{ consent: FundsConfirmationConsent; app: AppStanding | null } | null> {
    return isStorableId(id) ? this.find('c.id = ?', id) : null;
  }

  async findByGrantId(grantId: string): Promise<FundsConfirmationConsent | null> {
    return isStorableId(grantId) ? ((await this.find('c.grant_id = ?', grantId))?.consent ?? null) : null;
  }

  /** The consent with its account's currency and the standing of its app, in one statement. */
  private async find(condition: string, value: string): Promise<{ consent: FundsConfirmationConsent; app: AppStanding | null } | null> {
    const rows: Array<RawFundsConfirmationConsent & AppStandingRow> = await this.dataSource.query(
      `SELECT c.id, c.client_id, c.status, c.status_reason_code, c.status_reason_description, c.expires_at, c.customer_id,
              c.grant_id, c.authorised_at, c.created_at, c.status_updated_at, c.request, ca.account_id, a.currency AS account_currency,
              ${APP_STANDING_COLUMNS}
       FROM consent c
       LEFT JOIN consent_account ca ON ca.consent_id = c.id
       LEFT JOIN account a ON a.id = ca.account_id
       ${APP_STANDING_JOIN('c.client_id')}
       WHERE ${condition} AND c.kind = ?
       LIMIT 1`,
      [value, FUNDS_CONFIRMATION_CONSENT_KIND],
    );
    const row = rows[0];
    return row ? { consent: fromRaw(row), app: appStandingOf(row) } : null;
  }

  authorise(consentId: string, authorisation: { customerId: string; accountId: string; grantId: string }, at: Date): Promise<boolean> {
    return authoriseConsentOnAccount(this.dataSource, FUNDS_CONFIRMATION_CONSENT_KIND, consentId, authorisation, at);
  }

  transition(
    consentId: string,
    from: readonly ConsentStatus[],
    to: ConsentStatus,
    at: Date,
    reason?: StatusReason,
    events: readonly EventDraft[] = [],
    notices: readonly CustomerNotice[] = [],
  ): Promise<boolean> {
    return transitionConsent(this.dataSource, this.outbox, FUNDS_CONFIRMATION_CONSENT_KIND, { consentId, from, to, at, reason, events, notices });
  }

  listDueForExpiry(now: Date, limit: number): Promise<FundsConfirmationConsent[]> {
    return listLiveConsentsDueForExpiry(this.dataSource, FUNDS_CONFIRMATION_CONSENT_KIND, now, limit, (id) => this.findById(id));
  }

  cancelAllOfClient(clientId: string, at: Date, reason: StatusReason): Promise<string[]> {
    return endLiveConsentsOfClient(this.dataSource, FUNDS_CONFIRMATION_CONSENT_KIND, clientId, 'CANC', at, reason);
  }
}

function toRow(consent: FundsConfirmationConsent): ConsentRow {
  const request: StoredRequest = { body: consent.request };
  return newConsentRow(FUNDS_CONFIRMATION_CONSENT_KIND, consent, { request, expiresAt: consent.expiresAt });
}

/** A funds confirmation consent row as raw SQL returns it (snake_case, JSON as text, SQLite times as text). */
interface RawFundsConfirmationConsent {
  id: string;
  client_id: string;
  status: string;
  status_reason_code: string | null;
  status_reason_description: string | null;
  expires_at: Date | string | null;
  customer_id: string | null;
  grant_id: string | null;
  authorised_at: Date | string | null;
  created_at: Date | string;
  status_updated_at: Date | string;
  request: string;
  account_id: string | null;
  account_currency: string | null;
}

function fromRaw(row: RawFundsConfirmationConsent): FundsConfirmationConsent {
  const time = (value: Date | string | null) => (value === null ? null : readSqlTime(value));
  return {
    id: row.id,
    clientId: row.client_id,
    status: row.status as ConsentStatus,
    statusReason: row.status_reason_code ? { code: row.status_reason_code, description: row.status_reason_description ?? '' } : null,
    request: (JSON.parse(row.request) as StoredRequest).body,
    expiresAt: time(row.expires_at),
    customerId: row.customer_id,
    account: row.account_id && row.account_currency ? { id: row.account_id, currency: row.account_currency } : null,
    grantId: row.grant_id,
    authorisedAt: time(row.authorised_at),
    createdAt: readSqlTime(row.created_at),
    statusUpdatedAt: readSqlTime(row.status_updated_at),
  };
}
