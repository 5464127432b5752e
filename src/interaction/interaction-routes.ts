import bodyParser from '@koa/bodyparser';
import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type Provider from 'oidc-provider';
import { errors as oidcErrors } from 'oidc-provider';
import { shareableAccounts, type AccountStore } from '../domain/accounts/account.js';
import type { ConsentStore } from '../domain/consents/account-access-consent.js';
import { authoriseAccountAccessConsent, rejectAccountAccessConsent } from '../domain/consents/account-access-consents.js';
import type { CustomerStore } from '../domain/customers/customer.js';
import { ActionNotAllowed, DomainError, InvalidField } from '../domain/errors.js';
import { assertAppMayServeCustomer } from '../domain/partners/app-lifecycle.js';
import type { PartnerStore } from '../domain/partners/partner-app.js';
import type { OutagePolicy } from '../domain/outage.js';
import type { Logger } from '../logging/logger.js';
import { LOGIN_ACR } from '../oauth/consent-binding.js';
import { intentIdOf } from '../oauth/openbanking-intent.js';
import { isFundsConfirmationConsentId, isPaymentConsentId, isVrpConsentId } from '../domain/consents/intents.js';
import { consentPageModel } from './consent-page-model.js';
import { csrfProtection, refuseExpiredForm } from '../web/csrf.js';
import { formOf, page } from '../web/forms.js';
import { checkCustomerLoginForm } from '../web/login-form.js';
import { pageFailure, type PageErrorWording } from '../web/page-errors.js';
import { servePages } from '../web/page-routes.js';
import { renderConsentPage } from './views/consent-page.js';
import { renderLoginPage } from './views/login-page.js';
import { renderMessagePage } from '../web/message-page.js';
import { paymentAuthorisation, type PaymentAuthorisationDependencies } from './payment-authorisation.js';
import { vrpAuthorisation, type VrpAuthorisationDependencies } from './vrp-authorisation.js';
import { fundsConfirmationAuthorisation, type FundsConfirmationAuthorisationDependencies } from './funds-confirmation-authorisation.js';

/** What the customer pages need. */
export interface InteractionDependencies {
  readonly provider: Provider;
  readonly consents: ConsentStore;
  readonly customers: CustomerStore;
  readonly accounts: AccountStore;
  /** The partner apps: a sandbox app may connect sandbox customers only. */
  readonly partners: Pick<PartnerStore, 'findApp'>;
  readonly cookieSecret: string;
  readonly logger: Logger;
  readonly payments: PaymentAuthorisationDependencies;
  readonly vrp: VrpAuthorisationDependencies;
  readonly fundsConfirmation: FundsConfirmationAuthorisationDependencies;
  /** Which errors mean the bank is briefly unavailable (the page then answers 503 with `Retry-After`). */
  readonly outages: OutagePolicy;
}

type InteractionDetails = Awaited<ReturnType<Provider['interactionDetails']>>;

/**
 * The pages that finish oidc-provider interactions: login (strong customer authentication, lockout after
 * repeated failures), then the consent page where the customer picks accounts (or, for a payment or a VRP mandate, the
 * account to pay from; for funds checks, the account the partner named) and approves or denies. One
 * new grant per consent (research §3.5); the consent is bound to the customer, accounts and grant.
 */
export function createInteractionRoutes(dependencies: InteractionDependencies): Middleware {
  const { provider, consents, customers, accounts, logger } = dependencies;
  const csrf = csrfProtection(dependencies.cookieSecret);
  const router = new Router({ prefix: '/interaction' });
  const forms = bodyParser({ enableTypes: ['form'], formLimit: '16kb' });
  const helpers = {
    csrfToken: (ctx: Context, details: InteractionDetails) => csrf.issue(ctx, details.uid),
    finishWithError: (ctx: Context, error: string, description: string) => finishWithError(ctx, error, description),
    createGrant,
    finishWithGrant,
  };
  const paymentPages = paymentAuthorisation(dependencies.payments, helpers);
  const vrpPages = vrpAuthorisation(dependencies.vrp, helpers);
  const fundsPages = fundsConfirmationAuthorisation(dependencies.fundsConfirmation, helpers);

  /**
   * A new grant holding what the authorization request asked for: one grant per consent (research §3.5). It lives
   * `lifetimeSeconds` when given (oidc-provider's tokens take `expiresIn` in their constructor, though its types leave
   * it out), else `ttl.Grant`.
   */
  async function createGrant(details: InteractionDetails, lifetimeSeconds?: number): Promise<{ id: string; destroy(): Promise<void> }> {
    const properties: { accountId: string; clientId: string; expiresIn?: number } = {
      accountId: String(details.session?.accountId),
      clientId: String(details.params.client_id),
      ...(lifetimeSeconds === undefined ? {} : { expiresIn: lifetimeSeconds }),
    };
    const grant = new provider.Grant(properties);
    addRequestedAccess(grant, details);
    const id = await grant.save();
    return { id, destroy: () => grant.destroy() };
  }

  /** Ends the interaction with the grant; `stepUp` records a one-time code entered just now (acr sca). */
  async function finishWithGrant(ctx: Context, grantId: string, stepUp: { accountId: string; acr: string } | null): Promise<void> {
    const login = stepUp ? { login: { accountId: stepUp.accountId, acr: stepUp.acr, amr: ['pwd', 'otp'], remember: false } } : {};
    await provider.interactionFinished(ctx.req, ctx.res, { ...login, consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  router.get('/:uid', async (ctx) => {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.prompt.name === 'login') return showLogin(ctx, details, 200);
    return showConsent(ctx, details, 200);
  });

  router.post('/:uid/login', forms, async (ctx) => {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const form = formOf(ctx);
    assertCsrf(ctx, details, form.csrf);
    if (details.prompt.name !== 'login') return showConsent(ctx, details, 200);
    const result = await checkCustomerLoginForm(customers, form, new Date());
    if (!result.ok) {
      logger.info({ interaction: details.uid, reason: result.reason }, 'customer login refused');
      return showLogin(ctx, details, 401, { username: result.identifier, error: result.error });
    }
    const customer = result.holder;
    const app = await dependencies.partners.findApp(String(details.params.client_id));
    try {
      if (!app) throw new ActionNotAllowed('This app is no longer registered');
      assertAppMayServeCustomer(app, customer.environment);
    } catch (error) {
      if (!(error instanceof ActionNotAllowed)) throw error;
      logger.info({ interaction: details.uid, clientId: app?.clientId, customerEnvironment: customer.environment }, 'customer refused to the app');
      return finishWithError(ctx, 'access_denied', error.message);
    }
    await provider.interactionFinished(
      ctx.req,
      ctx.res,
      { login: { accountId: customer.id, acr: LOGIN_ACR, amr: ['pwd'], remember: false } },
      { mergeWithLastSubmission: false },
    );
  });

  router.post('/:uid/confirm', forms, async (ctx) => {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const form = formOf(ctx);
    assertCsrf(ctx, details, form.csrf);
    const consentId = intentIdOf(details.params.claims);
    const customerId = details.session?.accountId;
    if (details.prompt.name !== 'consent' || !consentId || !customerId) return showLogin(ctx, details, 200);
    if (isPaymentConsentId(consentId)) return paymentPages.decide(ctx, details, consentId, form);
    if (isVrpConsentId(consentId)) return vrpPages.decide(ctx, details, consentId, form);
    if (isFundsConfirmationConsentId(consentId)) return fundsPages.decide(ctx, details, consentId, form);
    if (form.decision === 'deny') return deny(ctx, consentId);
    const chosen = ([] as unknown[]).concat(form.accounts ?? []).map(String);
    const eligible = shareableAccounts(await accounts.listByCustomer(customerId)).map((account) => account.id);
    const grant = await createGrant(details);
    try {
      await authoriseAccountAccessConsent(consents, consentId, { customerId, accountIds: chosen, grantId: grant.id }, eligible, new Date());
    } catch (error) {
      await grant.destroy();
      if (error instanceof InvalidField) return showConsent(ctx, details, 400, { error: `${error.message}.`, selected: chosen });
      if (error instanceof DomainError) return finishWithError(ctx, 'access_denied', error.message);
      throw error;
    }
    await finishWithGrant(ctx, grant.id, null);
  });

  async function deny(ctx: Context, consentId: string) {
    try {
      await rejectAccountAccessConsent(consents, consentId, new Date());
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
    await finishWithError(ctx, 'access_denied', 'The customer denied access');
  }

  async function finishWithError(ctx: Context, error: string, description: string) {
    await provider.interactionFinished(ctx.req, ctx.res, { error, error_description: description }, { mergeWithLastSubmission: false });
  }

  async function showLogin(ctx: Context, details: InteractionDetails, status: number, extra: { username?: string; error?: string } = {}) {
    const client = await provider.Client.find(String(details.params.client_id));
    ctx.status = status;
    ctx.type = 'html';
    ctx.body = renderLoginPage({
      formAction: `/interaction/${details.uid}/login`,
      csrfToken: csrf.issue(ctx, details.uid),
      partnerName: client?.clientName ?? 'An app',
      ...extra,
    });
  }

  async function showConsent(ctx: Context, details: InteractionDetails, status: number, extra: { error?: string; selected?: string[] } = {}) {
    const consentId = intentIdOf(details.params.claims);
    if (consentId && isPaymentConsentId(consentId)) return paymentPages.show(ctx, details, consentId, status);
    if (consentId && isVrpConsentId(consentId)) return vrpPages.show(ctx, details, consentId, status);
    if (consentId && isFundsConfirmationConsentId(consentId)) return fundsPages.show(ctx, details, consentId, status);
    const customerId = details.session?.accountId;
    const [client, consent, customer] = await Promise.all([
      provider.Client.find(String(details.params.client_id)),
      consentId ? consents.findById(consentId) : null,
      customerId ? customers.findById(customerId) : null,
    ]);
    if (!consent || !customer) return finishWithError(ctx, 'access_denied', 'The consent or the customer could not be found');
    ctx.status = status;
    ctx.type = 'html';
    ctx.body = renderConsentPage(
      consentPageModel({
        formAction: `/interaction/${details.uid}/confirm`,
        csrfToken: csrf.issue(ctx, details.uid),
        partnerName: client?.clientName ?? 'An app',
        customerName: customer.displayName,
        consent,
        accounts: shareableAccounts(await accounts.listByCustomer(customer.id)),
        ...(extra.selected ? { selectedAccountIds: extra.selected } : {}),
        ...(extra.error ? { error: extra.error } : {}),
      }),
    );
  }

  function assertCsrf(ctx: Context, details: InteractionDetails, submitted: unknown) {
    if (!csrf.verify(ctx, details.uid, submitted)) refuseExpiredForm(ctx, 'Go back to the app and start again.');
  }

  return servePages(router, '/interaction', (ctx, error) => {
    const failure = pageFailure(ctx, error, INTERACTION_WORDING, logger, dependencies.outages);
    page(ctx, renderMessagePage({ title: failure.title, message: failure.message, reference: failure.reference }), failure.status);
  });
}

/** How the customer's consent pages word their failures: an expired or used link sends the customer back to the app. */
const INTERACTION_WORDING: PageErrorWording = {
  retry: 'Go back to the app and try again.',
  refusal: (error) =>
    error instanceof oidcErrors.SessionNotFound
      ? { title: 'This link has expired', message: 'This link has expired or was already used. Go back to the app and start again.' }
      : undefined,
};

/** Everything the authorization request asked for and the client may have goes into the new grant. */
function addRequestedAccess(grant: InstanceType<Provider['Grant']>, details: InteractionDetails): void {
  const prompt = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (prompt.missingOIDCScope) grant.addOIDCScope(prompt.missingOIDCScope.join(' '));
  if (prompt.missingOIDCClaims) grant.addOIDCClaims(prompt.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(prompt.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '));
}
