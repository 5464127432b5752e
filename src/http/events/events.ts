import { pollEvents } from '../../domain/events/event-polling.js';
import { clientOf, validatedBodyOf } from '../request-state.js';
import type { RouteDeclaration } from '../route.js';
import { EVENT_SCOPES, type EventsServices } from './events-services.js';

/** `POST /events`: aggregated polling (RFC 8936) — acknowledge, report errors, fetch the app's unacknowledged events. */
export const eventPollingRoutes: RouteDeclaration<EventsServices>[] = [
  {
    method: 'POST',
    path: '/events',
    operationId: 'CreateEvents',
    token: 'client-credentials',
    scope: EVENT_SCOPES,
    requestSchema: 'OBEventPolling1',
    responseSchema: 'OBEventPollingResponse1',
    async handler(ctx, services) {
      const body = validatedBodyOf(ctx, 'OBEventPolling1');
      ctx.body = await pollEvents(services.polling, services.longPoll, clientOf(ctx), body, () => new Date());
    },
  },
];
