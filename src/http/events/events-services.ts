import type { LongPollPolicy, EventPollingStore } from '../../domain/events/event-polling.js';
import type { CallbackUrlPolicy, EventSubscriptionStore } from '../../domain/events/event-subscriptions.js';

/** What the event endpoints call: subscriptions, polling over the outbox, and the issuer for links. */
export interface EventsServices {
  readonly issuer: string;
  readonly subscriptions: EventSubscriptionStore;
  readonly callbackUrls: CallbackUrlPolicy;
  readonly polling: EventPollingStore;
  readonly longPoll: LongPollPolicy;
}

/** Any of these scopes lets an app manage its subscription, poll and open its live stream (Event Notification Subscription API profile). */
export const EVENT_SCOPES: readonly string[] = ['accounts', 'payments', 'fundsconfirmations'];
