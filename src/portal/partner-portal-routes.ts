import bodyParser from '@koa/bodyparser';
import Router from '@koa/router';
import compose from 'koa-compose';
import type { Context, Middleware, Next } from 'koa';
import { ActionNotAllowed, DomainError, ResourceNotFound } from '../domain/errors.js';
import type { Logger } from '../logging/logger.js';
import { addPartnerAppRoutes, type PartnerAppDependencies } from './partner-app-routes.js';
import { addPartnerAuthRoutes, type PartnerAuthDependencies } from './partner-auth-routes.js';
import { partnerSessions } from './partner-session.js';
import { renderPortalMessagePage } from './views/partner-auth-pages.js';
import { page } from './web-forms.js';

/** What the partner portal needs. */
export type PartnerPortalDependencies = Omit<PartnerAuthDependencies, 'sandbox'> & PartnerAppDependencies;

/**
 * The partner portal (`/portal`), server-rendered with no scripts: sign up with email confirmation (a sandbox
 * mailbox shows the mail), log in with lockout, and manage apps — create, edit, switch off and on, rotate keys,
 * download a software statement, see consents and the last 100 API calls. Every form carries an anti-forgery
 * token; sessions live in the database. Refusals and failures are pages, never stack traces.
 */
export function createPartnerPortalRoutes(dependencies: PartnerPortalDependencies): Middleware {
  const sandbox = dependencies.registration.mode === 'sandbox';
  const sessions = partnerSessions(dependencies.sessions, dependencies.users, dependencies.registration.partners, sandbox);
  const forms = bodyParser({ enableTypes: ['form'], formLimit: '64kb' });
  const router = new Router({ prefix: '/portal' });
  addPartnerAuthRoutes(router, { ...dependencies, sandbox }, sessions, forms);
  addPartnerAppRoutes(router, dependencies, sessions, forms);

  const routes = compose<Context>([router.routes() as unknown as Middleware, router.allowedMethods() as unknown as Middleware]);
  return async function partnerPortal(ctx: Context, next: Next) {
    if (ctx.path !== '/portal' && !ctx.path.startsWith('/portal/')) return next();
    try {
      await routes(ctx, async () => {});
      if (ctx.body === undefined) ctx.throw(ctx.status === 405 ? 405 : 404, 'There is no such page in the partner portal.');
    } catch (error) {
      renderPortalError(ctx, error, dependencies.logger);
    }
  };
}

/** The portal's answer to a refused or failed request: a page, never a stack trace. */
function renderPortalError(ctx: Context, error: unknown, logger: Logger): void {
  const status =
    error instanceof ResourceNotFound
      ? 404
      : error instanceof ActionNotAllowed
        ? 403
        : error instanceof DomainError
          ? 400
          : ((error as { status?: number }).status ?? 500);
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
