import type { Context, Next } from 'koa';
import type { ConsentStore } from '../../domain/consents/account-access-consent.js';
import { findUsableConsent } from '../../domain/consents/account-access-consents.js';
import { rememberAccountAccess, rememberAppStanding, verifiedTokenOf } from '../request-state.js';
import { refusalOfUnusableConsent, type AppStandingLookup } from './require-active-app.js';

/**
 * For customer tokens: the consent the token is bound to must still be `AUTH` (not revoked, rejected or
 * expired), belong to the token's client and still rest on the grant the token came from, checked in the database on
 * every call so that a revocation takes effect on the very next request. Remembers the consent, its shared accounts and
 * the standing of its app (read in the same statement, for `requireActiveApp`).
 */
export function requireAuthorisedConsent(consents: ConsentStore, findAppStanding: AppStandingLookup) {
  return async function requireAuthorisedConsentMiddleware(ctx: Context, next: Next) {
    const token = verifiedTokenOf(ctx);
    const usable =
      token.consentId && token.grantReference
        ? await findUsableConsent(consents, token.consentId, token.clientId, token.grantReference, new Date())
        : null;
    if (!usable)
      throw await refusalOfUnusableConsent(findAppStanding, token.clientId, 'The consent behind this access token is no longer authorised');
    rememberAccountAccess(ctx, { consent: usable.consent, accountIds: usable.accountIds });
    rememberAppStanding(ctx, usable.app);
    await next();
  };
}
