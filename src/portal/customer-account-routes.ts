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
import type { FundsConfirmationConsentStore } from '../domain/funds-confirmations/funds-confirmation-consent.js';
import type { FundsConfirmationHistory } from '../domain/funds-confirmations/funds-confirmation-history.js';
import { revokeFundsConfirmationConsentByCustomer } from '../domain/funds-confirmations/funds-confirmation-consents.js';
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
import { activeConnectionView, activeFundsCheckView, activeMandateView, endedConnectionView, upcomingPaymentView } from './connection-views.js';
import {
  cancelUpcomingPayment,
  getUpcomingPayment,
  listUpcomingPayments,
  type UpcomingPaymentStore,
} from '../domain/payments/scheduled/upcoming-payments.js';
import type { SessionCookies } from './session-cookies.js';
import { renderAccountLoginPage, renderCancelPaymentPage, renderConnectionsPage, renderCustomerMailboxPage } from './views/account-pages.js';

/** What the customers' connected-apps pages need. */
export interface CustomerAccountDependencies {
  readonly customers: CustomerStore;
  readonly accounts: AccountStore;
  readonly consents: ConsentStore;
  readonly vrpConsents: VrpConsentStore;
  readonly fundsConfirmationConsents: FundsConfirmationConsentStore;
  /** The checks each card issuer made, shown with its funds checks. */
  readonly fundsConfirmationHistory: Pick<FundsConfirmationHistory, 'listByConsent'>;
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

/** How many of an app's latest funds checks its entry shows (the page also says how many there are in all). */
const FUNDS_CHECKS_SHOWN = 20;

const NOTICES: Readonly<Record<string, string>> = {
  revoked: 'Done: that app can no longer see your accounts. Its access ended at once.',
  'account-removed': 'Done: that account is no longer shared with the app. The other accounts still are.',
  'mandate-cancelled': 'Done: that app can no longer make payments from your account. The mandate ended at once.',
  'funds-checks-stopped': 'Done: that app can no longer check whether your account has enough money. This ended at once.',
  'payment-cancelled': 'Done: that payment will not be made. The app that set it up has been told.',
  'logged-out': 'You are logged out.',
};

/**
 * The customer's connected apps (`/account`): after logging in (with the lockout of the consent pages), every
 * consent they authorised — app, partner, permissions in plain words, accounts, dates, last use — with
 * "Revoke access" (the consent ends and the partner's very next call is refused) and "Stop sharing" for one account
 * of several; every VRP mandate in force with its limits in plain words and "Cancel" (`CANC` at once, its tokens
 * revoked, the partner notified as for a revocation); every app's funds checks in force with "Stop" (`CANC` at once, the
 * partner notified); in the sandbox, a mailbox showing the mail the bank sent them. No scripts; every form carries an
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

  /** A form the customer posts about one of their consents: `run` makes the change, then the page says `done`. */
  function consentAction(path: string, done: string, run: (ctx: Context, customerId: string, consentId: string, now: Date) => Promise<void>) {
    router.post(
      path,
      forms,
      withCustomer((ctx, customer, csrf) => act(ctx, customer, csrf, () => run(ctx, customer.id, pathParam(ctx, 'consentId'), new Date()), done)),
    );
  }

  const { consents, vrpConsents, fundsConfirmationConsents, grants } = dependencies;
  consentAction('/connections/:consentId/revoke', 'revoked', (_ctx, customerId, consentId, now) =>
    revokeConsentByCustomer(consents, grants, customerId, consentId, now),
  );
  consentAction('/connections/:consentId/remove-account', 'account-removed', (ctx, customerId, consentId, now) =>
    removeAccountFromConsent(consents, customerId, consentId, text(formOf(ctx).accountId, 64), now),
  );
  consentAction('/mandates/:consentId/cancel', 'mandate-cancelled', (_ctx, customerId, consentId, now) =>
    revokeVrpConsentByCustomer(vrpConsents, grants, customerId, consentId, now),
  );
  consentAction('/funds-checks/:consentId/stop', 'funds-checks-stopped', (_ctx, customerId, consentId, now) =>
    revokeFundsConfirmationConsentByCustomer(fundsConfirmationConsents, grants, customerId, consentId, now),
  );

  // Cancelling asks first: the page says what would be cancelled and what follows; only its "Yes" posts.
  router.get(
    '/payments/:paymentId/cancel',
    withCustomer(async (ctx, customer, csrf) => {
      try {
        const upcoming = await getUpcomingPayment(dependencies.payments, customer.id, pathParam(ctx, 'paymentId'));
        page(
          ctx,
          renderCancelPaymentPage({
            customerName: customer.displayName,
            csrf,
            sandbox: dependencies.sandbox,
            payment: upcomingPaymentView(upcoming),
          }),
        );
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        page(ctx, await connectionsPage(customer, csrf, { error: error.message }), 404);
      }
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
      fundsChecks: await Promise.all(
        connections.fundsChecks.map(async (connection) =>
          activeFundsCheckView(connection, byId, await dependencies.fundsConfirmationHistory.listByConsent(connection.consentId, FUNDS_CHECKS_SHOWN)),
        ),
      ),
      ended: connections.ended.map((connection) => endedConnectionView(connection, byId)),
      ...extra,
    });
  }

  return servePages(router, '/account', (ctx, error) => {
    const failure = pageFailure(ctx, error, { retry: 'Try again in a moment.' }, logger, dependencies.outages);
    page(ctx, renderMessagePage({ title: failure.title, message: failure.message, reference: failure.reference }), failure.status);
  });
}
