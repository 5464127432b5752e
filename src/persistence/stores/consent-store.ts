import { In, LessThanOrEqual, type DataSource } from 'typeorm';
import type { EventDraft } from '../../domain/events/event-notification.js';
import type { CustomerNotice } from '../../domain/mail/customer-notice.js';
import type { AccountAccessConsent, ConsentAuthorisation, ConsentStore } from '../../domain/consents/account-access-consent.js';
import type { ConsentStatus } from '../../domain/consents/consent-status.js';
import type { AppStanding } from '../../domain/partners/partner-app.js';
import type { AccountPermission } from '../../domain/consents/permissions.js';
import type { ConsentAccountRow, ConsentRow } from '../entities/consent.entity.js';
import { readRows } from '../direct-read.js';
import { isStorableId, readSqlTime } from '../sql.js';
import { inTransaction } from '../transactions.js';
import { APP_STANDING_COLUMNS, APP_STANDING_JOIN, appStandingOf, type AppStandingRow } from './app-standing-sql.js';
import { endLiveConsentsOfClient } from './client-consents.js';
import type { EventOutboxWriter } from './event-outbox-writer.js';
import { transitionConsent } from './consent-transition.js';
import { newConsentRow } from './consent-insert.js';

/** The `consent.kind` of account-access consents (payment consents share the table). */
const KIND = 'account-access';

/** Account-access consents in the `consent` and `consent_account` tables; every status change is a compare-and-set. */
export class TypeOrmConsentStore implements ConsentStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: EventOutboxWriter,
  ) {}

  private get consents() {
    return this.dataSource.getRepository<ConsentRow>('Consent');
  }

  async insert(consent: AccountAccessConsent): Promise<void> {
    await this.consents.insert(toRow(consent));
  }

  /** A direct read (`readRows`): every partner call about a consent, and every expiry found on reading, starts here. */
  async findById(id: string): Promise<AccountAccessConsent | null> {
    if (!isStorableId(id)) return null;
    const rows = await readRows<RawConsentRow>(
      this.dataSource,
      `SELECT ${CONSENT_COLUMNS}, NULL AS account_ids FROM consent c WHERE c.id = ? AND c.kind = ?`,
      [id, KIND],
    );
    const row = rows[0];
    return row ? toConsent(fromRaw(row)) : null;
  }

  async findByGrantId(grantId: string): Promise<AccountAccessConsent | null> {
    if (!isStorableId(grantId)) return null;
    const row = await this.consents.findOneBy({ grantId, kind: KIND });
    return row ? toConsent(row) : null;
  }

  async findWithAccountIds(id: string): Promise<{ consent: AccountAccessConsent; accountIds: string[]; app: AppStanding | null } | null> {
    if (!isStorableId(id)) return null;
    const rows = await readRows<RawConsentRow & AppStandingRow>(
      this.dataSource,
      `SELECT ${CONSENT_COLUMNS},
              (SELECT GROUP_CONCAT(ca.account_id) FROM consent_account ca WHERE ca.consent_id = c.id) AS account_ids,
              ${APP_STANDING_COLUMNS}
       FROM consent c ${APP_STANDING_JOIN('c.client_id')} WHERE c.id = ? AND c.kind = ?`,
      [id, KIND],
    );
    const row = rows[0];
    if (!row) return null;
    return { consent: toConsent(fromRaw(row)), accountIds: row.account_ids ? row.account_ids.split(',').sort() : [], app: appStandingOf(row) };
  }

  async authorise(consentId: string, authorisation: ConsentAuthorisation, at: Date): Promise<boolean> {
    return inTransaction(this.dataSource, async (manager) => {
      const result = await manager.getRepository<ConsentRow>('Consent').update(
        [
          { id: consentId, kind: KIND, status: 'AWAU' },
          { id: consentId, kind: KIND, status: 'CANC', customerId: authorisation.customerId },
        ],
        {
          status: 'AUTH',
          statusReasonCode: null,
          statusReasonDescription: null,
          customerId: authorisation.customerId,
          grantId: authorisation.grantId,
          authorisedAt: at,
          statusUpdatedAt: at,
        },
      );
      if (!result.affected) return false;
      const accounts = manager.getRepository<ConsentAccountRow>('ConsentAccount');
      await accounts.delete({ consentId });
      await accounts.insert(authorisation.accountIds.map((accountId) => ({ consentId, accountId })));
      return true;
    });
  }

  transition(
    consentId: string,
    from: readonly ConsentStatus[],
    to: ConsentStatus,
    at: Date,
    reason?: { code: string; description: string },
    events: readonly EventDraft[] = [],
    notices: readonly CustomerNotice[] = [],
  ): Promise<boolean> {
    return transitionConsent(this.dataSource, this.outbox, KIND, { consentId, from, to, at, reason, events, notices });
  }

  async removeSharedAccount(consentId: string, customerId: string, accountId: string, events: readonly EventDraft[], at: Date): Promise<boolean> {
    if (![consentId, customerId, accountId].every(isStorableId)) return false;
    return inTransaction(this.dataSource, async (manager) => {
      const lock = manager.connection.options.type === 'better-sqlite3' ? '' : ' FOR UPDATE';
      const owned: unknown[] = await manager.query(
        `SELECT id FROM consent WHERE id = ? AND kind = ? AND status = 'AUTH' AND customer_id = ?${lock}`,
        [consentId, KIND, customerId],
      );
      if (owned.length === 0) return false;
      const accounts = manager.getRepository<ConsentAccountRow>('ConsentAccount');
      const shared = await accounts.findBy({ consentId });
      if (shared.length < 2 || !shared.some((row) => row.accountId === accountId)) return false;
      await accounts.delete({ consentId, accountId });
      await this.outbox.appendWithin(manager, events, at);
      return true;
    });
  }

  async listDueForExpiry(now: Date, limit: number): Promise<AccountAccessConsent[]> {
    const rows = await this.consents.find({
      where: { kind: KIND, status: In(['AWAU', 'AUTH']), expiresAt: LessThanOrEqual(now) },
      order: { expiresAt: 'ASC' },
      take: limit,
    });
    return rows.map(toConsent);
  }

  cancelAllOfClient(clientId: string, at: Date, reason: { code: string; description: string }): Promise<string[]> {
    return endLiveConsentsOfClient(this.dataSource, KIND, clientId, 'CANC', at, reason);
  }
}

/** The columns of a consent (`c`) that {@link fromRaw} reads. */
const CONSENT_COLUMNS = `c.id, c.client_id, c.status, c.status_reason_code, c.status_reason_description, c.permissions, c.expires_at,
  c.transaction_from_at, c.transaction_to_at, c.customer_id, c.grant_id, c.authorised_at, c.created_at, c.status_updated_at, c.request`;

/** A consent row as raw SQL returns it (snake_case, JSON as text, SQLite times as text). */
interface RawConsentRow {
  id: string;
  client_id: string;
  status: string;
  status_reason_code: string | null;
  status_reason_description: string | null;
  permissions: string;
  expires_at: Date | string | null;
  transaction_from_at: Date | string | null;
  transaction_to_at: Date | string | null;
  customer_id: string | null;
  grant_id: string | null;
  authorised_at: Date | string | null;
  created_at: Date | string;
  status_updated_at: Date | string;
  request: string;
  account_ids: string | null;
}

function fromRaw(row: RawConsentRow): ConsentRow {
  const time = (value: Date | string | null) => (value === null ? null : readSqlTime(value));
  return {
    id: row.id,
    kind: KIND,
    clientId: row.client_id,
    status: row.status,
    statusReasonCode: row.status_reason_code,
    statusReasonDescription: row.status_reason_description,
    permissions: JSON.parse(row.permissions) as string[],
    expiresAt: time(row.expires_at),
    transactionFromAt: time(row.transaction_from_at),
    transactionToAt: time(row.transaction_to_at),
    customerId: row.customer_id,
    grantId: row.grant_id,
    authorisedAt: time(row.authorised_at),
    createdAt: readSqlTime(row.created_at),
    statusUpdatedAt: readSqlTime(row.status_updated_at),
    request: JSON.parse(row.request) as Record<string, unknown>,
    lastUsedAt: null,
    validFromAt: null,
    deletedAt: null,
  };
}

function toRow(consent: AccountAccessConsent): ConsentRow {
  return newConsentRow(KIND, consent, {
    request: { ...consent.request },
    expiresAt: consent.expiresAt,
    permissions: [...consent.permissions],
    transactionFromAt: consent.transactionFromAt,
    transactionToAt: consent.transactionToAt,
  });
}

function toConsent(row: ConsentRow): AccountAccessConsent {
  const request = row.request as Partial<AccountAccessConsent['request']>;
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
    request: {
      ExpirationDateTime: request.ExpirationDateTime ?? null,
      TransactionFromDateTime: request.TransactionFromDateTime ?? null,
      TransactionToDateTime: request.TransactionToDateTime ?? null,
    },
  };
}
