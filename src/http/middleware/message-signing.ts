import type { Context, Next } from 'koa';
import type { SigningIdentityLookup } from '../../domain/partners/partner-app.js';
import { signDetachedJws, verifyDetachedJws, type ResponseSigner } from '../jws/detached-jws.js';
import { unauthorized } from '../api-error.js';
import { appVersionOf, clientOf } from '../request-state.js';
import { rawBodyOf } from './parse-json-body.js';

/**
 * Verifies the request's `x-jws-signature` (NOTES §10) over the exact body bytes against the calling
 * partner's registered keys, its issuer and our trust anchor; failures → 400 U015–U019.
 */
export function requireSignedRequest(lookup: SigningIdentityLookup, trustAnchor: string) {
  return async function requireSignedRequestMiddleware(ctx: Context, next: Next) {
    const identity = await lookup(clientOf(ctx), appVersionOf(ctx));
    if (!identity) throw unauthorized('The client of this access token is not registered');
    const body = Buffer.from(rawBodyOf(ctx), 'utf8');
    await verifyDetachedJws(ctx.get('x-jws-signature') || undefined, body, {
      keys: identity.keys,
      issuer: identity.issuer,
      trustAnchor,
      now: new Date(),
    });
    await next();
  };
}

/**
 * Signs every response body of the payment API, errors included, with the bank's key (NOTES §10): the body is
 * serialised here once, and exactly those bytes are signed and sent.
 */
export function signResponses(signer: ResponseSigner) {
  return async function signResponsesMiddleware(ctx: Context, next: Next) {
    await next();
    if (ctx.body === undefined || ctx.body === null || typeof ctx.body !== 'object' || Buffer.isBuffer(ctx.body)) return;
    const bytes = Buffer.from(JSON.stringify(ctx.body), 'utf8');
    ctx.set('x-jws-signature', await signDetachedJws(bytes, signer, new Date()));
    ctx.type = 'application/json';
    ctx.body = bytes;
  };
}
