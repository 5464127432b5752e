import type { Context, Next } from 'koa';
import type { VrpConsentStore } from '../../domain/payments/vrp/vrp-consent.js';
import { findVrpConsentOfToken } from '../../domain/payments/vrp/vrp-consents.js';
import { rememberAppStanding, rememberVrpConsent, verifiedTokenOf } from '../request-state.js';
import { refusalOfUnusableConsent, type AppStandingLookup } from './require-active-app.js';

/**
 * For customer tokens on the VRP endpoints: the token must still be able to use its VRP consent (domain
 * `findVrpConsentOfToken`: the consent of the token's client, still resting on the grant the token came from), else 401.
 * Its status is for each use to check (U009). Remembers the consent, and the standing of its app (read in the same
 * statement, for `requireActiveApp`).
 */
export function requireVrpConsent(consents: VrpConsentStore, findAppStanding: AppStandingLookup) {
  return async function requireVrpConsentMiddleware(ctx: Context, next: Next) {
    const token = verifiedTokenOf(ctx);
    const found =
      token.consentId && token.grantReference ? await findVrpConsentOfToken(consents, token.consentId, token.clientId, token.grantReference) : null;
    if (!found)
      throw await refusalOfUnusableConsent(findAppStanding, token.clientId, 'This access token is not bound to a VRP consent of this client');
    rememberVrpConsent(ctx, found.consent);
    rememberAppStanding(ctx, found.app);
    await next();
  };
}
