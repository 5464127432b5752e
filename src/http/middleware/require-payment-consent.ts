import type { Context, Next } from 'koa';
import type { PaymentConsentStore } from '../../domain/payments/payment-consent.js';
import { findPaymentConsentOfToken } from '../../domain/payments/payment-consents.js';
import { unauthorized } from '../api-error.js';
import type { VerifiedToken } from './require-access-token.js';

/**
 * For customer tokens on the payment API: the token must still be able to use its payment consent (domain
 * `findPaymentConsentOfToken`), else 401. Puts the consent on `ctx.state.paymentConsent`, and the standing of its app
 * (read in the same statement, for `requireActiveApp`) on `ctx.state.appStanding`.
 */
export function requirePaymentConsent(consents: PaymentConsentStore) {
  return async function requirePaymentConsentMiddleware(ctx: Context, next: Next) {
    const token = ctx.state.token as VerifiedToken;
    const found =
      token.consentId && token.grantReference
        ? await findPaymentConsentOfToken(consents, token.consentId, token.clientId, token.grantReference)
        : null;
    if (!found) throw unauthorized('This access token is not bound to a payment consent of this client');
    ctx.state.paymentConsent = found.consent;
    ctx.state.appStanding = found.app;
    await next();
  };
}
