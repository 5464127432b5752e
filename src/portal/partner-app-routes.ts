import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { listConsentsOfApp, type ConsentSummaryStore } from '../domain/consents/consent-summaries.js';
import { ActionNotAllowed, InvalidField, type DomainError } from '../domain/errors.js';
import { API_CALLS_KEPT_PER_APP, type ApiCallLog } from '../domain/partners/api-calls.js';
import { findAppOf } from '../domain/partners/app-changes.js';
import { disableApp, enableApp } from '../domain/partners/app-lifecycle.js';
import { registerPartnerApp, type AppRegistrationServices } from '../domain/partners/app-registration.js';
import { addAppKeys, retireAppKey, updateAppDetails } from '../domain/partners/app-settings.js';
import { keysOf, messageSigningIssuer, type PartnerApp } from '../domain/partners/partner-app.js';
import { hasSoftwareStatement } from '../domain/partners/software-statement.js';
import { assertMayRegisterApps } from '../domain/partners/partner-users.js';
import type { OwnDirectoryService } from '../directory/own-directory.js';
import type { Logger } from '../logging/logger.js';
import { appSnippets } from './app-snippets.js';
import { listRecentEventsOfApp } from '../domain/events/app-event-history.js';
import { listTestClocks, type TestClockStore } from '../domain/payments/test-clocks/test-clocks.js';
import { addPartnerEventRoutes, type PortalEventServices } from './partner-event-routes.js';
import type { SubscriptionFormValues } from './views/app-events-section.js';
import type { PartnerSessions, SignedIn } from './partner-session.js';
import { PORTAL_NOTICES as NOTICES } from './portal-notices.js';
import { renderAppFormPage, renderAppPage, renderDashboardPage, type AppFormValues } from './views/app-pages.js';
import type { FieldErrors } from '../web/form-fields.js';
import { formOf, noticeOf, page, pathParam, redirect, text } from '../web/forms.js';

/** What the portal's app pages need. */
export interface PartnerAppDependencies {
  readonly issuer: string;
  readonly registration: AppRegistrationServices;
  /** The bank's own directory, when it runs one (software statements). */
  readonly directory: OwnDirectoryService | null;
  readonly consents: ConsentSummaryStore;
  readonly calls: { readonly log: ApiCallLog; flush(): Promise<void> };
  readonly registrationEndpoint: string;
  /** The trust anchor payment message signatures name (`http://openbanking.org.uk/tan`). */
  readonly trustAnchor: string;
  /** Who the bank signs its payment API responses as (`http://openbanking.org.uk/iss`). */
  readonly bankOrganisationId: string;
  /** The app's event subscription and events. */
  readonly events: PortalEventServices;
  /** The apps' sandbox test clocks; null in production mode. */
  readonly testClocks: TestClockStore | null;
  readonly logger: Logger;
}

/**
 * The portal's app pages: the partner's apps; create, edit, switch off and on, rotate keys, download a software
 * statement; each app's consents, last 100 API calls, event subscription and newest events. Every state change goes
 * through the domain with the signed-in partner as the actor, so no partner reaches another's app.
 */
export function addPartnerAppRoutes(router: Router, dependencies: PartnerAppDependencies, partnerSessions: PartnerSessions, forms: Middleware): void {
  const { registration, logger } = dependencies;
  const { partners } = registration;
  const { signedIn, withPartner } = partnerSessions;

  router.get('/', async (ctx) => {
    const current = await signedIn(ctx);
    if (!current) return redirect(ctx, '/portal/login');
    const apps = await partners.listApps(current.partner.id);
    page(
      ctx,
      renderDashboardPage({ viewer: current.viewer, emailConfirmed: current.user.emailConfirmedAt !== null, apps, notice: noticeOf(ctx, NOTICES) }),
    );
  });

  router.get(
    '/apps/new',
    withPartner(async (ctx, { user, viewer }) => {
      assertMayRegisterApps(user);
      page(
        ctx,
        renderAppFormPage({
          viewer,
          values: { name: '', description: '', redirectUris: '', roles: ['AISP'], keysSource: 'jwks', jwks: '', jwksUri: '' },
        }),
      );
    }),
  );

  router.post(
    '/apps',
    forms,
    withPartner(async (ctx, { user, partner, viewer }) => {
      assertMayRegisterApps(user);
      const values = appFormValues(formOf(ctx));
      try {
        const app = await registerPartnerApp(
          registration,
          partner,
          {
            name: values.name,
            description: values.description,
            redirectUris: lines(values.redirectUris),
            keys: values.keysSource === 'jwks_uri' ? { jwksUri: values.jwksUri } : { jwks: parseJson(values.jwks, 'jwks') },
            roles: values.roles,
            origin: 'portal',
          },
          new Date(),
        );
        logger.info({ partnerId: partner.id, clientId: app.clientId }, 'app registered in the portal');
        redirect(ctx, `/portal/apps/${app.clientId}?notice=created`);
      } catch (error) {
        if (!(error instanceof InvalidField)) throw error;
        page(ctx, renderAppFormPage({ viewer, values, errors: fieldErrors(error) }), 400);
      }
    }),
  );

  router.get(
    '/apps/:clientId',
    withPartner(async (ctx, signed) => {
      page(ctx, await appPage(ctx, signed, await findAppOf(partners, { partnerId: signed.partner.id }, pathParam(ctx, 'clientId'))));
    }),
  );

  router.get(
    '/apps/:clientId/edit',
    withPartner(async (ctx, { partner, viewer }) => {
      const app = await findAppOf(partners, { partnerId: partner.id }, pathParam(ctx, 'clientId'));
      page(ctx, renderAppFormPage({ viewer, values: valuesOf(app), clientId: app.clientId }));
    }),
  );

  router.post(
    '/apps/:clientId/edit',
    forms,
    withPartner(async (ctx, signed) => {
      const clientId = pathParam(ctx, 'clientId');
      const values = appFormValues(formOf(ctx));
      try {
        const details = { ...values, redirectUris: lines(values.redirectUris), ...(values.jwksUri ? { jwksUri: values.jwksUri } : {}) };
        await updateAppDetails(registration, signed.partner.id, clientId, details, new Date());
        redirect(ctx, `/portal/apps/${clientId}?notice=saved`);
      } catch (error) {
        if (!(error instanceof InvalidField || error instanceof ActionNotAllowed)) throw error;
        const app = await findAppOf(partners, { partnerId: signed.partner.id }, clientId);
        page(
          ctx,
          renderAppFormPage({
            viewer: signed.viewer,
            values: { ...values, keysSource: valuesOf(app).keysSource },
            clientId,
            errors: fieldErrors(error),
          }),
          400,
        );
      }
    }),
  );

  router.post(
    '/apps/:clientId/disable',
    forms,
    withPartner(async (ctx, { partner }) => {
      await appAction(ctx, () => disableApp(partners, partner.id, pathParam(ctx, 'clientId'), new Date()), 'disabled');
    }),
  );

  router.post(
    '/apps/:clientId/enable',
    forms,
    withPartner(async (ctx, { partner }) => {
      await appAction(ctx, () => enableApp(partners, partner.id, pathParam(ctx, 'clientId'), new Date()), 'enabled');
    }),
  );

  router.post(
    '/apps/:clientId/keys',
    forms,
    withPartner(async (ctx, signed) => {
      const clientId = pathParam(ctx, 'clientId');
      try {
        await addAppKeys(registration, signed.partner.id, clientId, parseJson(text(formOf(ctx).jwk, 60_000), 'jwk'), new Date());
        redirect(ctx, `/portal/apps/${clientId}?notice=key-added`);
      } catch (error) {
        if (!(error instanceof InvalidField || error instanceof ActionNotAllowed)) throw error;
        const app = await findAppOf(partners, { partnerId: signed.partner.id }, clientId);
        page(ctx, await appPage(ctx, signed, app, { keyErrors: { jwk: error.message } }), 400);
      }
    }),
  );

  router.post(
    '/apps/:clientId/keys/retire',
    forms,
    withPartner(async (ctx, { partner }) => {
      await appAction(
        ctx,
        () => retireAppKey(registration, partner.id, pathParam(ctx, 'clientId'), text(formOf(ctx).kid, 200), new Date()),
        'key-retired',
      );
    }),
  );

  router.get(
    '/apps/:clientId/software-statement',
    withPartner(async (ctx, { partner }) => {
      const { directory } = dependencies;
      if (!directory) return ctx.throw(404, 'This bank runs no directory of its own: use the software statement of your ecosystem directory.');
      const app = await findAppOf(partners, { partnerId: partner.id }, pathParam(ctx, 'clientId'));
      const statement = await directory.issueFor({ partnerId: partner.id }, app.clientId, new Date());
      ctx.type = 'application/jwt';
      ctx.set('Content-Disposition', `attachment; filename="software-statement-${app.softwareId}.jwt"`);
      ctx.body = statement;
    }),
  );

  addPartnerEventRoutes(
    router,
    dependencies.events,
    partners,
    partnerSessions,
    forms,
    async (ctx, signed, app, extra) => page(ctx, await appPage(ctx, signed, app, extra), 400),
    logger,
  );

  /** A state change of an app from a button; a refusal is shown on the app's page. */
  async function appAction(ctx: Context, action: () => Promise<unknown>, done: string): Promise<void> {
    const clientId = pathParam(ctx, 'clientId');
    try {
      await action();
      redirect(ctx, `/portal/apps/${clientId}?notice=${done}`);
    } catch (error) {
      if (!(error instanceof ActionNotAllowed || error instanceof InvalidField)) throw error;
      const current = await signedIn(ctx);
      if (!current) return redirect(ctx, '/portal/login');
      page(ctx, await appPage(ctx, current, await findAppOf(partners, { partnerId: current.partner.id }, clientId), { error: error.message }), 400);
    }
  }

  async function appPage(
    ctx: Context,
    { viewer }: SignedIn,
    app: PartnerApp,
    {
      subscriptionForm,
      ...extra
    }: { error?: string; keyErrors?: FieldErrors; subscriptionForm?: { values: SubscriptionFormValues; errors: FieldErrors } } = {},
  ): Promise<string> {
    await dependencies.calls.flush();
    const now = new Date();
    const { events } = dependencies;
    const [consents, calls, software, subscription, recentEvents, testClocks] = await Promise.all([
      listConsentsOfApp(dependencies.consents, app.clientId, now),
      dependencies.calls.log.listRecent(app.clientId, API_CALLS_KEPT_PER_APP),
      app.origin === 'dcr' ? Promise.resolve([]) : partners.listAppsOfSoftware(app.softwareId),
      events.subscriptions.findByClient(app.clientId),
      listRecentEventsOfApp(events.history, app.clientId),
      dependencies.testClocks ? listTestClocks(dependencies.testClocks, app.clientId, now) : Promise.resolve(null),
    ]);
    return renderAppPage({
      viewer,
      app,
      issuer: dependencies.issuer,
      registrationEndpoint: dependencies.registrationEndpoint,
      snippets: appSnippets(dependencies, app),
      canDownloadStatement: dependencies.directory !== null && hasSoftwareStatement(app),
      hasDirectory: dependencies.directory !== null,
      messageSigning: app.roles.includes('PISP') ? { issuer: messageSigningIssuer(app), trustAnchor: dependencies.trustAnchor } : null,
      registrations: software.filter((other) => other.origin === 'dcr' && other.partnerId === app.partnerId),
      consents,
      calls,
      testClocks,
      events: {
        subscription,
        events: recentEvents,
        canSendTestEvent: events.testEvents !== null,
        loopbackHttpAllowed: events.callbackUrls.allowLoopbackHttp,
        ...(subscriptionForm ? { form: subscriptionForm } : {}),
      },
      notice: noticeOf(ctx, NOTICES),
      ...extra,
    });
  }
}

function lines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

/** @throws InvalidField (path `field`) for text that is not JSON. */
function parseJson(value: string, field: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw new InvalidField('This is not valid JSON', field);
  }
}

function fieldErrors(error: DomainError): FieldErrors {
  return { [error.path ?? 'form']: error.message };
}

function appFormValues(form: Record<string, unknown>): AppFormValues {
  return {
    name: text(form.name, 200),
    description: text(form.description, 1000),
    redirectUris: text(form.redirect_uris, 5000),
    roles: ([] as unknown[])
      .concat(form.roles ?? [])
      .filter((role): role is string => typeof role === 'string')
      .slice(0, 5),
    keysSource: form.keys_source === 'jwks_uri' ? 'jwks_uri' : 'jwks',
    jwks: text(form.jwks, 60_000),
    jwksUri: text(form.jwks_uri, 2000),
  };
}

function valuesOf(app: PartnerApp): AppFormValues {
  const keys = keysOf(app);
  return {
    name: app.name,
    description: app.description,
    redirectUris: app.clientMetadata.redirect_uris.join('\n'),
    roles: app.roles,
    keysSource: 'jwksUri' in keys ? 'jwks_uri' : 'jwks',
    jwks: '',
    jwksUri: 'jwksUri' in keys ? keys.jwksUri : '',
  };
}
