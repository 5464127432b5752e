import type { Context, Next } from 'koa';
import type { FundsConfirmationConsentStore } from '../../domain/funds-confirmations/funds-confirmation-consent.js';
import { findFundsConfirmationConsentOfToken } from '../../domain/funds-confirmations/funds-confirmation-consents.js';
import { rememberAppStanding, rememberFundsConfirmationConsent, verifiedTokenOf } from '../request-state.js';
import { refusalOfUnusableConsent, type AppStandingLookup } from './require-active-app.js';

/**
 * For customer tokens on the funds confirmation API: the token must still be able to use its consent (domain
 * `findFundsConfirmationConsentOfToken`: the consent of the token's client, still resting on the grant the token came
 * from), else 401. Its status is for each use to check (U009). Remembers the consent, and the standing of its app (read
 * in the same statement, for `requireActiveApp`).
 */
export function requireFundsConfirmationConsent(consents: FundsConfirmationConsentStore, findAppStanding: AppStandingLookup) {
  return async function requireFundsConfirmationConsentMiddleware(ctx: Context, next: Next) {
    const token = verifiedTokenOf(ctx);
    const found =
      token.consentId && token.grantReference
        ? await findFundsConfirmationConsentOfToken(consents, token.consentId, token.clientId, token.grantReference)
        : null;
    if (!found) {
      throw await refusalOfUnusableConsent(
        findAppStanding,
        token.clientId,
        'This access token is not bound to a funds confirmation consent of this client',
      );
    }
    rememberFundsConfirmationConsent(ctx, found.consent);
    rememberAppStanding(ctx, found.app);
    await next();
  };
}
