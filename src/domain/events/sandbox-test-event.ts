import { ActionNotAllowed } from '../errors.js';
import type { EventDraft, EventResourceType } from './event-notification.js';
import { subscribesTo, type EventSubscriptionStore } from './event-subscriptions.js';
import { EventType, subscriptionCodeOf } from './event-types.js';

/** Where a sandbox test event is written and what it is about. */
export interface TestEventStore {
  /** The app's most recently created consent, of any kind, as an event names it; null when it has none. */
  findNewestConsent(clientId: string): Promise<{ readonly type: EventResourceType; readonly id: string } | null>;
  /** Writes the events into the outbox, in one transaction, like the events of any change. */
  append(drafts: readonly EventDraft[], now: Date): Promise<void>;
}

/**
 * "Send a test event" (sandbox): a real, signed `resource-update` about the app's most recent consent, which goes to
 * push, polling and the stream like any event.
 * @returns the resource the event names.
 * @throws ActionNotAllowed when the app has no consent yet, or its subscription leaves out `resource-update`.
 */
export async function sendTestEvent(
  store: TestEventStore,
  subscriptions: EventSubscriptionStore,
  clientId: string,
  now: Date,
): Promise<{ readonly type: EventResourceType; readonly id: string }> {
  const resource = await store.findNewestConsent(clientId);
  if (!resource) {
    throw new ActionNotAllowed("This app has no consent yet, and a test event is about the app's most recent consent: create a consent first.");
  }
  const code = subscriptionCodeOf(EventType.ResourceUpdate);
  if (!subscribesTo(await subscriptions.findByClient(clientId), code)) {
    throw new ActionNotAllowed(`A test event is a ${code} event, and this app's event subscription leaves that type out: add it first.`);
  }
  const draft: EventDraft = { clientId, resource, events: [EventType.ResourceUpdate], interactionId: null, occurredAt: now };
  await store.append([draft], now);
  return resource;
}
