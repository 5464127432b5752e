import type { Context, Next } from 'koa';
import type { AppStatus } from '../../domain/partners/partner-app.js';
import { unauthorized } from '../api-error.js';
import type { VerifiedToken } from './require-access-token.js';

/**
 * The app a token was issued to must still be `active`, checked in the database on every call: when the bank
 * suspends an app, or its partner disables or deregisters it, its tokens stop working on their very next call.
 */
export function requireActiveApp(findAppStatus: (clientId: string) => Promise<AppStatus | null>) {
  return async function requireActiveAppMiddleware(ctx: Context, next: Next) {
    const { clientId } = ctx.state.token as VerifiedToken;
    if ((await findAppStatus(clientId)) !== 'active') throw unauthorized('The app this access token was issued to is suspended, disabled or deregistered');
    await next();
  };
}
