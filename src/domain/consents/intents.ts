import type { PaymentConsentStore } from '../payments/payment-consent.js';
import { assertPaymentConsentAuthorisable, findPaymentConsentBackingGrant } from '../payments/payment-consents.js';
import type { ConsentStore } from './account-access-consent.js';
import { assertConsentAuthorisable, findConsentBackingGrant } from './account-access-consents.js';
import { ConsentStatus } from './consent-status.js';

/** What the authorization server needs to know about any kind of consent (an Open Banking intent). */
export interface BoundIntent {
  readonly id: string;
  readonly customerId: string | null;
  readonly grantId: string | null;
  /** When tokens stop (refresh tokens live until then); null for none. */
  readonly expiresAt: Date | null;
}

/** The consents of every kind, seen by the authorization server through one interface. */
export interface Intents {
  /** @throws a DomainError when the client may not send a customer to authorise this consent. */
  assertAuthorisable(clientId: string, consentId: string, now: Date): Promise<void>;
  /** The consent a grant backs, while tokens may still be issued from it. */
  findBackingGrant(grantId: string, now: Date): Promise<BoundIntent | null>;
  /** Whether the consent was authorised with this very grant. */
  isAuthorisedWithGrant(consentId: string, grantId: string): Promise<boolean>;
}

/** Payment consent ids start with `pmc_`; every other id is looked up as an account-access consent. */
export function isPaymentConsentId(consentId: string): boolean {
  return consentId.startsWith('pmc_');
}

/** Account-access and domestic payment consents behind the {@link Intents} interface, told apart by their id. */
export function intents(accountAccess: ConsentStore, payments: PaymentConsentStore): Intents {
  return {
    async assertAuthorisable(clientId, consentId, now) {
      if (isPaymentConsentId(consentId)) await assertPaymentConsentAuthorisable(payments, clientId, consentId, now);
      else await assertConsentAuthorisable(accountAccess, clientId, consentId, now);
    },
    async findBackingGrant(grantId, now) {
      const consent = (await findConsentBackingGrant(accountAccess, grantId, now)) ?? (await findPaymentConsentBackingGrant(payments, grantId));
      if (!consent) return null;
      return {
        id: consent.id,
        customerId: consent.customerId,
        grantId: consent.grantId,
        expiresAt: 'expiresAt' in consent ? consent.expiresAt : null,
      };
    },
    async isAuthorisedWithGrant(consentId, grantId) {
      const consent = isPaymentConsentId(consentId) ? await payments.findById(consentId) : await accountAccess.findById(consentId);
      return consent?.status === ConsentStatus.Authorised && consent.grantId === grantId;
    },
  };
}
