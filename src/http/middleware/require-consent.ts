import type { Context, Next } from 'koa';
import type { ConsentStore } from '../../domain/consents/account-access-consent.js';
import { findUsableConsent } from '../../domain/consents/account-access-consents.js';
import { unauthorized } from '../api-error.js';
import type { VerifiedToken } from './require-access-token.js';

/**
 * For customer tokens: the consent the token is bound to must still be `AUTH` (not revoked, rejected or
 * expired), belong to the token's client and still rest on the grant the token came from, checked in the database on
 * every call so that a revocation takes effect on the very next request. Puts the consent, its shared accounts and
 * the standing of its app (read in the same statement, for `requireActiveApp`) on `ctx.state`.
 */
export function requireAuthorisedConsent(consents: ConsentStore) {
  return async function requireAuthorisedConsentMiddleware(ctx: Context, next: Next) {
    const token = ctx.state.token as VerifiedToken;
    const usable =
      token.consentId && token.grantReference
        ? await findUsableConsent(consents, token.consentId, token.clientId, token.grantReference, new Date())
        : null;
    if (!usable) throw unauthorized('The consent behind this access token is no longer authorised');
    ctx.state.consent = usable.consent;
    ctx.state.consentAccountIds = usable.accountIds;
    ctx.state.appStanding = usable.app;
    await next();
  };
}
