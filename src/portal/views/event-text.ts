import type { AppEvent, DeliveryAttempt } from '../../domain/events/app-event-history.js';
import { formatDateTime } from '../../web/formats.js';

/** What each event type means, in a developer's plain words. */
const EVENT_TYPE_WORDS: Readonly<Record<string, string>> = {
  'UK.OBIE.Resource-Update': 'Resource changed',
  'UK.OBIE.Consent-Authorization-Revoked': 'Consent revoked by the customer',
  'UK.OBIE.Account-Access-Consent-Linked-Account-Update': 'An account is no longer shared',
  'UK.OBIE.Consent-Access-Revoked': 'Access revoked',
};

/** What each kind of resource is called. */
const RESOURCE_WORDS: Readonly<Record<string, string>> = {
  'account-access-consent': 'Account-access consent',
  'domestic-payment-consent': 'Payment consent',
  'domestic-payment': 'Payment',
  'funds-confirmation-consent': 'Funds confirmation consent',
};

/** An event type code in plain words (the code itself for one without words of ours). */
export function describeEventType(code: string): string {
  return EVENT_TYPE_WORDS[code] ?? code;
}

/** A kind of resource in plain words. */
export function describeResourceType(type: string): string {
  return RESOURCE_WORDS[type] ?? type;
}

/** Where an event's delivery stands, in one plain sentence. */
export function describeDelivery(event: AppEvent): string {
  switch (event.pushState) {
    case 'delivered':
      return 'Delivered to your callback URL.';
    case 'failed':
      return 'Not delivered: every retry failed. Polling and the stream still offer it; Resend pushes it again.';
    case 'pending':
      return event.pushAttempts === 0 || !event.nextPushAt
        ? 'Waiting to be pushed to your callback URL.'
        : `Not delivered yet: trying again at ${formatDateTime(event.nextPushAt)}.`;
    case 'none':
      if (event.acknowledgedAt) return `Collected by polling (acknowledged ${formatDateTime(event.acknowledgedAt)}).`;
      if (event.pollError) return `Waiting for polling or the stream; your last poll reported a problem: ${event.pollError}`;
      return 'Waiting for polling or the stream (no callback URL to push to when it was raised).';
  }
}

/** What one push attempt got back: the HTTP status, or why there was none. */
export function describeAttempt(attempt: DeliveryAttempt): string {
  if (attempt.httpStatus === null) return `No answer: ${attempt.error ?? 'the connection failed'}`;
  const verdict = attempt.httpStatus >= 200 && attempt.httpStatus < 300 ? 'accepted' : 'refused';
  return `HTTP ${attempt.httpStatus}, ${verdict}${attempt.error ? `: ${attempt.error}` : ''}`;
}
