import type { FundsConfirmationConsentStore } from '../funds-confirmations/funds-confirmation-consent.js';
import {
  assertFundsConfirmationConsentAuthorisable,
  findFundsConfirmationConsentBackingGrant,
} from '../funds-confirmations/funds-confirmation-consents.js';
import type { PaymentConsentStore } from '../payments/payment-consent.js';
import { assertPaymentConsentAuthorisable, findPaymentConsentBackingGrant } from '../payments/payment-consents.js';
import type { VrpConsentStore } from '../payments/vrp/vrp-consent.js';
import { assertVrpConsentAuthorisable, findVrpConsentBackingGrant } from '../payments/vrp/vrp-consents.js';
import type { ConsentStore } from './account-access-consent.js';
import { assertConsentAuthorisable, findConsentBackingGrant } from './account-access-consents.js';
import { ConsentStatus } from './consent-status.js';

/** The kinds of consent (Open Banking intent) a customer authorises at the authorization server. */
export type IntentKind = 'account-access' | 'domestic-payment' | 'domestic-vrp' | 'funds-confirmation';

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

/** Funds confirmation (CBPII) consent ids start with `fcc_`. */
export function isFundsConfirmationConsentId(consentId: string): boolean {
  return consentId.startsWith('fcc_');
}

/** The kind of consent an id names, by its prefix; every id of no other kind is looked up as account access. */
export function intentKindOf(consentId: string): IntentKind {
  if (isPaymentConsentId(consentId)) return 'domestic-payment';
  if (isVrpConsentId(consentId)) return 'domestic-vrp';
  if (isFundsConfirmationConsentId(consentId)) return 'funds-confirmation';
  return 'account-access';
}

/** The consents of every kind, each in its own store. */
export interface IntentStores {
  readonly accountAccess: ConsentStore;
  readonly payments: PaymentConsentStore;
  readonly vrp: VrpConsentStore;
  readonly fundsConfirmation: FundsConfirmationConsentStore;
}

/** Consents of every kind behind the {@link Intents} interface, told apart by their id. */
export function intents({ accountAccess, payments, vrp, fundsConfirmation }: IntentStores): Intents {
  function findIntent(consentId: string): Promise<{ readonly status: ConsentStatus; readonly grantId: string | null } | null> {
    const kind = intentKindOf(consentId);
    if (kind === 'domestic-payment') return payments.findById(consentId);
    if (kind === 'domestic-vrp') return vrp.findById(consentId);
    if (kind === 'funds-confirmation') return fundsConfirmation.findById(consentId);
    return accountAccess.findById(consentId);
  }

  return {
    async assertAuthorisable(clientId, consentId, now) {
      const kind = intentKindOf(consentId);
      if (kind === 'domestic-payment') await assertPaymentConsentAuthorisable(payments, clientId, consentId, now);
      else if (kind === 'domestic-vrp') await assertVrpConsentAuthorisable(vrp, clientId, consentId, now);
      else if (kind === 'funds-confirmation') await assertFundsConfirmationConsentAuthorisable(fundsConfirmation, clientId, consentId, now);
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
      const funds = await findFundsConfirmationConsentBackingGrant(fundsConfirmation, grantId, now);
      if (funds)
        return { id: funds.id, kind: 'funds-confirmation', customerId: funds.customerId, grantId: funds.grantId, expiresAt: funds.expiresAt };
      return null;
    },
    async isAuthorisedWithGrant(consentId, grantId) {
      const consent = await findIntent(consentId);
      return consent?.status === ConsentStatus.Authorised && consent.grantId === grantId;
    },
  };
}
