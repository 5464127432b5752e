import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { resendFailedEvent, type AppEventHistory } from '../domain/events/app-event-history.js';
import { sendTestEvent, type TestEventStore } from '../domain/events/sandbox-test-event.js';
import {
  deleteEventSubscription,
  setEventSubscription,
  type CallbackUrlPolicy,
  type EventSubscriptionRequest,
  type EventSubscriptionStore,
} from '../domain/events/event-subscriptions.js';
import { DomainError } from '../domain/errors.js';
import { findAppOf } from '../domain/partners/app-changes.js';
import type { PartnerStore, PartnerApp } from '../domain/partners/partner-app.js';
import type { Logger } from '../logging/logger.js';
import type { FieldErrors } from '../web/form-fields.js';
import { formOf, pathParam, redirect, text } from '../web/forms.js';
import type { PartnerSessions, SignedIn } from './partner-session.js';
import type { SubscriptionFormValues } from './views/app-events-section.js';

/** What the portal's event pages need: the same stores and policy as the event API, the outbox read model, test events. */
export interface PortalEventServices {
  readonly subscriptions: EventSubscriptionStore;
  readonly callbackUrls: CallbackUrlPolicy;
  readonly history: AppEventHistory;
  /** Writes sandbox test events; null outside the sandbox (no "Send a test event"). */
  readonly testEvents: TestEventStore | null;
}

/** Shows the app's page again after a refused form: with the subscription form as sent, or with an error. */
export type ShowAppPage = (
  ctx: Context,
  signed: SignedIn,
  app: PartnerApp,
  extra: { error?: string; subscriptionForm?: { values: SubscriptionFormValues; errors: FieldErrors } },
) => Promise<void>;

/**
 * The event forms of an app's page: set, change or remove its event subscription (through the domain functions of
 * the event API, with their validation and words), resend a failed event, and in the sandbox send a test event.
 * Each first finds the app among the signed-in partner's, so no partner reaches another's subscription or events.
 */
export function addPartnerEventRoutes(
  router: Router,
  services: PortalEventServices,
  partners: PartnerStore,
  partnerSessions: PartnerSessions,
  forms: Middleware,
  showAppPage: ShowAppPage,
  logger: Logger,
): void {
  const { withPartner } = partnerSessions;
  const ownApp = (ctx: Context, signed: SignedIn) => findAppOf(partners, { partnerId: signed.partner.id }, pathParam(ctx, 'clientId'));

  router.post(
    '/apps/:clientId/event-subscription',
    forms,
    withPartner(async (ctx, signed) => {
      const app = await ownApp(ctx, signed);
      const values = subscriptionFormOf(formOf(ctx));
      const request: EventSubscriptionRequest = {
        Version: values.version,
        ...(values.callbackUrl ? { CallbackUrl: values.callbackUrl } : {}),
        EventTypes: values.eventTypes,
      };
      const now = new Date();
      try {
        const { created } = await setEventSubscription(services.subscriptions, services.callbackUrls, app.clientId, request, now);
        logger.info({ clientId: app.clientId, created }, 'event subscription set in the portal');
        redirect(ctx, `/portal/apps/${app.clientId}?notice=${created ? 'subscription-created' : 'subscription-saved'}#events-heading`);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        await showAppPage(ctx, signed, app, { subscriptionForm: { values, errors: { [fieldOf(error.path)]: error.message } } });
      }
    }),
  );

  router.post(
    '/apps/:clientId/event-subscription/delete',
    forms,
    withPartner(async (ctx, signed) => {
      const app = await ownApp(ctx, signed);
      await act(
        ctx,
        signed,
        app,
        () => deleteEventSubscription(services.subscriptions, app.clientId, text(formOf(ctx).subscription_id, 64)),
        'subscription-deleted',
      );
    }),
  );

  router.post(
    '/apps/:clientId/events/resend',
    forms,
    withPartner(async (ctx, signed) => {
      const app = await ownApp(ctx, signed);
      const jti = text(formOf(ctx).jti, 64);
      await act(ctx, signed, app, () => resendFailedEvent(services.history, services.subscriptions, app.clientId, jti, new Date()), 'event-resent');
    }),
  );

  router.post(
    '/apps/:clientId/test-event',
    forms,
    withPartner(async (ctx, signed) => {
      const { testEvents } = services;
      if (!testEvents) return ctx.throw(404, 'Test events are sent in the sandbox only.');
      const app = await ownApp(ctx, signed);
      await act(ctx, signed, app, () => sendTestEvent(testEvents, services.subscriptions, app.clientId, new Date()), 'test-event-sent');
    }),
  );

  /** An event action from a button; a refusal is shown on the app's page. */
  async function act(ctx: Context, signed: SignedIn, app: PartnerApp, action: () => Promise<unknown>, done: string): Promise<void> {
    try {
      await action();
      logger.info({ clientId: app.clientId, action: done }, 'event action in the portal');
      redirect(ctx, `/portal/apps/${app.clientId}?notice=${done}#events-heading`);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      await showAppPage(ctx, signed, app, { error: error.message });
    }
  }
}

/** The form field a domain error's path is about (`Data.CallbackUrl` → `callback_url`). */
function fieldOf(path: string | undefined): string {
  if (path === 'Data.CallbackUrl') return 'callback_url';
  if (path === 'Data.EventTypes') return 'event_types';
  if (path === 'Data.Version') return 'version';
  return 'form';
}

function subscriptionFormOf(form: Record<string, unknown>): SubscriptionFormValues {
  return {
    callbackUrl: text(form.callback_url, 600).trim(),
    eventTypes: ([] as unknown[])
      .concat(form.event_types ?? [])
      .filter((code): code is string => typeof code === 'string')
      .slice(0, 10),
    version: text(form.version, 20).trim(),
  };
}
