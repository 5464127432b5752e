import { EventType } from './event-types.js';

/** The kinds of resource an event is about, as the SET's `http://openbanking.org.uk/rty` names them. */
export type EventResourceType =
  | 'account-access-consent'
  | 'domestic-payment-consent'
  | 'domestic-vrp-consent'
  | 'international-payment-consent'
  | 'domestic-payment'
  | 'domestic-scheduled-payment'
  | 'domestic-standing-order'
  | 'domestic-vrp'
  | 'international-payment'
  | 'funds-confirmation-consent';

/** Where each kind of resource lives below the API base path. */
const RESOURCE_PATHS: Readonly<Record<EventResourceType, string>> = {
  'account-access-consent': '/aisp/account-access-consents',
  'domestic-payment-consent': '/pisp/domestic-payment-consents',
  'domestic-vrp-consent': '/pisp/domestic-vrp-consents',
  'domestic-payment': '/pisp/domestic-payments',
  'domestic-scheduled-payment': '/pisp/domestic-scheduled-payments',
  'domestic-standing-order': '/pisp/domestic-standing-orders',
  'domestic-vrp': '/pisp/domestic-vrps',
  'funds-confirmation-consent': '/cbpii/funds-confirmation-consents',
  'international-payment-consent': '/pisp/international-payment-consents',
  'international-payment': '/pisp/international-payments',
};

/** The only version of the API this bank serves; `rlk` lists every version a resource is available in. */
const API_VERSION = 'v4.0';

/**
 * Something a partner must hear about, as the domain decides it: which app (`clientId`, the SET's `aud`), which
 * resource, and which events (one notification may carry several, e.g. `resource-update` with
 * `consent-authorization-revoked`). Written in the same transaction as the change it reports.
 */
export interface EventDraft {
  readonly clientId: string;
  readonly resource: { readonly type: EventResourceType; readonly id: string };
  readonly events: readonly EventType[];
  /** A reason code for the events that carry one (`account-access-consent-linked-account-update`). */
  readonly reason?: string;
  /** The `x-fapi-interaction-id` of the request that caused the change; null when no partner request did. */
  readonly interactionId: string | null;
  readonly occurredAt: Date;
}

/** The subject of an event: the resource it is about, with its links (`OBEventSubject1`). */
export interface EventSubject {
  readonly subject_type: 'http://openbanking.org.uk/rid_http://openbanking.org.uk/rty';
  readonly 'http://openbanking.org.uk/rid': string;
  readonly 'http://openbanking.org.uk/rty': EventResourceType;
  readonly 'http://openbanking.org.uk/rlk': readonly { readonly version: string; readonly link: string }[];
}

/** The claims of an event notification, a Security Event Token (RFC 8417, `OBEventNotification2`). */
export interface EventNotificationClaims {
  readonly iss: string;
  readonly iat: number;
  readonly jti: string;
  readonly aud: string;
  readonly sub: string;
  readonly txn: string;
  readonly toe: number;
  readonly events: Readonly<Record<string, { subject?: EventSubject; reason?: string }>>;
}

/** The URL of an event's resource at this bank (the SET's `sub`, and its `rlk` link). */
function resourceUrlOf(apiBaseUrl: string, resource: EventDraft['resource']): string {
  return `${apiBaseUrl}${RESOURCE_PATHS[resource.type]}/${encodeURIComponent(resource.id)}`;
}

/**
 * The claims of the notification for a draft. Every event names its subject (the data dictionary makes it optional
 * only on `consent-authorization-revoked` sent beside a `resource-update`; naming it always costs nothing and
 * spares the partner a lookup). `txn` is the causing request's interaction id, or the `jti` when none caused it.
 * @param apiBaseUrl the API's base URL, e.g. `https://bank.example/open-banking/v4.0`.
 */
export function eventNotificationClaims(
  draft: EventDraft,
  context: { readonly issuer: string; readonly apiBaseUrl: string; readonly jti: string; readonly issuedAt: Date },
): EventNotificationClaims {
  const link = resourceUrlOf(context.apiBaseUrl, draft.resource);
  const subject: EventSubject = {
    subject_type: 'http://openbanking.org.uk/rid_http://openbanking.org.uk/rty',
    'http://openbanking.org.uk/rid': draft.resource.id,
    'http://openbanking.org.uk/rty': draft.resource.type,
    'http://openbanking.org.uk/rlk': [{ version: API_VERSION, link }],
  };
  const events: Record<string, { subject?: EventSubject; reason?: string }> = {};
  for (const type of draft.events) {
    const reason = type === EventType.AccountAccessConsentLinkedAccountUpdate && draft.reason ? { reason: draft.reason } : {};
    events[type] = { subject, ...reason };
  }
  return {
    iss: context.issuer,
    iat: seconds(context.issuedAt),
    jti: context.jti,
    aud: draft.clientId,
    sub: link,
    txn: draft.interactionId ?? context.jti,
    toe: seconds(draft.occurredAt),
    events,
  };
}

function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
