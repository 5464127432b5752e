import type { Context, Next } from 'koa';
import type { PaymentConsentStore } from '../../domain/payments/payment-consent.js';
import { findPaymentConsentOfToken } from '../../domain/payments/payment-consents.js';
import { rememberAppStanding, rememberPaymentConsent, verifiedTokenOf } from '../request-state.js';
import { refusalOfUnusableConsent, type AppStandingLookup } from './require-active-app.js';

/**
 * For customer tokens on the payment API: the token must still be able to use its payment consent (domain
 * `findPaymentConsentOfToken`), of the route's kind (a token for a domestic consent does not pay an international one,
 * nor the other way round), else 401. Remembers the consent, and the standing of its app (read in the same statement,
 * for `requireActiveApp`).
 */
export function requirePaymentConsent(
  consents: PaymentConsentStore,
  findAppStanding: AppStandingLookup,
  kind: 'domestic' | 'international' = 'domestic',
) {
  return async function requirePaymentConsentMiddleware(ctx: Context, next: Next) {
    const token = verifiedTokenOf(ctx);
    const found =
      token.consentId && token.grantReference
        ? await findPaymentConsentOfToken(consents, token.consentId, token.clientId, token.grantReference)
        : null;
    if (!found || (found.consent.international ? 'international' : 'domestic') !== kind)
      throw await refusalOfUnusableConsent(findAppStanding, token.clientId, 'This access token is not bound to a payment consent of this client');
    rememberPaymentConsent(ctx, found.consent);
    rememberAppStanding(ctx, found.app);
    await next();
  };
}
