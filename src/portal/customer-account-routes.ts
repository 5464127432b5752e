import bodyParser from '@koa/bodyparser';
import Router from '@koa/router';
import compose from 'koa-compose';
import type { Context, Middleware, Next } from 'koa';
import type { Account, AccountStore } from '../domain/accounts/account.js';
import type { ConsentStore, GrantRevoker } from '../domain/consents/account-access-consent.js';
import { revokeConsentByCustomer } from '../domain/consents/account-access-consents.js';
import { ConsentStatus } from '../domain/consents/consent-status.js';
import { listCustomerConnections, removeAccountFromConsent, type Connection, type ConnectionStore } from '../domain/consents/customer-connections.js';
import { authenticateCustomer } from '../domain/customers/authenticate-customer.js';
import type { Customer, CustomerStore } from '../domain/customers/customer.js';
import { DomainError } from '../domain/errors.js';
import { parseAmount } from '../domain/money.js';
import { accountLabel } from '../interaction/account-labels.js';
import { csrfProtection } from '../interaction/csrf.js';
import { formatMoney } from '../interaction/payment-page-model.js';
import { describePermissions } from '../interaction/permission-text.js';
import { renderMessagePage } from '../interaction/views/message-page.js';
import type { Logger } from '../logging/logger.js';
import type { SessionCookies } from './session-cookies.js';
import { formOf, noticeOf, page, redirect, text } from './web-forms.js';
import { renderAccountLoginPage, renderConnectionsPage, type ActiveConnectionView, type EndedConnectionView } from './views/account-pages.js';

/** What the customers' connected-apps pages need. */
export interface CustomerAccountDependencies {
  readonly customers: CustomerStore;
  readonly accounts: AccountStore;
  readonly consents: ConsentStore;
  readonly connections: ConnectionStore;
  readonly grants: GrantRevoker;
  /** Writes the API calls this process holds, so "last used" is up to date. */
  readonly flushCalls: () => Promise<void>;
  readonly sessions: SessionCookies;
  readonly formSecret: Buffer;
  readonly secureCookies: boolean;
  readonly logger: Logger;
}

const NOTICES: Readonly<Record<string, string>> = {
  revoked: 'Done: that app can no longer see your accounts. Its access ended at once.',
  'account-removed': 'Done: that account is no longer shared with the app. The other accounts still are.',
  'logged-out': 'You are logged out.',
};

const DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/London',
});

/**
 * The customer's connected apps (`/account`): after logging in (with the lockout of the consent pages), every
 * consent they authorised — app, partner, permissions in plain words, accounts, dates, last use — with
 * "Revoke access" (the consent ends and the partner's very next call is refused) and "Stop sharing" for one account
 * of several. No scripts; every form carries an anti-forgery token.
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
      if (ctx.method === 'POST' && !sessions.verifyCsrf(session, (ctx.request.body as Record<string, unknown> | undefined)?.csrf)) {
        ctx.throw(403, 'This form has expired. Go back, reload the page and try again.');
      }
      await handle(ctx, customer, sessions.csrfToken(session));
    };
  }

  router.get(
    '/',
    withCustomer(async (ctx, customer, csrf) => page(ctx, await connectionsPage(customer, csrf, { notice: noticeOf(ctx, NOTICES) }))),
  );

  router.post('/login', forms, async (ctx) => {
    const form = formOf(ctx);
    if (!loginForms.verify(ctx, 'account-login', form.csrf)) ctx.throw(403, 'This form has expired. Go back, reload the page and try again.');
    const username = text(form.username, 128);
    const result = await authenticateCustomer(customers, username, text(form.password, 1024), new Date());
    if (!result.ok) {
      logger.info({ reason: result.reason }, 'customer login to connected apps refused');
      const error =
        result.reason === 'locked'
          ? 'Too many failed attempts. This login is locked for a while; try again later.'
          : 'The username or password is not right. Check them and try again.';
      return showLogin(ctx, 401, { username, error });
    }
    await sessions.start(ctx, result.customer.id);
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
        () => revokeConsentByCustomer(dependencies.consents, dependencies.grants, customer.id, ctx.params.consentId ?? '', new Date()),
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
        () => removeAccountFromConsent(dependencies.consents, customer.id, ctx.params.consentId ?? '', accountId, new Date()),
        'account-removed',
      );
    }),
  );

  /** A change the customer asked for; a refusal is shown on the connections page. */
  async function act(ctx: Context, customer: Customer, csrf: string, action: () => Promise<void>, done: string): Promise<void> {
    try {
      await action();
      logger.info({ customerId: customer.id, consentId: ctx.params.consentId, action: done }, 'customer changed a connection');
      redirect(ctx, `/account?notice=${done}`);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      page(ctx, await connectionsPage(customer, csrf, { error: error.message }), 400);
    }
  }

  async function connectionsPage(customer: Customer, csrf: string, extra: { notice?: string; error?: string }): Promise<string> {
    await dependencies.flushCalls();
    const [connections, accounts] = await Promise.all([
      listCustomerConnections(dependencies.connections, customer.id, new Date()),
      dependencies.accounts.listByCustomer(customer.id),
    ]);
    const byId = new Map(accounts.map((account) => [account.id, account]));
    return renderConnectionsPage({
      customerName: customer.displayName,
      csrf,
      active: connections.active.map((connection) => activeView(connection, byId)),
      ended: connections.ended.map((connection) => endedView(connection, byId)),
      ...extra,
    });
  }

  const routes = compose<Context>([router.routes() as unknown as Middleware, router.allowedMethods() as unknown as Middleware]);
  return async function customerAccountPages(ctx: Context, next: Next) {
    if (ctx.path !== '/account' && !ctx.path.startsWith('/account/')) return next();
    try {
      await routes(ctx, async () => {});
      if (ctx.body === undefined) ctx.throw(ctx.status === 405 ? 405 : 404, 'There is no such page.');
    } catch (error) {
      const status = (error as { status?: number }).status ?? 500;
      if (status >= 500) logger.error({ err: error, path: ctx.path }, 'connected apps page failed');
      const message = status >= 500 ? 'Something went wrong on our side. Try again in a moment.' : String((error as Error).message);
      page(
        ctx,
        renderMessagePage({
          title: status >= 500 ? 'Something went wrong' : 'We could not continue',
          message,
          reference: String(ctx.state.interactionId ?? ''),
        }),
        status,
      );
    }
  };
}

function activeView(connection: Connection, accounts: ReadonlyMap<string, Account>): ActiveConnectionView {
  return {
    consentId: connection.consentId,
    appName: connection.appName,
    partnerName: connection.partnerName,
    permissions: describePermissions(connection.permissions),
    accounts: connection.accountIds.map((id) => ({ id, label: labelOf(id, accounts) })),
    grantedOn: DATE.format(connection.authorisedAt),
    expiresOn: connection.expiresAt ? DATE.format(connection.expiresAt) : null,
    lastUsed: connection.lastUsedAt ? DATE_TIME.format(connection.lastUsedAt) : null,
  };
}

function endedView(connection: Connection, accounts: ReadonlyMap<string, Account>): EndedConnectionView {
  const grantedOn = DATE.format(connection.authorisedAt);
  if (connection.payment) {
    const { amount, currency, payee } = connection.payment;
    const from = connection.accountIds.map((id) => labelOf(id, accounts)).join(', ');
    const outcome =
      connection.status === ConsentStatus.Consumed
        ? 'Payment made'
        : connection.status === ConsentStatus.Authorised
          ? 'Approved, not paid yet'
          : 'Not paid';
    return {
      appName: connection.appName,
      what: `A payment of ${money(amount, currency)} to ${payee}${from ? ` from ${from}` : ''}`,
      outcome,
      grantedOn,
    };
  }
  const outcome =
    connection.status === ConsentStatus.Revoked
      ? `Revoked on ${DATE.format(connection.statusUpdatedAt)}`
      : connection.status === ConsentStatus.Expired
        ? `Ended on ${DATE.format(connection.expiresAt ?? connection.statusUpdatedAt)}`
        : `Ended on ${DATE.format(connection.statusUpdatedAt)}`;
  return {
    appName: connection.appName,
    what: `Access to ${connection.accountIds.length === 1 ? 'one account' : `${connection.accountIds.length} accounts`}`,
    outcome,
    grantedOn,
  };
}

function labelOf(accountId: string, accounts: ReadonlyMap<string, Account>): string {
  const account = accounts.get(accountId);
  if (!account) return 'An account that is closed';
  const { nickname, maskedIdentification, currency } = accountLabel(account);
  return `${nickname} ${maskedIdentification} · ${currency}`;
}

/** A partner's decimal amount as the customer reads money (`£1,250.00`); as sent if it cannot be read. */
function money(amount: string, currency: string): string {
  try {
    return formatMoney(parseAmount(amount, currency), currency);
  } catch {
    return `${amount} ${currency}`;
  }
}
