import type { AccountAccessConsent } from '../consents/account-access-consent.js';
import type { EventDraft } from './event-notification.js';
import { EventType } from './event-types.js';

/** The customer withdrew the consent at the bank: `consent-authorization-revoked` (Event Notification API profile). */
export function consentRevokedEvents(consent: AccountAccessConsent, now: Date): EventDraft[] {
  return [draft(consent, [EventType.ConsentAuthorizationRevoked], now)];
}

/** The customer stopped sharing one account of the consent: `account-access-consent-linked-account-update`. */
export function linkedAccountRemovedEvents(consent: AccountAccessConsent, now: Date): EventDraft[] {
  return [draft(consent, [EventType.AccountAccessConsentLinkedAccountUpdate], now)];
}

/** The consent reached its expiry and is now `EXPD`: `resource-update`. */
export function consentExpiredEvents(consent: AccountAccessConsent, now: Date): EventDraft[] {
  return [draft(consent, [EventType.ResourceUpdate], now)];
}

function draft(consent: AccountAccessConsent, events: EventDraft['events'], now: Date): EventDraft {
  return { clientId: consent.clientId, resource: { type: 'account-access-consent', id: consent.id }, events, interactionId: null, occurredAt: now };
}
