import { rejectAwaitingConsent } from '../domain/consents/consent-rejection.js';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { maskIdentification, type AccountStore } from '../domain/accounts/account.js';
import type { CustomerStore } from '../domain/customers/customer.js';
import { formatCustomerDate } from '../domain/customer-text.js';
import { DomainError } from '../domain/errors.js';
import type { FundsConfirmationConsentStore } from '../domain/funds-confirmations/funds-confirmation-consent.js';
import { authoriseFundsConfirmationConsent, namedAccountOf, parseDebtorAccount } from '../domain/funds-confirmations/funds-confirmation-consents.js';
import { accountLine } from '../web/account-labels.js';
import type { InteractionHelpers } from './payment-authorisation.js';
import { renderFundsConfirmationConsentPage } from './views/funds-confirmation-consent-page.js';

type InteractionDetails = Awaited<ReturnType<Provider['interactionDetails']>>;

/** What the funds confirmation consent pages need. */
export interface FundsConfirmationAuthorisationDependencies {
  readonly provider: Provider;
  readonly fundsConfirmationConsents: FundsConfirmationConsentStore;
  readonly accounts: AccountStore;
  readonly customers: CustomerStore;
}

/**
 * The customer's side of a funds confirmation consent: the account it names and until when, in plain words; approving
 * makes it `AUTH` with its own new grant (bound to that account), refusing makes it `RJCT`. There is no account to
 * choose: the partner named it, and it must be the customer's.
 */
export function fundsConfirmationAuthorisation(dependencies: FundsConfirmationAuthorisationDependencies, helpers: InteractionHelpers) {
  const { provider, fundsConfirmationConsents, accounts, customers } = dependencies;

  async function show(ctx: Context, details: InteractionDetails, consentId: string, status: number) {
    const customerId = String(details.session?.accountId ?? '');
    const [client, consent, customer] = await Promise.all([
      provider.Client.find(String(details.params.client_id)),
      fundsConfirmationConsents.findById(consentId),
      customers.findById(customerId),
    ]);
    if (!consent || !customer) return helpers.finishWithError(ctx, 'access_denied', 'The consent or the customer could not be found');
    const account = namedAccountOf(consent, await accounts.listByCustomer(customer.id));
    ctx.status = status;
    ctx.type = 'html';
    ctx.body = renderFundsConfirmationConsentPage({
      formAction: `/interaction/${details.uid}/confirm`,
      csrfToken: helpers.csrfToken(ctx, details),
      partnerName: client?.clientName ?? 'An app',
      customerName: customer.displayName,
      account: account ? accountLine(account) : null,
      namedAccount: maskIdentification(parseDebtorAccount(consent.request).identification),
      until: consent.expiresAt ? formatCustomerDate(new Date(consent.expiresAt.getTime() - 1)) : null,
    });
  }

  async function decide(ctx: Context, details: InteractionDetails, consentId: string, form: Record<string, unknown>) {
    const customerId = String(details.session?.accountId ?? '');
    const decision = ([] as unknown[]).concat(form.decision ?? []).map(String);
    if (decision.includes('deny')) return reject(ctx, consentId);
    if (!decision.includes('approve')) return show(ctx, details, consentId, 400);
    const grant = await helpers.createGrant(details);
    try {
      const customerAccounts = await accounts.listByCustomer(customerId);
      await authoriseFundsConfirmationConsent(fundsConfirmationConsents, consentId, { customerId, grantId: grant.id }, customerAccounts, new Date());
    } catch (error) {
      await grant.destroy();
      if (error instanceof DomainError) return helpers.finishWithError(ctx, 'access_denied', error.message);
      throw error;
    }
    await helpers.finishWithGrant(ctx, grant.id, null);
  }

  async function reject(ctx: Context, consentId: string) {
    const description = 'The customer did not agree to the funds checks';
    try {
      await rejectAwaitingConsent(fundsConfirmationConsents, consentId, { code: 'U033', description }, new Date());
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
    await helpers.finishWithError(ctx, 'access_denied', description);
  }

  return { show, decide };
}
