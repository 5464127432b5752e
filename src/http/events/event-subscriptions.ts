import {
  changeEventSubscription,
  createEventSubscription,
  deleteEventSubscription,
  listEventSubscriptions,
} from '../../domain/events/event-subscriptions.js';
import { selfLink } from '../links.js';
import { pathParameter } from '../path-parameter.js';
import { presentEventSubscription, presentEventSubscriptions } from '../presenters/event-subscription-presenter.js';
import { clientOf, validatedBodyOf } from '../request-state.js';
import type { RouteDeclaration } from '../route.js';
import { EVENT_SCOPES, type EventsServices } from './events-services.js';

/** `/event-subscriptions`: an app's one subscription to event notifications (client credentials, signed messages). */
export const eventSubscriptionRoutes: RouteDeclaration<EventsServices>[] = [
  {
    method: 'POST',
    path: '/event-subscriptions',
    operationId: 'CreateEventSubscriptions',
    token: 'client-credentials',
    scope: EVENT_SCOPES,
    signedRequest: true,
    requestSchema: 'OBEventSubscription1',
    responseSchema: 'OBEventSubscriptionResponse1',
    async handler(ctx, services) {
      const body = validatedBodyOf(ctx, 'OBEventSubscription1');
      const subscription = await createEventSubscription(services.subscriptions, services.callbackUrls, clientOf(ctx), body.Data, new Date());
      ctx.status = 201;
      ctx.body = presentEventSubscription(subscription, `${selfLink(ctx, services.issuer)}/${subscription.id}`);
    },
  },
  {
    method: 'GET',
    path: '/event-subscriptions',
    operationId: 'GetEventSubscriptions',
    token: 'client-credentials',
    scope: EVENT_SCOPES,
    responseSchema: 'OBEventSubscriptionsResponse1',
    async handler(ctx, services) {
      ctx.body = presentEventSubscriptions(await listEventSubscriptions(services.subscriptions, clientOf(ctx)), selfLink(ctx, services.issuer));
    },
  },
  {
    method: 'PUT',
    path: '/event-subscriptions/:EventSubscriptionId',
    operationId: 'ChangeEventSubscriptionsEventSubscriptionId',
    token: 'client-credentials',
    scope: EVENT_SCOPES,
    signedRequest: true,
    requestSchema: 'OBEventSubscriptionResponse1',
    responseSchema: 'OBEventSubscriptionResponse1',
    async handler(ctx, services) {
      const body = validatedBodyOf(ctx, 'OBEventSubscriptionResponse1');
      const id = pathParameter(ctx, 'EventSubscriptionId');
      const subscription = await changeEventSubscription(services.subscriptions, services.callbackUrls, clientOf(ctx), id, body.Data, new Date());
      ctx.body = presentEventSubscription(subscription, selfLink(ctx, services.issuer));
    },
  },
  {
    method: 'DELETE',
    path: '/event-subscriptions/:EventSubscriptionId',
    operationId: 'DeleteEventSubscriptionsEventSubscriptionId',
    token: 'client-credentials',
    scope: EVENT_SCOPES,
    async handler(ctx, services) {
      await deleteEventSubscription(services.subscriptions, clientOf(ctx), pathParameter(ctx, 'EventSubscriptionId'));
      ctx.status = 204;
    },
  },
];
