import type { DataSource } from 'typeorm';
import { In, IsNull } from '../typeorm.js';
import type { ConsentStatus } from '../../domain/consents/consent-status.js';
import type { EventDraft } from '../../domain/events/event-notification.js';
import type { CustomerNotice } from '../../domain/mail/customer-notice.js';
import type { AppStanding } from '../../domain/partners/partner-app.js';
import type { IdempotencyRecord } from '../../domain/payments/idempotency.js';
import type { PaymentAuthorisation } from '../../domain/payments/payment-consent.js';
import type { StatusReason } from '../../domain/payments/risk-policy.js';
import type { DomesticVrpConsent, VrpConsentRequest, VrpConsentStore } from '../../domain/payments/vrp/vrp-consent.js';
import type { ConsentRow } from '../entities/consent.entity.js';
import { isStorableId, readSqlTime } from '../sql.js';
import { inTransaction } from '../transactions.js';
import { insertConsentWithKey, newConsentRow } from './consent-insert.js';
import { APP_STANDING_COLUMNS, APP_STANDING_JOIN, appStandingOf, type AppStandingRow } from './app-standing-sql.js';
import { authoriseConsentOnAccount, endLiveConsentsOfClient, listLiveConsentsDueForExpiry } from './client-consents.js';
import { transitionConsent } from './consent-transition.js';
import type { EventOutboxWriter } from './event-outbox-writer.js';
import { readRows } from '../direct-read.js';

/** The `consent.kind` of domestic VRP consents. */
export const VRP_CONSENT_KIND = 'domestic-vrp';

/** What the `request` column holds for a VRP consent: the partner's body verbatim. */
interface StoredRequest {
  body: VrpConsentRequest;
}

/**
 * Domestic VRP consents in the shared `consent` table (`kind` = `domestic-vrp`): the request kept verbatim in
 * `request`, `ValidFromDateTime` in `valid_from_at`, `ValidToDateTime` in `expires_at`, the account paid from in
 * `consent_account`, the partner's deletion in `deleted_at`. Status changes write their events and mail in the same
 * transaction, as every consent's do.
 */
export class TypeOrmVrpConsentStore implements VrpConsentStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: EventOutboxWriter,
  ) {}

  insert(consent: DomesticVrpConsent, idempotency: IdempotencyRecord): Promise<boolean> {
    return insertConsentWithKey(this.dataSource, toRow(consent), idempotency);
  }

  async findById(id: string): Promise<DomesticVrpConsent | null> {
    return isStorableId(id) ? ((await this.find('c.id = ?', id))?.consent ?? null) : null;
  }

  async findWithApp(id: string): Promise<{ consent: DomesticVrpConsent; app: AppStanding | null } | null> {
    return isStorableId(id) ? this.find('c.id = ?', id) : null;
  }

  async findByGrantId(grantId: string): Promise<DomesticVrpConsent | null> {
    return isStorableId(grantId) ? ((await this.find('c.grant_id = ?', grantId))?.consent ?? null) : null;
  }

  /**
   * The consent with the account it is paid from, that account's main identification (named as the scheme knows its
   * holder, else as the bank knows the customer) and the standing of the consent's app, in one statement.
   */
  private async find(condition: string, value: string): Promise<{ consent: DomesticVrpConsent; app: AppStanding | null } | null> {
    const rows = await readRows<RawVrpConsent & AppStandingRow>(
      this.dataSource,
      `SELECT c.id, c.client_id, c.status, c.status_reason_code, c.status_reason_description, c.valid_from_at, c.expires_at, c.customer_id,
              c.grant_id, c.authorised_at, c.created_at, c.status_updated_at, c.deleted_at, c.request, ca.account_id,
              di.scheme_name AS debtor_scheme_name, di.identification AS debtor_identification,
              COALESCE(di.name, cu.display_name) AS debtor_name,
              ${APP_STANDING_COLUMNS}
       FROM consent c
       LEFT JOIN consent_account ca ON ca.consent_id = c.id
       LEFT JOIN account_identification di ON di.account_id = ca.account_id AND di.scheme_name <> 'UK.OBIE.PAN'
       LEFT JOIN customer cu ON cu.id = c.customer_id
       ${APP_STANDING_JOIN('c.client_id')}
       WHERE ${condition} AND c.kind = ?
       ORDER BY di.scheme_name LIMIT 1`,
      [value, VRP_CONSENT_KIND],
    );
    const row = rows[0];
    return row ? { consent: fromRaw(row), app: appStandingOf(row) } : null;
  }

  authorise(consentId: string, authorisation: PaymentAuthorisation, at: Date): Promise<boolean> {
    const { customerId, grantId, debtorAccountId } = authorisation;
    return authoriseConsentOnAccount(this.dataSource, VRP_CONSENT_KIND, consentId, { customerId, grantId, accountId: debtorAccountId }, at, {
      deletedAt: IsNull(),
    });
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
    return transitionConsent(this.dataSource, this.outbox, VRP_CONSENT_KIND, { consentId, from, to, at, reason, events, notices });
  }

  async markDeleted(consentId: string, at: Date): Promise<boolean> {
    if (!isStorableId(consentId)) return false;
    return inTransaction(this.dataSource, async (manager) => {
      const repository = manager.getRepository<ConsentRow>('Consent');
      await repository.update(
        { id: consentId, kind: VRP_CONSENT_KIND, status: In(['AWAU', 'AUTH']), deletedAt: IsNull() },
        { status: 'CANC', statusUpdatedAt: at, statusReasonCode: null, statusReasonDescription: null },
      );
      const result = await repository.update({ id: consentId, kind: VRP_CONSENT_KIND, deletedAt: IsNull() }, { deletedAt: at });
      return Boolean(result.affected);
    });
  }

  listDueForExpiry(now: Date, limit: number): Promise<DomesticVrpConsent[]> {
    return listLiveConsentsDueForExpiry(this.dataSource, VRP_CONSENT_KIND, now, limit, (id) => this.findById(id));
  }

  cancelAllOfClient(clientId: string, at: Date, reason: StatusReason): Promise<string[]> {
    return endLiveConsentsOfClient(this.dataSource, VRP_CONSENT_KIND, clientId, 'CANC', at, reason);
  }
}

function toRow(consent: DomesticVrpConsent): ConsentRow {
  const request: StoredRequest = { body: consent.request };
  return newConsentRow(VRP_CONSENT_KIND, consent, {
    request,
    expiresAt: consent.validTo,
    validFromAt: consent.validFrom,
    deletedAt: consent.deletedAt,
  });
}

/** A VRP consent row as raw SQL returns it (snake_case, JSON as text, SQLite times as text). */
interface RawVrpConsent {
  id: string;
  client_id: string;
  status: string;
  status_reason_code: string | null;
  status_reason_description: string | null;
  valid_from_at: Date | string | null;
  expires_at: Date | string | null;
  customer_id: string | null;
  grant_id: string | null;
  authorised_at: Date | string | null;
  created_at: Date | string;
  status_updated_at: Date | string;
  deleted_at: Date | string | null;
  request: string;
  account_id: string | null;
  debtor_scheme_name: string | null;
  debtor_identification: string | null;
  debtor_name: string | null;
}

function fromRaw(row: RawVrpConsent): DomesticVrpConsent {
  const time = (value: Date | string | null) => (value === null ? null : readSqlTime(value));
  return {
    id: row.id,
    clientId: row.client_id,
    status: row.status as ConsentStatus,
    statusReason: row.status_reason_code ? { code: row.status_reason_code, description: row.status_reason_description ?? '' } : null,
    request: (JSON.parse(row.request) as StoredRequest).body,
    validFrom: time(row.valid_from_at),
    validTo: time(row.expires_at),
    customerId: row.customer_id,
    debtorAccountId: row.account_id,
    debtor:
      row.debtor_scheme_name && row.debtor_identification
        ? { schemeName: row.debtor_scheme_name, identification: row.debtor_identification, name: row.debtor_name }
        : null,
    grantId: row.grant_id,
    authorisedAt: time(row.authorised_at),
    createdAt: readSqlTime(row.created_at),
    statusUpdatedAt: readSqlTime(row.status_updated_at),
    deletedAt: time(row.deleted_at),
  };
}
