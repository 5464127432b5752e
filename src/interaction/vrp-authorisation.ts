import { rejectAwaitingConsent } from '../domain/consents/consent-rejection.js';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { AccountStore } from '../domain/accounts/account.js';
import type { CustomerStore } from '../domain/customers/customer.js';
import { DomainError, InvalidField } from '../domain/errors.js';
import type { VrpConsentStore } from '../domain/payments/vrp/vrp-consent.js';
import { authoriseVrpConsent, eligibleVrpDebtorAccounts } from '../domain/payments/vrp/vrp-consents.js';
import { vrpGrantLifetimeSeconds } from '../oauth/consent-binding.js';
import { text } from '../web/forms.js';
import type { InteractionHelpers } from './payment-authorisation.js';
import { vrpPageModel } from './vrp-page-model.js';
import { renderVrpConsentPage } from './views/vrp-consent-page.js';

type InteractionDetails = Awaited<ReturnType<Provider['interactionDetails']>>;

/** What the VRP consent pages need. */
export interface VrpAuthorisationDependencies {
  readonly provider: Provider;
  readonly vrpConsents: VrpConsentStore;
  readonly accounts: AccountStore;
  readonly customers: CustomerStore;
}

/**
 * The customer's side of a domestic VRP consent: the mandate in plain words and the account to pay from; approving
 * makes it `AUTH` with its own new grant, which lives as long as the mandate (its refresh tokens do too); refusing
 * makes it `RJCT`.
 */
export function vrpAuthorisation(dependencies: VrpAuthorisationDependencies, helpers: InteractionHelpers) {
  const { provider, vrpConsents, accounts, customers } = dependencies;

  async function show(ctx: Context, details: InteractionDetails, consentId: string, status: number, extra: { error?: string } = {}) {
    const customerId = String(details.session?.accountId ?? '');
    const [client, consent, customer] = await Promise.all([
      provider.Client.find(String(details.params.client_id)),
      vrpConsents.findById(consentId),
      customers.findById(customerId),
    ]);
    if (!consent || !customer) return helpers.finishWithError(ctx, 'access_denied', 'The consent or the customer could not be found');
    const customerAccounts = await accounts.listByCustomer(customer.id);
    ctx.status = status;
    ctx.type = 'html';
    ctx.body = renderVrpConsentPage(
      vrpPageModel({
        formAction: `/interaction/${details.uid}/confirm`,
        csrfToken: helpers.csrfToken(ctx, details),
        partnerName: client?.clientName ?? 'An app',
        customerName: customer.displayName,
        consent,
        customerAccounts,
        accounts: eligibleVrpDebtorAccounts(consent, customerAccounts),
        ...(extra.error ? { error: extra.error } : {}),
      }),
    );
  }

  async function decide(ctx: Context, details: InteractionDetails, consentId: string, form: Record<string, unknown>) {
    const customerId = String(details.session?.accountId ?? '');
    const decision = ([] as unknown[]).concat(form.decision ?? []).map(String);
    if (decision.includes('deny')) return reject(ctx, consentId);
    const consent = await vrpConsents.findById(consentId);
    if (!consent) return helpers.finishWithError(ctx, 'access_denied', 'The consent could not be found');
    const debtorAccountId = text(form.debtorAccount, 64);
    const customerAccounts = await accounts.listByCustomer(customerId);
    if (!eligibleVrpDebtorAccounts(consent, customerAccounts).some((account) => account.id === debtorAccountId)) {
      return show(ctx, details, consentId, 400, { error: 'Choose the account to pay from.' });
    }
    const grant = await helpers.createGrant(details, vrpGrantLifetimeSeconds(consent.validTo, new Date()));
    try {
      await authoriseVrpConsent(vrpConsents, consentId, { customerId, debtorAccountId, grantId: grant.id }, customerAccounts, new Date());
    } catch (error) {
      await grant.destroy();
      if (error instanceof InvalidField) return show(ctx, details, consentId, 400, { error: 'Choose the account to pay from.' });
      if (error instanceof DomainError) return helpers.finishWithError(ctx, 'access_denied', error.message);
      throw error;
    }
    await helpers.finishWithGrant(ctx, grant.id, null);
  }

  async function reject(ctx: Context, consentId: string) {
    const description = 'The customer did not agree to the payments';
    try {
      await rejectAwaitingConsent(vrpConsents, consentId, { code: 'U033', description }, new Date());
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
    await helpers.finishWithError(ctx, 'access_denied', description);
  }

  return { show, decide };
}
