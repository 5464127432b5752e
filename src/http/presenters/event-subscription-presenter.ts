import type { EventSubscription } from '../../domain/events/event-subscriptions.js';

/** `OBEventSubscriptionResponse1.Data` of a subscription: what the partner asked for, as kept. */
function subscriptionData(subscription: EventSubscription) {
  return {
    EventSubscriptionId: subscription.id,
    ...(subscription.callbackUrl ? { CallbackUrl: subscription.callbackUrl } : {}),
    Version: subscription.version,
    ...(subscription.eventTypes ? { EventTypes: [...subscription.eventTypes] } : {}),
  };
}

/** `OBEventSubscriptionResponse1`. */
export function presentEventSubscription(subscription: EventSubscription, self: string) {
  return { Data: subscriptionData(subscription), Links: { Self: self }, Meta: {} };
}

/** `OBEventSubscriptionsResponse1`: the app's subscriptions (none or one). */
export function presentEventSubscriptions(subscriptions: readonly EventSubscription[], self: string) {
  return { Data: { EventSubscription: subscriptions.map(subscriptionData) }, Links: { Self: self }, Meta: {} };
}
