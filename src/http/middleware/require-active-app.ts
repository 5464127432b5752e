import type { Context, Next } from 'koa';
import type { AppStanding } from '../../domain/partners/partner-app.js';
import { unauthorized, type ApiError } from '../api-error.js';
import { clientOf, knownAppStanding, rememberAppVersion } from '../request-state.js';

/** Reads what a partner app may do now; null when there is no such app. */
export type AppStandingLookup = (clientId: string) => Promise<AppStanding | null>;

const APP_NOT_ACTIVE = 'The app this access token was issued to is suspended, disabled or deregistered';

/**
 * The app a token was issued to must still be `active`, checked in the database on every call: when the bank
 * suspends an app, or its partner disables or deregisters it (or the portal app of its software), its tokens stop
 * working on their very next call. A consent guard that ran first has read the standing with the consent; otherwise
 * it is read here. Remembers the app's version (what is cached about its keys follows it).
 */
export function requireActiveApp(findAppStanding: AppStandingLookup) {
  return async function requireActiveAppMiddleware(ctx: Context, next: Next) {
    const known = knownAppStanding(ctx);
    const standing = known ? known.value : await findAppStanding(clientOf(ctx));
    if (standing?.status !== 'active') throw appNotActive();
    rememberAppVersion(ctx, standing.version);
    await next();
  };
}

/** Refuses (401, as {@link requireActiveApp} does) unless the app is `active` now; for requests outside Koa. */
export async function assertAppIsActive(findAppStanding: AppStandingLookup, clientId: string): Promise<void> {
  const standing = await findAppStanding(clientId);
  if (standing?.status !== 'active') throw appNotActive();
}

/** The refusal (401) of a token whose app is no longer active. */
export function appNotActive(): ApiError {
  return unauthorized(APP_NOT_ACTIVE);
}

/**
 * The refusal of a customer token whose consent cannot be used. When the token's app is no longer active, that is the
 * reason to give (deregistering an app ends its consents too), so the app's standing is read — only on this refusal
 * path: a usable consent brings its app's standing in the one statement that reads it.
 * @param consentReason the reason when the app is active.
 */
export async function refusalOfUnusableConsent(findAppStanding: AppStandingLookup, clientId: string, consentReason: string): Promise<ApiError> {
  const standing = await findAppStanding(clientId);
  return unauthorized(standing?.status === 'active' ? consentReason : APP_NOT_ACTIVE);
}
