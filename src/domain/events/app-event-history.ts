import { ActionNotAllowed } from '../errors.js';
import type { PushState } from './event-outbox.js';
import type { EventSubscriptionStore } from './event-subscriptions.js';

/** One attempt to push an event to the app's callback URL: when, where, what came back, how long it took. */
export interface DeliveryAttempt {
  readonly attempt: number;
  readonly attemptedAt: Date;
  readonly callbackUrl: string;
  /** The HTTP status the callback answered; null when it gave none (see `error`). */
  readonly httpStatus: number | null;
  /** Why there was no answer, or what was wrong with it. */
  readonly error: string | null;
  readonly latencyMs: number;
}

/** One event of an app as its developers see it in the portal: what it reports and how it reached (or not) the app. */
export interface AppEvent {
  readonly sequence: number;
  readonly jti: string;
  /** The `UK.OBIE.*` codes of the events it carries. */
  readonly eventTypes: readonly string[];
  readonly resource: { readonly type: string; readonly id: string };
  readonly createdAt: Date;
  readonly pushState: PushState;
  readonly pushAttempts: number;
  readonly nextPushAt: Date | null;
  readonly acknowledgedAt: Date | null;
  /** The app's negative acknowledgement by polling (`err: description`). */
  readonly pollError: string | null;
  /** Every push attempt, oldest first. */
  readonly attempts: readonly DeliveryAttempt[];
}

/** What asking for a failed event to be pushed again did. */
export type RequeueOutcome = 'requeued' | 'not-failed' | 'unknown';

/** The read model of an app's events in the outbox, with the one change the portal makes to them. */
export interface AppEventHistory {
  /** The app's newest events, newest first, with their push attempts. */
  listRecent(clientId: string, limit: number): Promise<AppEvent[]>;
  /**
   * Makes the app's event `jti` due for a push now, claim cleared, if its push failed (one conditional write; the
   * attempts already made keep their numbers).
   */
  requeueFailed(clientId: string, jti: string, now: Date): Promise<RequeueOutcome>;
}

/** How many of an app's events the portal shows. */
export const APP_EVENTS_SHOWN = 20;

/** The app's newest events, newest first. */
export function listRecentEventsOfApp(history: AppEventHistory, clientId: string): Promise<AppEvent[]> {
  return history.listRecent(clientId, APP_EVENTS_SHOWN);
}

/**
 * "Resend": the app's event whose push failed is pushed once more, now; if that attempt fails too, the event is failed again.
 * @throws ActionNotAllowed when the app has no callback URL to push to, or the event is not one of the app's failed
 *   events.
 */
export async function resendFailedEvent(
  history: AppEventHistory,
  subscriptions: EventSubscriptionStore,
  clientId: string,
  jti: string,
  now: Date,
): Promise<void> {
  const subscription = await subscriptions.findByClient(clientId);
  if (!subscription?.callbackUrl) {
    throw new ActionNotAllowed('This app has no callback URL to push to: set one in its event subscription, then resend the event.');
  }
  const outcome = await history.requeueFailed(clientId, jti, now);
  if (outcome === 'unknown') throw new ActionNotAllowed(`This app has no event ${jti}.`);
  if (outcome === 'not-failed') throw new ActionNotAllowed('Only an event whose push failed can be sent again, and this one has not failed.');
}
