import type { AccountAccessConsent } from '../consents/account-access-consent.js';
import type { FundsConfirmationConsent } from '../funds-confirmations/funds-confirmation-consent.js';
import type { DomesticVrpConsent } from '../payments/vrp/vrp-consent.js';
import type { EventDraft, EventResourceType } from './event-notification.js';
import { EventType } from './event-types.js';

/** The customer withdrew the consent at the bank: `consent-authorization-revoked` (Event Notification API profile). */
export function consentRevokedEvents(consent: AccountAccessConsent, now: Date): EventDraft[] {
  return [draft(consent, 'account-access-consent', [EventType.ConsentAuthorizationRevoked], now)];
}

/** The customer stopped sharing one account of the consent: `account-access-consent-linked-account-update`. */
export function linkedAccountRemovedEvents(consent: AccountAccessConsent, now: Date): EventDraft[] {
  return [draft(consent, 'account-access-consent', [EventType.AccountAccessConsentLinkedAccountUpdate], now)];
}

/** The consent reached its expiry and is now `EXPD`: `resource-update`. */
export function consentExpiredEvents(consent: AccountAccessConsent, now: Date): EventDraft[] {
  return [draft(consent, 'account-access-consent', [EventType.ResourceUpdate], now)];
}

/** The customer cancelled a VRP mandate at the bank: `consent-authorization-revoked`, as for account access. */
export function vrpConsentRevokedEvents(consent: DomesticVrpConsent, now: Date): EventDraft[] {
  return [draft(consent, 'domestic-vrp-consent', [EventType.ConsentAuthorizationRevoked], now)];
}

/** A VRP mandate passed its `ValidToDateTime` and is now `EXPD`: `resource-update`. */
export function vrpConsentExpiredEvents(consent: DomesticVrpConsent, now: Date): EventDraft[] {
  return [draft(consent, 'domestic-vrp-consent', [EventType.ResourceUpdate], now)];
}

/**
 * The customer revoked a funds confirmation consent at the bank: `resource-update` with `consent-authorization-revoked`
 * (Event Notification API profile: a CBPII consent revoked at the ASPSP).
 */
export function fundsConfirmationConsentRevokedEvents(consent: FundsConfirmationConsent, now: Date): EventDraft[] {
  return [draft(consent, 'funds-confirmation-consent', [EventType.ResourceUpdate, EventType.ConsentAuthorizationRevoked], now)];
}

/** A funds confirmation consent reached its `ExpirationDateTime` and is now `EXPD`: `resource-update`. */
export function fundsConfirmationConsentExpiredEvents(consent: FundsConfirmationConsent, now: Date): EventDraft[] {
  return [draft(consent, 'funds-confirmation-consent', [EventType.ResourceUpdate], now)];
}

function draft(consent: { clientId: string; id: string }, type: EventResourceType, events: EventDraft['events'], now: Date): EventDraft {
  return { clientId: consent.clientId, resource: { type, id: consent.id }, events, interactionId: null, occurredAt: now };
}
