import type { Context } from 'koa';
import type { AccountAccessConsent } from '../../domain/consents/account-access-consent.js';

/** The consent (and its shared accounts) that `requireAuthorisedConsent` put on the request. */
export function consentOf(ctx: Context): { consent: AccountAccessConsent; accountIds: readonly string[] } {
  return { consent: ctx.state.consent as AccountAccessConsent, accountIds: ctx.state.consentAccountIds as readonly string[] };
}
