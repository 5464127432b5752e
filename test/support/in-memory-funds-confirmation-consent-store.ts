import { ConsentStatus } from '../../src/domain/consents/consent-status.js';
import type { EventDraft } from '../../src/domain/events/event-notification.js';
import type { FundsConfirmationConsent, FundsConfirmationConsentStore } from '../../src/domain/funds-confirmations/funds-confirmation-consent.js';
import type { CustomerNotice } from '../../src/domain/mail/customer-notice.js';
import type { AppStanding } from '../../src/domain/partners/partner-app.js';
import type { StatusReason } from '../../src/domain/payments/risk-policy.js';

/**
 * A FundsConfirmationConsentStore in memory for domain tests, with the semantics of the TypeORM store: every status
 * change is a compare-and-set written with its events and notices. An authorised consent's account is in `currency`
 * (the TypeORM store reads it from the account).
 */
export class InMemoryFundsConfirmationConsentStore implements FundsConfirmationConsentStore {
  private readonly consents = new Map<string, FundsConfirmationConsent>();
  /** The events written with successful status changes, in order. */
  readonly events: EventDraft[] = [];
  /** The customer notices written with successful status changes, in order. */
  readonly notices: CustomerNotice[] = [];

  constructor(private readonly currency = 'GBP') {}

  /** Test setup: a consent as it stands. */
  put(consent: FundsConfirmationConsent): void {
    this.consents.set(consent.id, { ...consent });
  }

  async insert(consent: FundsConfirmationConsent): Promise<void> {
    await tick();
    this.consents.set(consent.id, { ...consent });
  }

  async findById(id: string): Promise<FundsConfirmationConsent | null> {
    await tick();
    const consent = this.consents.get(id);
    return consent ? { ...consent } : null;
  }

  async findWithApp(id: string): Promise<{ consent: FundsConfirmationConsent; app: AppStanding | null } | null> {
    const consent = await this.findById(id);
    return consent ? { consent, app: { status: 'active', version: 1 } } : null;
  }

  async findByGrantId(grantId: string): Promise<FundsConfirmationConsent | null> {
    await tick();
    for (const consent of this.consents.values()) if (consent.grantId === grantId) return { ...consent };
    return null;
  }

  async authorise(consentId: string, authorisation: { customerId: string; accountId: string; grantId: string }, at: Date): Promise<boolean> {
    await tick();
    const current = this.consents.get(consentId);
    if (current?.status !== ConsentStatus.AwaitingAuthorisation) return false;
    this.consents.set(consentId, {
      ...current,
      status: ConsentStatus.Authorised,
      customerId: authorisation.customerId,
      account: { id: authorisation.accountId, currency: this.currency },
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

  async listDueForExpiry(now: Date, limit: number): Promise<FundsConfirmationConsent[]> {
    await tick();
    return [...this.consents.values()]
      .filter((consent) => (consent.status === 'AWAU' || consent.status === 'AUTH') && consent.expiresAt && consent.expiresAt <= now)
      .sort((a, b) => (a.expiresAt?.getTime() ?? 0) - (b.expiresAt?.getTime() ?? 0))
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

function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
