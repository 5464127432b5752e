import { PushState } from './event-outbox.js';
import { retryDelayMs, type PushRetryPolicy } from './push-retry-policy.js';

/** What one push of an event to a partner's callback URL came to. */
export interface PushAttempt {
  readonly attemptedAt: Date;
  readonly callbackUrl: string;
  /** The partner's HTTP status; null when no answer came (refused address, connection error, timeout). */
  readonly httpStatus: number | null;
  /** Why no answer came; null when one did. */
  readonly error: string | null;
  readonly latencyMs: number;
}

/** Where an event's push stands after an attempt. */
export type PushDecision =
  | { readonly state: typeof PushState.Delivered }
  | { readonly state: typeof PushState.Pending; readonly nextPushAt: Date }
  | { readonly state: typeof PushState.Failed };

/** The status by which a partner acknowledges a notification (Real-time Event Notification API profile). */
export const PUSH_ACKNOWLEDGED_STATUS = 202;

/**
 * Whether the partner acknowledged the notification. Only 202 does: the profile says the TPP answers 202 and that
 * anything else is unacknowledged, so a 200, 201 or 204 is retried like a 500 (a receiver that answers 200 has not
 * implemented the profile, and may not have kept the event).
 */
export function isAcknowledged(attempt: Pick<PushAttempt, 'httpStatus'>): boolean {
  return attempt.httpStatus === PUSH_ACKNOWLEDGED_STATUS;
}

/**
 * The one place that decides what follows a push attempt: acknowledged → `delivered`; otherwise (another status,
 * a timeout, a connection error, a refused address) → `pending` again after the policy's backoff, or `failed` once
 * `attemptNumber` reaches the policy's maximum.
 * @param attemptNumber this attempt's number, 1 for the first.
 */
export function decideAfterPush(
  policy: PushRetryPolicy,
  attemptNumber: number,
  attempt: Pick<PushAttempt, 'httpStatus'>,
  now: Date,
  random: () => number = Math.random,
): PushDecision {
  if (isAcknowledged(attempt)) return { state: PushState.Delivered };
  if (attemptNumber >= policy.maxAttempts) return { state: PushState.Failed };
  return { state: PushState.Pending, nextPushAt: new Date(now.getTime() + retryDelayMs(policy, attemptNumber, random)) };
}
