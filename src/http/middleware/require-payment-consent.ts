import type { Context, Next } from 'koa';
import { grantReference } from '../../domain/consents/account-access-consents.js';
import type { PaymentConsentStore } from '../../domain/payments/payment-consent.js';
import { unauthorized } from '../api-error.js';
import type { VerifiedToken } from './require-access-token.js';

/**
 * For customer tokens on the payment API: the token's consent must be a payment consent of the token's client,
 * still bound to the grant the token came from. Its status is the handler's business (U009), because an
 * idempotent replay must still answer after the consent was consumed. Puts it on `ctx.state.paymentConsent`.
 */
export function requirePaymentConsent(consents: PaymentConsentStore) {
  return async function requirePaymentConsentMiddleware(ctx: Context, next: Next) {
    const token = ctx.state.token as VerifiedToken;
    const consent = token.consentId ? await consents.findById(token.consentId) : null;
    if (!consent || consent.clientId !== token.clientId || !consent.grantId || grantReference(consent.grantId) !== token.grantReference) {
      throw unauthorized('This access token is not bound to a payment consent of this client');
    }
    ctx.state.paymentConsent = consent;
    await next();
  };
}
