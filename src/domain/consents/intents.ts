import type { PaymentConsentStore } from '../payments/payment-consent.js';
import { assertPaymentConsentAuthorisable, findPaymentConsentBackingGrant } from '../payments/payment-consents.js';
import type { VrpConsentStore } from '../payments/vrp/vrp-consent.js';
import { assertVrpConsentAuthorisable, findVrpConsentBackingGrant } from '../payments/vrp/vrp-consents.js';
import type { ConsentStore } from './account-access-consent.js';
import { assertConsentAuthorisable, findConsentBackingGrant } from './account-access-consents.js';
import { ConsentStatus } from './consent-status.js';

/** The kinds of consent (Open Banking intent) a customer authorises at the authorization server. */
export type IntentKind = 'account-access' | 'domestic-payment' | 'domestic-vrp';

/** What the authorization server needs to know about any kind of consent (an Open Banking intent). */
export interface BoundIntent {
  readonly id: string;
  readonly kind: IntentKind;
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

/** Payment consent ids start with `pmc_`, scheduled payment consent ids `psc_`, standing order consent ids `soc_` (all single-use). */
export function isPaymentConsentId(consentId: string): boolean {
  return ['pmc_', 'psc_', 'soc_'].some((prefix) => consentId.startsWith(prefix));
}

/** VRP consent ids start with `vrc_`. */
export function isVrpConsentId(consentId: string): boolean {
  return consentId.startsWith('vrc_');
}

/** The kind of consent an id names, by its prefix; every id that is not a payment's is looked up as account access. */
export function intentKindOf(consentId: string): IntentKind {
  if (isPaymentConsentId(consentId)) return 'domestic-payment';
  if (isVrpConsentId(consentId)) return 'domestic-vrp';
  return 'account-access';
}

/** Account-access, domestic payment and domestic VRP consents behind the {@link Intents} interface, told apart by their id. */
export function intents(accountAccess: ConsentStore, payments: PaymentConsentStore, vrp: VrpConsentStore): Intents {
  return {
    async assertAuthorisable(clientId, consentId, now) {
      const kind = intentKindOf(consentId);
      if (kind === 'domestic-payment') await assertPaymentConsentAuthorisable(payments, clientId, consentId, now);
      else if (kind === 'domestic-vrp') await assertVrpConsentAuthorisable(vrp, clientId, consentId, now);
      else await assertConsentAuthorisable(accountAccess, clientId, consentId, now);
    },
    async findBackingGrant(grantId, now) {
      const access = await findConsentBackingGrant(accountAccess, grantId, now);
      if (access)
        return { id: access.id, kind: 'account-access', customerId: access.customerId, grantId: access.grantId, expiresAt: access.expiresAt };
      const payment = await findPaymentConsentBackingGrant(payments, grantId);
      if (payment) return { id: payment.id, kind: 'domestic-payment', customerId: payment.customerId, grantId: payment.grantId, expiresAt: null };
      const mandate = await findVrpConsentBackingGrant(vrp, grantId, now);
      if (mandate)
        return { id: mandate.id, kind: 'domestic-vrp', customerId: mandate.customerId, grantId: mandate.grantId, expiresAt: mandate.validTo };
      return null;
    },
    async isAuthorisedWithGrant(consentId, grantId) {
      const kind = intentKindOf(consentId);
      const consent =
        kind === 'domestic-payment'
          ? await payments.findById(consentId)
          : kind === 'domestic-vrp'
            ? await vrp.findById(consentId)
            : await accountAccess.findById(consentId);
      return consent?.status === ConsentStatus.Authorised && consent.grantId === grantId;
    },
  };
}
