import type { Context } from 'koa';
import type { ConsentedResult } from '../../domain/accounts/read-under-consent.js';
import type { UsableConsent } from '../../domain/consents/account-access-consents.js';
import { appNotActive, refusalOfUnusableConsent, type AppStandingLookup } from '../middleware/require-active-app.js';
import { clientOf } from '../request-state.js';

/**
 * What a customer call read under its token's consent, or the refusal every customer token gets when its consent or its
 * app cannot be used: 401 U006 naming the consent (revoked, expired, rejected, re-authorised) or the app (suspended,
 * disabled, deregistered — also when it is the reason the consent ended), so that a revocation bites on the very next
 * call although no step before the handler read the consent.
 */
export async function consentedResultOf<Result>(
  ctx: Context,
  findAppStanding: AppStandingLookup,
  outcome: ConsentedResult<Result>,
): Promise<{ readonly access: UsableConsent; readonly result: Result }> {
  if (outcome.refused === null) return outcome;
  if (outcome.refused === 'app') throw appNotActive();
  throw await refusalOfUnusableConsent(findAppStanding, clientOf(ctx), 'The consent behind this access token is no longer authorised');
}
