import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { InvalidField } from '../domain/errors.js';
import type { MailOutbox } from '../domain/mail/outbound-mail.js';
import { confirmPartnerEmail, logInPartnerUser, resendConfirmation, signUpPartner, type PartnerUserStore } from '../domain/partners/partner-users.js';
import { csrfProtection, refuseExpiredForm } from '../web/csrf.js';
import { checkLoginForm } from '../web/login-form.js';
import type { Logger } from '../logging/logger.js';
import type { PartnerSessions } from './partner-session.js';
import { PORTAL_NOTICES as NOTICES } from './portal-notices.js';
import type { SessionCookies } from './session-cookies.js';
import {
  renderConfirmEmailPage,
  renderMailboxPage,
  renderPortalLoginPage,
  renderPortalMessagePage,
  renderSignUpPage,
} from './views/partner-auth-pages.js';
import type { FieldErrors } from '../web/form-fields.js';
import { formOf, noticeOf, page, redirect, text } from '../web/forms.js';

/** What the portal's account pages need. */
export interface PartnerAuthDependencies {
  readonly issuer: string;
  readonly users: PartnerUserStore;
  readonly outbox: MailOutbox;
  readonly sessions: SessionCookies;
  readonly sandbox: boolean;
  /** Secret of the anti-forgery tokens of the forms shown before logging in. */
  readonly formSecret: Buffer;
  readonly secureCookies: boolean;
  readonly logger: Logger;
}

/**
 * The portal's account pages: sign up (and the email confirmation, with the sandbox mailbox), log in with lockout,
 * log out. The forms shown before logging in carry a double-submit anti-forgery token.
 */
export function addPartnerAuthRoutes(
  router: Router,
  dependencies: PartnerAuthDependencies,
  partnerSessions: PartnerSessions,
  forms: Middleware,
): void {
  const { users, sessions, sandbox, logger } = dependencies;
  const { signedIn, withPartner } = partnerSessions;
  const loginForms = csrfProtection(dependencies.formSecret, { cookiePath: '/portal', secure: dependencies.secureCookies });
  const signUpServices = {
    users,
    outbox: dependencies.outbox,
    confirmationLink: (token: string) => `${dependencies.issuer}/portal/confirm-email?token=${token}`,
  };

  const showLogin = (ctx: Context, status: number, extra: { email?: string; error?: string } = {}) => {
    page(ctx, renderPortalLoginPage({ csrf: loginForms.issue(ctx, 'portal-login'), notice: noticeOf(ctx, NOTICES), ...extra }), status);
  };

  function assertLoginForm(ctx: Context, purpose: string, submitted: unknown): void {
    if (!loginForms.verify(ctx, purpose, submitted)) refuseExpiredForm(ctx);
  }

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
    const result = await checkLoginForm(form, 'email', ({ identifier, password }) => logInPartnerUser(users, identifier, password, new Date()));
    if (!result.ok) {
      logger.info({ reason: result.reason }, 'partner login refused');
      return showLogin(ctx, 401, { email: result.identifier, error: result.error });
    }
    await sessions.start(ctx, result.holder.id);
    redirect(ctx, '/portal');
  });

  router.post(
    '/logout',
    forms,
    withPartner(async (ctx) => {
      await sessions.end(ctx);
      redirect(ctx, '/portal/login?notice=logged-out');
    }),
  );

  router.get('/confirm-email', async (ctx) =>
    page(ctx, renderConfirmEmailPage({ csrf: loginForms.issue(ctx, 'portal-confirm'), token: text(ctx.query.token, 100) })),
  );

  router.post('/confirm-email', forms, async (ctx) => {
    const form = formOf(ctx);
    assertLoginForm(ctx, 'portal-confirm', form.csrf);
    try {
      await confirmPartnerEmail(users, text(form.token, 100), new Date());
    } catch (error) {
      if (!(error instanceof InvalidField)) throw error;
      return page(
        ctx,
        renderPortalMessagePage({ title: 'This link does not work', message: error.message, link: { href: '/portal/login', label: 'Log in' } }),
        400,
      );
    }
    redirect(ctx, (await signedIn(ctx)) ? '/portal?notice=confirmed' : '/portal/login?notice=confirmed');
  });

  router.post(
    '/resend-confirmation',
    forms,
    withPartner(async (ctx, { user, partner }) => {
      await resendConfirmation(signUpServices, user, partner.name, new Date());
      redirect(ctx, '/portal?notice=confirmation-sent');
    }),
  );

  router.get(
    '/mailbox',
    withPartner(async (ctx, { user, viewer }) => {
      if (!sandbox) ctx.throw(404, 'There is no sandbox mailbox outside the sandbox.');
      page(ctx, renderMailboxPage({ viewer, mail: await dependencies.outbox.listFor(user.email, 20) }));
    }),
  );
}

function fieldErrors(error: InvalidField): FieldErrors {
  return { [error.path ?? 'form']: error.message };
}
