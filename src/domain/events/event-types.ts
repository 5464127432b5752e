/**
 * The event notifications the bank sends (UK Open Banking Event Notification API v4.0, data dictionary
 * `OBEventNotification2`): each is named by a URN in the SET's `events` claim, and a partner subscribes to it by
 * its `UK.OBIE.*` code (`OBEventType1Code`).
 */
export const EventType = {
  ResourceUpdate: 'urn:uk:org:openbanking:events:resource-update',
  ConsentAuthorizationRevoked: 'urn:uk:org:openbanking:events:consent-authorization-revoked',
  AccountAccessConsentLinkedAccountUpdate: 'urn:uk:org:openbanking:events:account-access-consent-linked-account-update',
} as const;

export type EventType = (typeof EventType)[keyof typeof EventType];

/**
 * The codes a subscription may list in `EventTypes`. `UK.OBIE.Consent-Access-Revoked` is a valid code that this bank
 * never sends (no access is revoked while its consent stays authorised); subscribing to it is accepted.
 */
export const SUBSCRIBABLE_EVENT_TYPES: Readonly<Record<string, EventType | null>> = {
  'UK.OBIE.Resource-Update': EventType.ResourceUpdate,
  'UK.OBIE.Consent-Authorization-Revoked': EventType.ConsentAuthorizationRevoked,
  'UK.OBIE.Account-Access-Consent-Linked-Account-Update': EventType.AccountAccessConsentLinkedAccountUpdate,
  'UK.OBIE.Consent-Access-Revoked': null,
};

/** The subscription code of an event type (`urn:…:resource-update` → `UK.OBIE.Resource-Update`). */
export function subscriptionCodeOf(type: EventType): string {
  const code = Object.entries(SUBSCRIBABLE_EVENT_TYPES).find(([, urn]) => urn === type)?.[0];
  if (!code) throw new Error(`no subscription code for ${type}`);
  return code;
}
