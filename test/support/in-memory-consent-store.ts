import type { EventDraft } from '../../src/domain/events/event-notification.js';
import type { AccountAccessConsent, ConsentAuthorisation, ConsentStore } from '../../src/domain/consents/account-access-consent.js';
import { ConsentStatus } from '../../src/domain/consents/consent-status.js';
import type { AppStanding } from '../../src/domain/partners/partner-app.js';
import type { CustomerNotice } from '../../src/domain/mail/customer-notice.js';

/**
 * A ConsentStore in memory for domain tests, with the semantics of the TypeORM store: every status change is
 * a compare-and-set (nothing is written unless the consent is in one of `from`), `authorise` records the
 * customer, grant and accounts together, and a transition without a reason clears the previous one.
 * Each method yields to the event loop before it reads, so concurrent callers really interleave; the
 * compare and the set themselves happen in one synchronous step, as in one SQL `UPDATE … WHERE status IN`.
 */
export class InMemoryConsentStore implements ConsentStore {
  private readonly consents = new Map<string, AccountAccessConsent>();
  private readonly accounts = new Map<string, string[]>();
  /** Every successful status change, in order (for assertions). */
  readonly writes: Array<{ consentId: string; from: ConsentStatus; to: ConsentStatus }> = [];
  /** The events written with those changes, in order. */
  readonly events: EventDraft[] = [];
  /** The customer notices written with successful status changes, in order (for assertions). */
  readonly notices: CustomerNotice[] = [];

  async insert(consent: AccountAccessConsent): Promise<void> {
    await tick();
    if (this.consents.has(consent.id)) throw new Error(`duplicate consent id ${consent.id}`);
    this.consents.set(consent.id, copy(consent));
  }

  async findById(id: string): Promise<AccountAccessConsent | null> {
    await tick();
    const consent = this.consents.get(id);
    return consent ? copy(consent) : null;
  }

  async findByGrantId(grantId: string): Promise<AccountAccessConsent | null> {
    await tick();
    for (const consent of this.consents.values()) if (consent.grantId === grantId) return copy(consent);
    return null;
  }

  /** The accounts a consent shares (test assertions). */
  async listAccountIds(consentId: string): Promise<string[]> {
    await tick();
    return [...(this.accounts.get(consentId) ?? [])].sort();
  }

  /** Every consent's app is active here (the app's standing is the partner store's business). */
  async findWithAccountIds(id: string): Promise<{ consent: AccountAccessConsent; accountIds: string[]; app: AppStanding | null } | null> {
    const consent = await this.findById(id);
    return consent ? { consent, accountIds: await this.listAccountIds(id), app: { status: 'active', version: 1 } } : null;
  }

  async authorise(consentId: string, authorisation: ConsentAuthorisation, at: Date): Promise<boolean> {
    await tick();
    const current = this.consents.get(consentId);
    const reauthorisable = current?.status === ConsentStatus.Revoked && current.customerId === authorisation.customerId;
    if (!current || (current.status !== ConsentStatus.AwaitingAuthorisation && !reauthorisable)) return false;
    this.consents.set(consentId, {
      ...current,
      status: ConsentStatus.Authorised,
      statusReason: null,
      customerId: authorisation.customerId,
      grantId: authorisation.grantId,
      authorisedAt: new Date(at),
      statusUpdatedAt: new Date(at),
    });
    this.accounts.set(consentId, [...authorisation.accountIds]);
    this.writes.push({ consentId, from: current.status, to: ConsentStatus.Authorised });
    return true;
  }

  async transition(
    consentId: string,
    from: readonly ConsentStatus[],
    to: ConsentStatus,
    at: Date,
    reason?: { code: string; description: string },
    events: readonly EventDraft[] = [],
    notices: readonly CustomerNotice[] = [],
  ): Promise<boolean> {
    await tick();
    const current = this.consents.get(consentId);
    if (!current || !from.includes(current.status)) return false;
    this.events.push(...events);
    this.notices.push(...notices);
    this.consents.set(consentId, {
      ...current,
      status: to,
      statusReason: reason ? { code: reason.code, description: reason.description } : null,
      statusUpdatedAt: new Date(at),
    });
    this.writes.push({ consentId, from: current.status, to });
    return true;
  }

  async removeSharedAccount(consentId: string, customerId: string, accountId: string, events: readonly EventDraft[]): Promise<boolean> {
    await tick();
    const current = this.consents.get(consentId);
    const shared = this.accounts.get(consentId) ?? [];
    if (current?.status !== ConsentStatus.Authorised || current.customerId !== customerId) return false;
    if (shared.length < 2 || !shared.includes(accountId)) return false;
    this.events.push(...events);
    this.accounts.set(
      consentId,
      shared.filter((id) => id !== accountId),
    );
    return true;
  }

  async listDueForExpiry(now: Date, limit: number): Promise<AccountAccessConsent[]> {
    return [...this.consents.values()]
      .filter((consent) => ['AWAU', 'AUTH'].includes(consent.status) && consent.expiresAt !== null && consent.expiresAt <= now)
      .sort((a, b) => (a.expiresAt?.getTime() ?? 0) - (b.expiresAt?.getTime() ?? 0))
      .slice(0, limit);
  }

  async cancelAllOfClient(clientId: string, at: Date, reason: { code: string; description: string }): Promise<string[]> {
    await tick();
    const grantIds: string[] = [];
    for (const consent of this.consents.values()) {
      if (consent.clientId !== clientId || (consent.status !== ConsentStatus.AwaitingAuthorisation && consent.status !== ConsentStatus.Authorised))
        continue;
      this.consents.set(consent.id, { ...consent, status: ConsentStatus.Revoked, statusReason: { ...reason }, statusUpdatedAt: new Date(at) });
      this.writes.push({ consentId: consent.id, from: consent.status, to: ConsentStatus.Revoked });
      if (consent.grantId) grantIds.push(consent.grantId);
    }
    return grantIds;
  }

  /** How many consents the store holds. */
  get size(): number {
    return this.consents.size;
  }

  /** Test setup: puts a consent in as it stands (any status), with the accounts it shares. */
  put(consent: AccountAccessConsent, accountIds: readonly string[] = []): void {
    this.consents.set(consent.id, copy(consent));
    this.accounts.set(consent.id, [...accountIds]);
  }
}

function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A deep-enough copy: callers must never be able to change what the store holds by mutating a result. */
function copy(consent: AccountAccessConsent): AccountAccessConsent {
  const date = (value: Date | null) => (value ? new Date(value) : null);
  return {
    ...consent,
    statusReason: consent.statusReason ? { ...consent.statusReason } : null,
    permissions: [...consent.permissions],
    expiresAt: date(consent.expiresAt),
    transactionFromAt: date(consent.transactionFromAt),
    transactionToAt: date(consent.transactionToAt),
    authorisedAt: date(consent.authorisedAt),
    createdAt: new Date(consent.createdAt),
    statusUpdatedAt: new Date(consent.statusUpdatedAt),
    request: { ...consent.request },
  };
}
