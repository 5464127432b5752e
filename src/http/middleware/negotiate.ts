import type { Context, Next } from 'koa';
import { ApiError } from '../api-error.js';
import { sentInvalidInteractionId } from '../request-state.js';

/**
 * Header rules of the resource API (NOTES §1): a malformed `x-fapi-interaction-id` → 400 U006; an `Accept`
 * that excludes JSON → 406; a body that is not `application/json` → 415.
 */
export function negotiate() {
  return async function negotiateMiddleware(ctx: Context, next: Next) {
    if (sentInvalidInteractionId(ctx)) {
      throw new ApiError(400, [{ ErrorCode: 'U006', Message: 'x-fapi-interaction-id must be an RFC 4122 UUID', Path: 'x-fapi-interaction-id' }]);
    }
    if (ctx.get('accept') && !ctx.accepts('application/json')) {
      throw new ApiError(406, [{ ErrorCode: 'U006', Message: 'This API responds with application/json only', Path: 'Accept' }]);
    }
    if (ctx.request.length || ctx.get('transfer-encoding')) {
      if (!ctx.is('application/json')) {
        throw new ApiError(415, [{ ErrorCode: 'U006', Message: 'Request bodies must be application/json', Path: 'Content-Type' }]);
      }
    }
    await next();
  };
}
