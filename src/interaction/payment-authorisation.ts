import { rejectAwaitingConsent } from '../domain/consents/consent-rejection.js';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { AccountStore } from '../domain/accounts/account.js';
import type { CustomerStore } from '../domain/customers/customer.js';
import { DomainError, InvalidField } from '../domain/errors.js';
import type { PaymentStore } from '../domain/payments/domestic-payment.js';
import type { PaymentConsentStore } from '../domain/payments/payment-consent.js';
import { authorisePaymentConsent, eligibleDebtorAccounts, instructionOf } from '../domain/payments/payment-consents.js';
import type { RiskPolicy } from '../domain/payments/risk-policy.js';
import { needsStepUp, oneTimeCode, verifyOneTimeCode, type StepUpChallenge } from '../domain/payments/step-up.js';
import { formatAmount } from '../domain/money.js';
import { paymentPageModel } from './payment-page-model.js';
import { formatMoney } from '../web/formats.js';
import { text } from '../web/forms.js';
import { STEP_UP_ACR } from '../oauth/consent-binding.js';
import { renderPaymentConsentPage, renderStepUpPage } from './views/payment-consent-page.js';

/** Wrong codes allowed before the payment consent is rejected. */
const MAX_CODE_ATTEMPTS = 3;

type InteractionDetails = Awaited<ReturnType<Provider['interactionDetails']>>;

/** What the payment pages need. */
export interface PaymentAuthorisationDependencies {
  readonly provider: Provider;
  readonly paymentConsents: PaymentConsentStore;
  readonly payments: PaymentStore;
  readonly accounts: AccountStore;
  readonly customers: CustomerStore;
  readonly risk: RiskPolicy;
  /** Key of the one-time codes. */
  readonly stepUpSecret: Uint8Array;
  /** Whether the sandbox shows the code on the page (no phone to send it to). */
  readonly showCodeOnPage: boolean;
  /** Claims attempt `attempt` at the code of a consent, once across all processes; false when already claimed. */
  readonly reserveCodeAttempt: (consentId: string, attempt: number, until: Date) => Promise<boolean>;
}

/** What the interaction routes lend the payment pages: the CSRF token and how to end the interaction. */
export interface InteractionHelpers {
  csrfToken(ctx: Context, details: InteractionDetails): string;
  finishWithError(ctx: Context, error: string, description: string): Promise<void>;
  /**
   * A new grant holding what the authorization request asked for (one grant per consent), living `lifetimeSeconds` when
   * given, else the provider's `ttl.Grant`.
   */
  createGrant(details: InteractionDetails, lifetimeSeconds?: number): Promise<{ id: string; destroy(): Promise<void> }>;
  /** Ends the interaction with the grant; `stepUp` records the stronger authentication just performed. */
  finishWithGrant(ctx: Context, grantId: string, stepUp: { accountId: string; acr: string } | null): Promise<void>;
}

/**
 * The customer's side of a domestic payment consent: the page with payee, amount, reference, charges and the
 * account to pay from; then, for a large amount or a new payee, a one-time code bound to what was shown
 * (strong customer authentication); then the consent is `AUTH` with its own new grant.
 */
export function paymentAuthorisation(dependencies: PaymentAuthorisationDependencies, helpers: InteractionHelpers) {
  const { provider, paymentConsents, payments, accounts, customers } = dependencies;

  async function show(
    ctx: Context,
    details: InteractionDetails,
    consentId: string,
    status: number,
    extra: { error?: string; selected?: string } = {},
  ) {
    const customerId = String(details.session?.accountId ?? '');
    const [client, consent, customer] = await Promise.all([
      provider.Client.find(String(details.params.client_id)),
      paymentConsents.findById(consentId),
      customers.findById(customerId),
    ]);
    if (!consent || !customer) return helpers.finishWithError(ctx, 'access_denied', 'The consent or the customer could not be found');
    ctx.status = status;
    ctx.type = 'html';
    ctx.body = renderPaymentConsentPage(
      paymentPageModel({
        formAction: `/interaction/${details.uid}/confirm`,
        csrfToken: helpers.csrfToken(ctx, details),
        partnerName: client?.clientName ?? 'An app',
        customerName: customer.displayName,
        consent,
        accounts: eligibleDebtorAccounts(consent, await accounts.listByCustomer(customer.id)),
        ...(extra.selected ? { selectedAccountId: extra.selected } : {}),
        ...(extra.error ? { error: extra.error } : {}),
      }),
    );
  }

  async function decide(ctx: Context, details: InteractionDetails, consentId: string, form: Record<string, unknown>) {
    const customerId = String(details.session?.accountId ?? '');
    const decision = ([] as unknown[]).concat(form.decision ?? []).map(String);
    if (decision.includes('deny')) return reject(ctx, consentId, 'The customer cancelled the payment');
    const consent = await paymentConsents.findById(consentId);
    if (!consent) return helpers.finishWithError(ctx, 'access_denied', 'The consent could not be found');
    const debtorAccountId = text(form.debtorAccount, 64);
    const customerAccounts = await accounts.listByCustomer(customerId);
    if (!eligibleDebtorAccounts(consent, customerAccounts).some((account) => account.id === debtorAccountId)) {
      return show(ctx, details, consentId, 400, { error: 'Choose the account to pay from.' });
    }
    const instruction = instructionOf(consent);
    const stepUp = needsStepUp(
      dependencies.risk,
      instruction.amountMinor,
      await payments.hasPaidPayee(customerId, instruction.creditor.identification),
    );
    if (stepUp) {
      const challenge: StepUpChallenge = {
        interactionId: details.uid,
        consentId,
        debtorAccountId,
        amount: formatAmount(instruction.amountMinor, instruction.currency),
        currency: instruction.currency,
        payee: `${instruction.creditor.schemeName}:${instruction.creditor.identification}`,
      };
      const submitted = typeof form.otp === 'string' ? form.otp : null;
      let attempt = 0;
      if (submitted !== null) {
        attempt = await reserveAttempt(consentId, consent.authoriseBy);
        if (attempt === 0) return reject(ctx, consentId, 'The one-time code was entered wrongly too many times');
      }
      if (submitted === null || !verifyOneTimeCode(dependencies.stepUpSecret, challenge, submitted)) {
        if (attempt === MAX_CODE_ATTEMPTS) return reject(ctx, consentId, 'The one-time code was entered wrongly too many times');
        ctx.status = submitted === null ? 200 : 400;
        ctx.type = 'html';
        ctx.body = renderStepUpPage({
          formAction: `/interaction/${details.uid}/confirm`,
          csrfToken: helpers.csrfToken(ctx, details),
          amount: formatMoney(instruction.amountMinor, instruction.currency),
          payeeName: instruction.creditor.name,
          debtorAccountId,
          reason:
            instruction.amountMinor >= dependencies.risk.stepUpFromMinor
              ? 'This is a large payment, so we need to check it is you.'
              : 'You have not paid this payee before, so we need to check it is you.',
          sandboxCode: dependencies.showCodeOnPage ? oneTimeCode(dependencies.stepUpSecret, challenge) : null,
          ...(submitted === null
            ? {}
            : {
                error: `That code is not right. You have ${MAX_CODE_ATTEMPTS - attempt} more ${MAX_CODE_ATTEMPTS - attempt === 1 ? 'try' : 'tries'}.`,
              }),
        });
        return;
      }
    }
    const grant = await helpers.createGrant(details);
    try {
      await authorisePaymentConsent(paymentConsents, consentId, { customerId, debtorAccountId, grantId: grant.id }, customerAccounts, new Date());
    } catch (error) {
      await grant.destroy();
      if (error instanceof InvalidField) return show(ctx, details, consentId, 400, { error: 'Choose the account to pay from.' });
      if (error instanceof DomainError) return helpers.finishWithError(ctx, 'access_denied', error.message);
      throw error;
    }
    await helpers.finishWithGrant(ctx, grant.id, stepUp ? { accountId: customerId, acr: STEP_UP_ACR } : null);
  }

  /**
   * Reserves one of the consent's {@link MAX_CODE_ATTEMPTS} code attempts before the code is checked, atomically
   * (parallel guesses cannot share an attempt, and a new authorization request does not reset them).
   * @returns the attempt's number, or 0 when all are used.
   */
  async function reserveAttempt(consentId: string, until: Date): Promise<number> {
    for (let attempt = 1; attempt <= MAX_CODE_ATTEMPTS; attempt += 1) {
      if (await dependencies.reserveCodeAttempt(consentId, attempt, until)) return attempt;
    }
    return 0;
  }

  async function reject(ctx: Context, consentId: string, description: string) {
    try {
      await rejectAwaitingConsent(paymentConsents, consentId, { code: 'U033', description }, new Date());
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
    await helpers.finishWithError(ctx, 'access_denied', description);
  }

  return { show, decide };
}
