import type { Context, Next } from 'koa';
import type { PaymentConsentStore } from '../../domain/payments/payment-consent.js';
import { findPaymentConsentOfToken } from '../../domain/payments/payment-consents.js';
import { unauthorized } from '../api-error.js';
import type { VerifiedToken } from './require-access-token.js';

/**
 * For customer tokens on the payment API: the token must still be able to use its payment consent (domain
 * `findPaymentConsentOfToken`), else 401. Puts the consent on `ctx.state.paymentConsent`.
 */
export function requirePaymentConsent(consents: PaymentConsentStore) {
  return async function requirePaymentConsentMiddleware(ctx: Context, next: Next) {
    const token = ctx.state.token as VerifiedToken;
    const consent =
      token.consentId && token.grantReference ? await findPaymentConsentOfToken(consents, token.consentId, token.clientId, token.grantReference) : null;
    if (!consent) throw unauthorized('This access token is not bound to a payment consent of this client');
    ctx.state.paymentConsent = consent;
    await next();
  };
}
