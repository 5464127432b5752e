import type { Context, Next } from 'koa';
import type { AppStanding } from '../../domain/partners/partner-app.js';
import { unauthorized } from '../api-error.js';
import type { VerifiedToken } from './require-access-token.js';

/**
 * The app a token was issued to must still be `active`, checked in the database on every call: when the bank
 * suspends an app, or its partner disables or deregisters it (or the portal app of its software), its tokens stop
 * working on their very next call. A consent guard that ran first has read the standing with the consent
 * (`ctx.state.appStanding`); otherwise it is read here. Puts the app's version on `ctx.state.appVersion` (what is
 * cached about its keys follows it).
 */
export function requireActiveApp(findAppStanding: (clientId: string) => Promise<AppStanding | null>) {
  return async function requireActiveAppMiddleware(ctx: Context, next: Next) {
    const { clientId } = ctx.state.token as VerifiedToken;
    const standing = ctx.state.appStanding !== undefined ? (ctx.state.appStanding as AppStanding | null) : await findAppStanding(clientId);
    if (standing?.status !== 'active') throw unauthorized('The app this access token was issued to is suspended, disabled or deregistered');
    ctx.state.appVersion = standing.version;
    await next();
  };
}
