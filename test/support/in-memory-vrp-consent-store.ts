import { ConsentStatus } from '../../src/domain/consents/consent-status.js';
import type { EventDraft } from '../../src/domain/events/event-notification.js';
import type { CustomerNotice } from '../../src/domain/mail/customer-notice.js';
import type { AppStanding } from '../../src/domain/partners/partner-app.js';
import type { IdempotencyRecord, IdempotencyStore, IdempotentOperation } from '../../src/domain/payments/idempotency.js';
import type { PaymentAuthorisation } from '../../src/domain/payments/payment-consent.js';
import type { StatusReason } from '../../src/domain/payments/risk-policy.js';
import type { DomesticVrpConsent, VrpConsentStore } from '../../src/domain/payments/vrp/vrp-consent.js';

/**
 * A VrpConsentStore (and the IdempotencyStore it writes to) in memory for domain tests, with the semantics of the
 * TypeORM store: a consent and its idempotency record are stored together or not at all; every status change is a
 * compare-and-set written with its events and notices; `markDeleted` cancels a live consent and marks it deleted once.
 * The debtor of an authorised consent is the account's id as a sort code (the TypeORM store reads the identification).
 */
export class InMemoryVrpConsentStore implements VrpConsentStore, IdempotencyStore {
  private readonly consents = new Map<string, DomesticVrpConsent>();
  private readonly idempotency = new Map<string, IdempotencyRecord>();
  /** The events written with successful status changes, in order. */
  readonly events: EventDraft[] = [];
  /** The customer notices written with successful status changes, in order. */
  readonly notices: CustomerNotice[] = [];

  /** Test setup: a consent as it stands. */
  put(consent: DomesticVrpConsent): void {
    this.consents.set(consent.id, { ...consent });
  }

  async insert(consent: DomesticVrpConsent, idempotency: IdempotencyRecord): Promise<boolean> {
    await tick();
    const key = keyOf(idempotency.clientId, idempotency.operation, idempotency.keyHash);
    if (this.idempotency.has(key)) return false;
    this.idempotency.set(key, { ...idempotency });
    this.consents.set(consent.id, { ...consent });
    return true;
  }

  async find(clientId: string, operation: IdempotentOperation, keyHash: string): Promise<IdempotencyRecord | null> {
    await tick();
    return this.idempotency.get(keyOf(clientId, operation, keyHash)) ?? null;
  }

  async forgetIfOlderThan(record: IdempotencyRecord, cutoff: Date): Promise<void> {
    await tick();
    if (record.createdAt.getTime() < cutoff.getTime()) this.idempotency.delete(keyOf(record.clientId, record.operation, record.keyHash));
  }

  async findById(id: string): Promise<DomesticVrpConsent | null> {
    await tick();
    const consent = this.consents.get(id);
    return consent ? { ...consent } : null;
  }

  async findWithApp(id: string): Promise<{ consent: DomesticVrpConsent; app: AppStanding | null } | null> {
    const consent = await this.findById(id);
    return consent ? { consent, app: { status: 'active', version: 1 } } : null;
  }

  async findByGrantId(grantId: string): Promise<DomesticVrpConsent | null> {
    await tick();
    for (const consent of this.consents.values()) if (consent.grantId === grantId) return { ...consent };
    return null;
  }

  async authorise(consentId: string, authorisation: PaymentAuthorisation, at: Date): Promise<boolean> {
    await tick();
    const current = this.consents.get(consentId);
    if (current?.status !== ConsentStatus.AwaitingAuthorisation || current.deletedAt) return false;
    this.consents.set(consentId, {
      ...current,
      status: ConsentStatus.Authorised,
      customerId: authorisation.customerId,
      debtorAccountId: authorisation.debtorAccountId,
      debtor: { schemeName: 'UK.OBIE.SortCodeAccountNumber', identification: authorisation.debtorAccountId, name: 'Account holder' },
      grantId: authorisation.grantId,
      authorisedAt: at,
      statusUpdatedAt: at,
    });
    return true;
  }

  async transition(
    consentId: string,
    from: readonly ConsentStatus[],
    to: ConsentStatus,
    at: Date,
    reason?: StatusReason,
    events: readonly EventDraft[] = [],
    notices: readonly CustomerNotice[] = [],
  ): Promise<boolean> {
    await tick();
    const current = this.consents.get(consentId);
    if (!current || !from.includes(current.status)) return false;
    this.consents.set(consentId, { ...current, status: to, statusReason: reason ?? null, statusUpdatedAt: at });
    this.events.push(...events);
    this.notices.push(...notices);
    return true;
  }

  async markDeleted(consentId: string, at: Date): Promise<boolean> {
    await tick();
    const current = this.consents.get(consentId);
    if (!current || current.deletedAt) return false;
    const live = current.status === ConsentStatus.AwaitingAuthorisation || current.status === ConsentStatus.Authorised;
    this.consents.set(consentId, {
      ...current,
      deletedAt: at,
      ...(live ? { status: ConsentStatus.Revoked, statusReason: null, statusUpdatedAt: at } : {}),
    });
    return true;
  }

  async listDueForExpiry(now: Date, limit: number): Promise<DomesticVrpConsent[]> {
    await tick();
    return [...this.consents.values()]
      .filter((consent) => (consent.status === 'AWAU' || consent.status === 'AUTH') && consent.validTo && consent.validTo <= now)
      .sort((a, b) => (a.validTo?.getTime() ?? 0) - (b.validTo?.getTime() ?? 0))
      .slice(0, limit)
      .map((consent) => ({ ...consent }));
  }

  async cancelAllOfClient(clientId: string, at: Date, reason: StatusReason): Promise<string[]> {
    await tick();
    const grantIds: string[] = [];
    for (const consent of this.consents.values()) {
      if (consent.clientId !== clientId || (consent.status !== 'AWAU' && consent.status !== 'AUTH')) continue;
      this.consents.set(consent.id, { ...consent, status: ConsentStatus.Revoked, statusReason: reason, statusUpdatedAt: at });
      if (consent.grantId) grantIds.push(consent.grantId);
    }
    return grantIds;
  }
}

function keyOf(clientId: string, operation: string, keyHash: string): string {
  return `${clientId}\n${operation}\n${keyHash}`;
}

function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
