import type { DataSource } from 'typeorm';
import { In, LessThanOrEqual } from '../typeorm.js';
import type { EventDraft } from '../../domain/events/event-notification.js';
import type { CustomerNotice } from '../../domain/mail/customer-notice.js';
import type { AccountAccessConsent, ConsentAuthorisation, ConsentStore, ConsentWithAccounts } from '../../domain/consents/account-access-consent.js';
import type { ConsentStatus } from '../../domain/consents/consent-status.js';
import type { ConsentAccountRow, ConsentRow } from '../entities/consent.entity.js';
import { readRows } from '../direct-read.js';
import { isStorableId } from '../sql.js';
import { inTransaction } from '../transactions.js';
import {
  CONSENT_COLUMNS,
  CONSENT_READ_COLUMNS,
  CONSENT_READ_FROM,
  CONSENT_READ_WHERE,
  consentOf,
  consentWithAccountsOf,
  toConsent,
  type ConsentColumnsRow,
  type ConsentReadRow,
} from './account-access-consent-sql.js';
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
    const rows = await readRows<ConsentColumnsRow>(this.dataSource, `SELECT ${CONSENT_COLUMNS} FROM consent c WHERE ${CONSENT_READ_WHERE}`, [id]);
    return rows[0] ? consentOf(rows[0]) : null;
  }

  async findByGrantId(grantId: string): Promise<AccountAccessConsent | null> {
    if (!isStorableId(grantId)) return null;
    const row = await this.consents.findOneBy({ grantId, kind: KIND });
    return row ? toConsent(row) : null;
  }

  async findWithAccountIds(id: string): Promise<ConsentWithAccounts | null> {
    if (!isStorableId(id)) return null;
    const rows = await readRows<ConsentReadRow>(
      this.dataSource,
      `SELECT ${CONSENT_READ_COLUMNS} FROM ${CONSENT_READ_FROM} WHERE ${CONSENT_READ_WHERE}`,
      [id],
    );
    return rows[0] ? consentWithAccountsOf(rows[0]) : null;
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

function toRow(consent: AccountAccessConsent): ConsentRow {
  return newConsentRow(KIND, consent, {
    request: { ...consent.request },
    expiresAt: consent.expiresAt,
    permissions: [...consent.permissions],
    transactionFromAt: consent.transactionFromAt,
    transactionToAt: consent.transactionToAt,
  });
}
