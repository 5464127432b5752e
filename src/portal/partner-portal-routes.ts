import bodyParser from '@koa/bodyparser';
import Router from '@koa/router';
import type { Middleware } from 'koa';
import { ResourceNotFound } from '../domain/errors.js';
import type { OutagePolicy } from '../domain/outage.js';
import { pageFailure, type PageErrorWording } from '../web/page-errors.js';
import { servePages } from '../web/page-routes.js';
import { addPartnerAppRoutes, type PartnerAppDependencies } from './partner-app-routes.js';
import { addPartnerAuthRoutes, type PartnerAuthDependencies } from './partner-auth-routes.js';
import { partnerSessions } from './partner-session.js';
import { renderPortalMessagePage } from './views/partner-auth-pages.js';
import { page } from '../web/forms.js';

/** What the partner portal needs. */
export type PartnerPortalDependencies = Omit<PartnerAuthDependencies, 'sandbox'> &
  PartnerAppDependencies & {
    /** Which errors mean the bank is briefly unavailable (the page then answers 503 with `Retry-After`). */
    readonly outages: OutagePolicy;
  };

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

  return servePages(router, '/portal', (ctx, error) => {
    const failure = pageFailure(ctx, error, PORTAL_WORDING, dependencies.logger, dependencies.outages);
    page(
      ctx,
      renderPortalMessagePage({ title: failure.title, message: failure.message, link: { href: '/portal', label: 'Back to your apps' } }),
      failure.status,
    );
  });
}

/** How the portal words its failures: a not-found is always about the partner's own apps. */
const PORTAL_WORDING: PageErrorWording = {
  retry: 'Try again.',
  refusal: (error) => (error instanceof ResourceNotFound ? { title: 'Not found', message: 'There is no such app among yours.' } : undefined),
};
