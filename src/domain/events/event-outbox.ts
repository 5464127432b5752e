import type { EventNotificationClaims } from './event-notification.js';

/**
 * Validates an event notification's claims and signs them: the compact JWS the partner receives. Refuses claims the
 * data dictionary would refuse, so a malformed event is never stored, let alone sent.
 */
export type SealEvent = (claims: EventNotificationClaims) => Promise<string>;

/** Where a stored event's push stands. */
export const PushState = {
  /** The app has no callback URL: the event waits for polling or the stream. */
  None: 'none',
  Pending: 'pending',
  Delivered: 'delivered',
  /** The retry policy ran out; polling, the stream and "Resend" still offer it. */
  Failed: 'failed',
} as const;

export type PushState = (typeof PushState)[keyof typeof PushState];
