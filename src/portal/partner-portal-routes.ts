import bodyParser from '@koa/bodyparser';
import Router from '@koa/router';
import compose from 'koa-compose';
import type { Context, Middleware, Next } from 'koa';
import type { WebSession } from '../domain/auth/web-session.js';
import { listConsentsOfApp, type ConsentSummaryStore } from '../domain/consents/consent-summaries.js';
import { ActionNotAllowed, DomainError, InvalidField, ResourceNotFound } from '../domain/errors.js';
import type { MailOutbox } from '../domain/mail/outbound-mail.js';
import { API_CALLS_KEPT_PER_APP, type ApiCallLog } from '../domain/partners/api-calls.js';
import { findAppOf } from '../domain/partners/app-changes.js';
import { disableApp, enableApp } from '../domain/partners/app-lifecycle.js';
import { registerPartnerApp, type AppRegistrationServices } from '../domain/partners/app-registration.js';
import { addAppKeys, retireAppKey, updateAppDetails } from '../domain/partners/app-settings.js';
import { keysOf, messageSigningIssuer, type Partner, type PartnerApp } from '../domain/partners/partner-app.js';
import { assertMayRegisterApps, confirmPartnerEmail, logInPartnerUser, resendConfirmation, signUpPartner, type PartnerUser, type PartnerUserStore } from '../domain/partners/partner-users.js';
import type { OwnDirectoryService } from '../directory/own-directory.js';
import { csrfProtection } from '../interaction/csrf.js';
import type { Logger } from '../logging/logger.js';
import { appSnippets } from './app-snippets.js';
import type { SessionCookies } from './session-cookies.js';
import { formOf, noticeOf, page, redirect, text } from './web-forms.js';
import { renderAppFormPage, renderAppPage, renderDashboardPage, type AppFormValues } from './views/app-pages.js';
import { renderConfirmEmailPage, renderMailboxPage, renderPortalLoginPage, renderPortalMessagePage, renderSignUpPage } from './views/partner-auth-pages.js';
import type { FieldErrors } from './views/form-fields.js';
import type { PortalViewer } from './views/portal-layout.js';

/** What the partner portal needs. */
export interface PartnerPortalDependencies {
  readonly issuer: string;
  readonly users: PartnerUserStore;
  readonly outbox: MailOutbox;
  readonly sessions: SessionCookies;
  readonly registration: AppRegistrationServices;
  /** The bank's own directory, when it runs one (software statements). */
  readonly directory: OwnDirectoryService | null;
  readonly consents: ConsentSummaryStore;
  readonly calls: { readonly log: ApiCallLog; flush(): Promise<void> };
  readonly registrationEndpoint: string;
  /** The trust anchor payment message signatures name (`http://openbanking.org.uk/tan`). */
  readonly trustAnchor: string;
  /** Secret of the anti-forgery tokens of the forms shown before logging in. */
  readonly formSecret: Buffer;
  readonly secureCookies: boolean;
  readonly logger: Logger;
}

/** A signed-in partner: the session, the user and the organisation. */
interface SignedIn {
  readonly session: WebSession;
  readonly user: PartnerUser;
  readonly partner: Partner;
  readonly viewer: PortalViewer;
}

const NOTICES: Readonly<Record<string, string>> = {
  'signed-up': 'Your partner account is ready. Confirm your email address to create apps.',
  confirmed: 'Your email address is confirmed: you can create apps.',
  'confirmation-sent': 'We sent a new confirmation link.',
  'logged-out': 'You are logged out.',
  created: 'The app is registered. Its client id works at once with sandbox customers.',
  saved: 'Your changes are saved.',
  'key-added': 'The key is added: both the new and the old keys work until you retire one.',
  'key-retired': 'The key is retired: it no longer works.',
  disabled: 'The app is switched off: it gets no tokens, and its tokens are refused.',
  enabled: 'The app is switched on again.',
};

/**
 * The partner portal (`/portal`), server-rendered with no scripts: sign up with email confirmation (a sandbox
 * mailbox shows the mail), log in with lockout, and manage apps — create, edit, switch off and on, rotate keys,
 * download a software statement, see consents and the last 100 API calls. Every form carries an anti-forgery
 * token; sessions live in the database.
 */
export function createPartnerPortalRoutes(dependencies: PartnerPortalDependencies): Middleware {
  const { users, sessions, registration, logger } = dependencies;
  const { partners } = registration;
  const sandbox = registration.mode === 'sandbox';
  const forms = bodyParser({ enableTypes: ['form'], formLimit: '64kb' });
  const loginForms = csrfProtection(dependencies.formSecret, { cookiePath: '/portal', secure: dependencies.secureCookies });
  const signUpServices = { users, outbox: dependencies.outbox, confirmationLink: (token: string) => `${dependencies.issuer}/portal/confirm-email?token=${token}` };
  const router = new Router({ prefix: '/portal' });

  /** The signed-in partner, or null. */
  async function signedIn(ctx: Context): Promise<SignedIn | null> {
    const session = await sessions.current(ctx);
    const user = session ? await users.findById(session.subjectId) : null;
    const partner = user ? await partners.findPartner(user.partnerId) : null;
    if (!session || !user || !partner) return null;
    return { session, user, partner, viewer: { email: user.email, organisationName: partner.name, csrf: sessions.csrfToken(session), sandbox } };
  }

  /** Runs `handle` for a signed-in partner (checking the anti-forgery token of a POST); sends others to log in. */
  function withPartner(handle: (ctx: Context, partner: SignedIn) => Promise<void>) {
    return async (ctx: Context) => {
      const current = await signedIn(ctx);
      if (!current) return redirect(ctx, '/portal/login');
      if (ctx.method === 'POST' && !sessions.verifyCsrf(current.session, formOf(ctx).csrf)) {
        ctx.throw(403, 'This form has expired. Go back, reload the page and try again.');
      }
      await handle(ctx, current);
    };
  }

  const showLogin = (ctx: Context, status: number, extra: { email?: string; error?: string } = {}) => {
    page(ctx, renderPortalLoginPage({ csrf: loginForms.issue(ctx, 'portal-login'), notice: noticeOf(ctx, NOTICES), ...extra }), status);
  };

  router.get('/', async (ctx) => {
    const current = await signedIn(ctx);
    if (!current) return redirect(ctx, '/portal/login');
    const apps = await partners.listApps(current.partner.id);
    page(ctx, renderDashboardPage({ viewer: current.viewer, emailConfirmed: current.user.emailConfirmedAt !== null, apps, notice: noticeOf(ctx, NOTICES) }));
  });

  router.get('/signup', async (ctx) => page(ctx, renderSignUpPage({ csrf: loginForms.issue(ctx, 'portal-signup') })));

  router.post('/signup', forms, async (ctx) => {
    const form = formOf(ctx);
    assertLoginForm(ctx, 'portal-signup', form.csrf);
    const values = { organisationName: text(form.organisationName, 200), email: text(form.email, 300) };
    try {
      const user = await signUpPartner(signUpServices, { ...values, password: text(form.password, 1024) }, new Date());
      logger.info({ partnerId: user.partnerId }, 'partner signed up');
      await sessions.start(ctx, user.id);
      redirect(ctx, '/portal?notice=signed-up');
    } catch (error) {
      if (!(error instanceof InvalidField)) throw error;
      page(ctx, renderSignUpPage({ csrf: loginForms.issue(ctx, 'portal-signup'), values, errors: fieldErrors(error) }), 400);
    }
  });

  router.get('/login', async (ctx) => showLogin(ctx, 200));

  router.post('/login', forms, async (ctx) => {
    const form = formOf(ctx);
    assertLoginForm(ctx, 'portal-login', form.csrf);
    const email = text(form.email, 300);
    const result = await logInPartnerUser(users, email, text(form.password, 1024), new Date());
    if (!result.ok) {
      logger.info({ reason: result.reason }, 'partner login refused');
      const error = result.reason === 'locked' ? 'Too many failed attempts: this login is locked for 15 minutes.' : 'The email or password is not right. Check them and try again.';
      return showLogin(ctx, 401, { email, error });
    }
    await sessions.start(ctx, result.holder.id);
    redirect(ctx, '/portal');
  });

  router.post('/logout', forms, withPartner(async (ctx) => {
    await sessions.end(ctx);
    redirect(ctx, '/portal/login?notice=logged-out');
  }));

  router.get('/confirm-email', async (ctx) => page(ctx, renderConfirmEmailPage({ csrf: loginForms.issue(ctx, 'portal-confirm'), token: text(ctx.query.token, 100) })));

  router.post('/confirm-email', forms, async (ctx) => {
    const form = formOf(ctx);
    assertLoginForm(ctx, 'portal-confirm', form.csrf);
    try {
      await confirmPartnerEmail(users, text(form.token, 100), new Date());
    } catch (error) {
      if (!(error instanceof InvalidField)) throw error;
      return page(ctx, renderPortalMessagePage({ title: 'This link does not work', message: error.message, link: { href: '/portal/login', label: 'Log in' } }), 400);
    }
    redirect(ctx, (await signedIn(ctx)) ? '/portal?notice=confirmed' : '/portal/login?notice=confirmed');
  });

  router.post('/resend-confirmation', forms, withPartner(async (ctx, { user, partner }) => {
    await resendConfirmation(signUpServices, user, partner.name, new Date());
    redirect(ctx, '/portal?notice=confirmation-sent');
  }));

  router.get('/mailbox', withPartner(async (ctx, { user, viewer }) => {
    if (!sandbox) ctx.throw(404, 'There is no sandbox mailbox outside the sandbox.');
    page(ctx, renderMailboxPage({ viewer, mail: await dependencies.outbox.listFor(user.email, 20) }));
  }));

  router.get('/apps/new', withPartner(async (ctx, { user, viewer }) => {
    assertMayRegisterApps(user);
    page(ctx, renderAppFormPage({ viewer, values: { name: '', description: '', redirectUris: '', roles: ['AISP'], keysSource: 'jwks', jwks: '', jwksUri: '' } }));
  }));

  router.post('/apps', forms, withPartner(async (ctx, { user, partner, viewer }) => {
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
  }));

  router.get('/apps/:clientId', withPartner(async (ctx, signed) => {
    page(ctx, await appPage(ctx, signed, await findAppOf(partners, { partnerId: signed.partner.id }, ctx.params.clientId ?? '')));
  }));

  router.get('/apps/:clientId/edit', withPartner(async (ctx, { partner, viewer }) => {
    const app = await findAppOf(partners, { partnerId: partner.id }, ctx.params.clientId ?? '');
    page(ctx, renderAppFormPage({ viewer, values: valuesOf(app), clientId: app.clientId }));
  }));

  router.post('/apps/:clientId/edit', forms, withPartner(async (ctx, signed) => {
    const clientId = ctx.params.clientId ?? '';
    const values = appFormValues(formOf(ctx));
    try {
      const details = { ...values, redirectUris: lines(values.redirectUris), ...(values.jwksUri ? { jwksUri: values.jwksUri } : {}) };
      await updateAppDetails(registration, signed.partner.id, clientId, details, new Date());
      redirect(ctx, `/portal/apps/${clientId}?notice=saved`);
    } catch (error) {
      if (!(error instanceof InvalidField || error instanceof ActionNotAllowed)) throw error;
      const app = await findAppOf(partners, { partnerId: signed.partner.id }, clientId);
      page(ctx, renderAppFormPage({ viewer: signed.viewer, values: { ...values, keysSource: valuesOf(app).keysSource }, clientId, errors: fieldErrors(error) }), 400);
    }
  }));

  router.post('/apps/:clientId/disable', forms, withPartner(async (ctx, { partner }) => {
    await appAction(ctx, () => disableApp(partners, partner.id, ctx.params.clientId ?? '', new Date()), 'disabled');
  }));

  router.post('/apps/:clientId/enable', forms, withPartner(async (ctx, { partner }) => {
    await appAction(ctx, () => enableApp(partners, partner.id, ctx.params.clientId ?? '', new Date()), 'enabled');
  }));

  router.post('/apps/:clientId/keys', forms, withPartner(async (ctx, signed) => {
    const clientId = ctx.params.clientId ?? '';
    try {
      await addAppKeys(registration, signed.partner.id, clientId, parseJson(text(formOf(ctx).jwk, 60_000), 'jwk'), new Date());
      redirect(ctx, `/portal/apps/${clientId}?notice=key-added`);
    } catch (error) {
      if (!(error instanceof InvalidField || error instanceof ActionNotAllowed)) throw error;
      const app = await findAppOf(partners, { partnerId: signed.partner.id }, clientId);
      page(ctx, await appPage(ctx, signed, app, { keyErrors: { jwk: error.message } }), 400);
    }
  }));

  router.post('/apps/:clientId/keys/retire', forms, withPartner(async (ctx, { partner }) => {
    await appAction(ctx, () => retireAppKey(registration, partner.id, ctx.params.clientId ?? '', text(formOf(ctx).kid, 200), new Date()), 'key-retired');
  }));

  router.get('/apps/:clientId/software-statement', withPartner(async (ctx, { partner }) => {
    const { directory } = dependencies;
    if (!directory) return ctx.throw(404, 'This bank runs no directory of its own: use the software statement of your ecosystem directory.');
    const app = await findAppOf(partners, { partnerId: partner.id }, ctx.params.clientId ?? '');
    const statement = await directory.issueFor({ partnerId: partner.id }, app.clientId, new Date());
    ctx.type = 'application/jwt';
    ctx.set('Content-Disposition', `attachment; filename="software-statement-${app.softwareId}.jwt"`);
    ctx.body = statement;
  }));

  /** A state change of an app from a button; a refusal is shown on the app's page. */
  async function appAction(ctx: Context, action: () => Promise<unknown>, done: string): Promise<void> {
    const clientId = ctx.params.clientId ?? '';
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

  async function appPage(ctx: Context, { viewer }: SignedIn, app: PartnerApp, extra: { error?: string; keyErrors?: FieldErrors } = {}): Promise<string> {
    await dependencies.calls.flush();
    const now = new Date();
    const [consents, calls, software] = await Promise.all([
      listConsentsOfApp(dependencies.consents, app.clientId, now),
      dependencies.calls.log.listRecent(app.clientId, API_CALLS_KEPT_PER_APP),
      app.origin === 'dcr' ? Promise.resolve([]) : partners.listAppsOfSoftware(app.softwareId),
    ]);
    return renderAppPage({
      viewer,
      app,
      issuer: dependencies.issuer,
      registrationEndpoint: dependencies.registrationEndpoint,
      snippets: appSnippets(dependencies.issuer, app),
      canDownloadStatement: dependencies.directory !== null && app.origin !== 'dcr' && app.status === 'active',
      hasDirectory: dependencies.directory !== null,
      messageSigning: app.roles.includes('PISP') ? { issuer: messageSigningIssuer(app), trustAnchor: dependencies.trustAnchor } : null,
      registrations: software.filter((other) => other.origin === 'dcr' && other.partnerId === app.partnerId),
      consents,
      calls,
      notice: noticeOf(ctx, NOTICES),
      ...extra,
    });
  }

  function assertLoginForm(ctx: Context, purpose: string, submitted: unknown): void {
    if (!loginForms.verify(ctx, purpose, submitted)) ctx.throw(403, 'This form has expired. Go back, reload the page and try again.');
  }

  const routes = compose<Context>([router.routes() as unknown as Middleware, router.allowedMethods() as unknown as Middleware]);
  return async function partnerPortal(ctx: Context, next: Next) {
    if (ctx.path !== '/portal' && !ctx.path.startsWith('/portal/')) return next();
    try {
      await routes(ctx, async () => {});
      if (ctx.body === undefined) ctx.throw(ctx.status === 405 ? 405 : 404, 'There is no such page in the partner portal.');
    } catch (error) {
      renderPortalError(ctx, error, logger);
    }
  };
}

/** The portal's answer to a refused or failed request: a page, never a stack trace. */
function renderPortalError(ctx: Context, error: unknown, logger: Logger): void {
  const status =
    error instanceof ResourceNotFound ? 404 : error instanceof ActionNotAllowed ? 403 : error instanceof DomainError ? 400 : ((error as { status?: number }).status ?? 500);
  if (status >= 500) logger.error({ err: error, path: ctx.path }, 'partner portal page failed');
  const message =
    status >= 500
      ? `Something went wrong on our side. Try again; if it keeps happening, quote reference ${String(ctx.state.interactionId ?? '')}.`
      : error instanceof ResourceNotFound
        ? 'There is no such app among yours.'
        : String((error as Error).message);
  const title = status >= 500 ? 'Something went wrong' : status === 404 ? 'Not found' : 'We could not do that';
  page(ctx, renderPortalMessagePage({ title, message, link: { href: '/portal', label: 'Back to your apps' } }), status);
}

function lines(value: string): string[] {
  return value.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
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
    roles: ([] as unknown[]).concat(form.roles ?? []).filter((role): role is string => typeof role === 'string').slice(0, 5),
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
