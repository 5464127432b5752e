import bodyParser from '@koa/bodyparser';
import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { AccountStore } from '../domain/accounts/account.js';
import type { ConsentStore, GrantRevoker } from '../domain/consents/account-access-consent.js';
import { revokeConsentByCustomer } from '../domain/consents/account-access-consents.js';
import { listCustomerConnections, mandateTermsOf, removeAccountFromConsent, type ConnectionStore } from '../domain/consents/customer-connections.js';
import type { Customer, CustomerStore } from '../domain/customers/customer.js';
import type { PaymentStore } from '../domain/payments/domestic-payment.js';
import { mandateUse } from '../domain/payments/vrp/mandate-use.js';
import type { VrpConsentStore } from '../domain/payments/vrp/vrp-consent.js';
import { revokeVrpConsentByCustomer } from '../domain/payments/vrp/vrp-consents.js';
import { DomainError } from '../domain/errors.js';
import type { MailOutbox } from '../domain/mail/outbound-mail.js';
import type { OutagePolicy } from '../domain/outage.js';
import type { Logger } from '../logging/logger.js';
import { csrfProtection, refuseExpiredForm } from '../web/csrf.js';
import { formOf, noticeOf, page, pathParam, redirect, text } from '../web/forms.js';
import { checkCustomerLoginForm } from '../web/login-form.js';
import { renderMessagePage } from '../web/message-page.js';
import { pageFailure } from '../web/page-errors.js';
import { servePages } from '../web/page-routes.js';
import { activeConnectionView, activeMandateView, endedConnectionView, upcomingPaymentView } from './connection-views.js';
import { cancelUpcomingPayment, listUpcomingPayments, type UpcomingPaymentStore } from '../domain/payments/scheduled/upcoming-payments.js';
import type { SessionCookies } from './session-cookies.js';
import { renderAccountLoginPage, renderConnectionsPage, renderCustomerMailboxPage } from './views/account-pages.js';

/** What the customers' connected-apps pages need. */
export interface CustomerAccountDependencies {
  readonly customers: CustomerStore;
  readonly accounts: AccountStore;
  readonly consents: ConsentStore;
  readonly vrpConsents: VrpConsentStore;
  readonly connections: ConnectionStore;
  /** The payments made under mandates, for what each one has used; the payments to come, which the customer may cancel. */
  readonly payments: Pick<PaymentStore, 'sumMandateUsage' | 'listByConsent'> & UpcomingPaymentStore;
  readonly grants: GrantRevoker;
  /** The bank's mail, for the customers' sandbox mailbox. */
  readonly mail: MailOutbox;
  /** Whether this is the sandbox: only there does a mailbox page show the customer's mail. */
  readonly sandbox: boolean;
  /** Writes the API calls this process holds, so "last used" is up to date. */
  readonly flushCalls: () => Promise<void>;
  readonly sessions: SessionCookies;
  readonly formSecret: Buffer;
  readonly secureCookies: boolean;
  readonly logger: Logger;
  /** Which errors mean the bank is briefly unavailable (the page then answers 503 with `Retry-After`). */
  readonly outages: OutagePolicy;
}

const NOTICES: Readonly<Record<string, string>> = {
  revoked: 'Done: that app can no longer see your accounts. Its access ended at once.',
  'account-removed': 'Done: that account is no longer shared with the app. The other accounts still are.',
  'mandate-cancelled': 'Done: that app can no longer make payments from your account. The mandate ended at once.',
  'payment-cancelled': 'Done: that payment will not be made. The app that set it up has been told.',
  'logged-out': 'You are logged out.',
};

/**
 * The customer's connected apps (`/account`): after logging in (with the lockout of the consent pages), every
 * consent they authorised — app, partner, permissions in plain words, accounts, dates, last use — with
 * "Revoke access" (the consent ends and the partner's very next call is refused) and "Stop sharing" for one account
 * of several; every VRP mandate in force with its limits in plain words and "Cancel" (`CANC` at once, its tokens
 * revoked, the partner notified as for a revocation); in the sandbox, a mailbox showing the mail the bank sent them. No scripts; every form carries an
 * anti-forgery token.
 */
export function createCustomerAccountRoutes(dependencies: CustomerAccountDependencies): Middleware {
  const { customers, sessions, logger } = dependencies;
  const forms = bodyParser({ enableTypes: ['form'], formLimit: '16kb' });
  const loginForms = csrfProtection(dependencies.formSecret, { cookiePath: '/account', secure: dependencies.secureCookies });
  const router = new Router({ prefix: '/account' });

  const showLogin = (ctx: Context, status: number, extra: { username?: string; error?: string } = {}) => {
    page(ctx, renderAccountLoginPage({ csrf: loginForms.issue(ctx, 'account-login'), notice: noticeOf(ctx, NOTICES), ...extra }), status);
  };

  /** Runs `handle` for the logged-in customer (checking a POST's anti-forgery token); others see the log-in form. */
  function withCustomer(handle: (ctx: Context, customer: Customer, csrf: string) => Promise<void>) {
    return async (ctx: Context) => {
      const session = await sessions.current(ctx);
      const customer = session ? await customers.findById(session.subjectId) : null;
      if (!session || !customer) return ctx.method === 'GET' ? showLogin(ctx, 200) : redirect(ctx, '/account');
      if (ctx.method === 'POST' && !sessions.verifyCsrf(session, formOf(ctx).csrf)) refuseExpiredForm(ctx);
      await handle(ctx, customer, sessions.csrfToken(session));
    };
  }

  router.get(
    '/',
    withCustomer(async (ctx, customer, csrf) => page(ctx, await connectionsPage(customer, csrf, { notice: noticeOf(ctx, NOTICES) }))),
  );

  router.get(
    '/mailbox',
    withCustomer(async (ctx, customer, csrf) => {
      if (!dependencies.sandbox) ctx.throw(404, 'There is no sandbox mailbox outside the sandbox.');
      const mail = customer.email ? await dependencies.mail.listFor(customer.email, 20) : [];
      page(ctx, renderCustomerMailboxPage({ customerName: customer.displayName, email: customer.email, csrf, mail }));
    }),
  );

  router.post('/login', forms, async (ctx) => {
    const form = formOf(ctx);
    if (!loginForms.verify(ctx, 'account-login', form.csrf)) refuseExpiredForm(ctx);
    const result = await checkCustomerLoginForm(customers, form, new Date());
    if (!result.ok) {
      logger.info({ reason: result.reason }, 'customer login to connected apps refused');
      return showLogin(ctx, 401, { username: result.identifier, error: result.error });
    }
    await sessions.start(ctx, result.holder.id);
    redirect(ctx, '/account');
  });

  router.post(
    '/logout',
    forms,
    withCustomer(async (ctx) => {
      await sessions.end(ctx);
      redirect(ctx, '/account?notice=logged-out');
    }),
  );

  router.post(
    '/connections/:consentId/revoke',
    forms,
    withCustomer(async (ctx, customer, csrf) => {
      await act(
        ctx,
        customer,
        csrf,
        () => revokeConsentByCustomer(dependencies.consents, dependencies.grants, customer.id, pathParam(ctx, 'consentId'), new Date()),
        'revoked',
      );
    }),
  );

  router.post(
    '/connections/:consentId/remove-account',
    forms,
    withCustomer(async (ctx, customer, csrf) => {
      const accountId = text(formOf(ctx).accountId, 64);
      await act(
        ctx,
        customer,
        csrf,
        () => removeAccountFromConsent(dependencies.consents, customer.id, pathParam(ctx, 'consentId'), accountId, new Date()),
        'account-removed',
      );
    }),
  );

  router.post(
    '/mandates/:consentId/cancel',
    forms,
    withCustomer(async (ctx, customer, csrf) => {
      await act(
        ctx,
        customer,
        csrf,
        () => revokeVrpConsentByCustomer(dependencies.vrpConsents, dependencies.grants, customer.id, pathParam(ctx, 'consentId'), new Date()),
        'mandate-cancelled',
      );
    }),
  );

  router.post(
    '/payments/:paymentId/cancel',
    forms,
    withCustomer(async (ctx, customer, csrf) => {
      await act(
        ctx,
        customer,
        csrf,
        () => cancelUpcomingPayment(dependencies.payments, customer.id, pathParam(ctx, 'paymentId'), new Date()),
        'payment-cancelled',
      );
    }),
  );

  /** A change the customer asked for; a refusal is shown on the connections page. */
  async function act(ctx: Context, customer: Customer, csrf: string, action: () => Promise<void>, done: string): Promise<void> {
    try {
      await action();
      const target = pathParam(ctx, 'consentId') || pathParam(ctx, 'paymentId');
      logger.info({ customerId: customer.id, target, action: done }, 'customer changed a connection');
      redirect(ctx, `/account?notice=${done}`);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      page(ctx, await connectionsPage(customer, csrf, { error: error.message }), 400);
    }
  }

  async function connectionsPage(customer: Customer, csrf: string, extra: { notice?: string; error?: string }): Promise<string> {
    await dependencies.flushCalls();
    const [connections, accounts, upcoming] = await Promise.all([
      listCustomerConnections(dependencies.connections, customer.id, new Date()),
      dependencies.accounts.listByCustomer(customer.id),
      listUpcomingPayments(dependencies.payments, customer.id),
    ]);
    const byId = new Map(accounts.map((account) => [account.id, account]));
    const now = new Date();
    const mandates = await Promise.all(
      connections.mandates.map(async (connection) =>
        activeMandateView(connection, byId, await mandateUse(dependencies.payments, mandateTermsOf(connection), now)),
      ),
    );
    return renderConnectionsPage({
      customerName: customer.displayName,
      csrf,
      sandbox: dependencies.sandbox,
      upcoming: upcoming.map(upcomingPaymentView),
      active: connections.active.map((connection) => activeConnectionView(connection, byId)),
      mandates,
      ended: connections.ended.map((connection) => endedConnectionView(connection, byId)),
      ...extra,
    });
  }

  return servePages(router, '/account', (ctx, error) => {
    const failure = pageFailure(ctx, error, { retry: 'Try again in a moment.' }, logger, dependencies.outages);
    page(ctx, renderMessagePage({ title: failure.title, message: failure.message, reference: failure.reference }), failure.status);
  });
}
