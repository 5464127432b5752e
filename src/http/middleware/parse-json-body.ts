import bodyParser from '@koa/bodyparser';
import type { Context } from 'koa';
import { ApiError } from '../api-error.js';
import { rememberBodyRefusal } from '../request-state.js';

/** What the body parser (co-body, through @hapi/bourne) says of a body with a `__proto__` member. */
const PROTOTYPE_MEMBER_REFUSED = 'Object contains forbidden prototype property';

/**
 * Reads JSON request bodies of up to `maxBytes` bytes. A larger body is refused with 400 U002 (OBIE lists 400, not
 * 413, among every operation's responses) — remembered here and reported by `validateRequestBody`, after the token and
 * consent checks, like every other problem of a body. So is a body with a member named `__proto__` (valid JSON, but
 * refused by the parser so that no object's prototype can be set from a request): 400 U002 naming it. A body that
 * does not parse is left for `validateRequestBody` to report (400 U010).
 */
export function parseJsonBody(maxBytes: number) {
  return bodyParser({
    enableTypes: ['json'],
    encoding: 'utf-8',
    jsonLimit: maxBytes,
    parsedMethods: ['POST', 'PUT', 'PATCH'],
    onError(error, ctx) {
      if (statusOf(error) === 413) {
        rememberBodyRefusal(
          ctx,
          new ApiError(400, [{ ErrorCode: 'U002', Message: `The request body is larger than ${Math.floor(maxBytes / 1000)} kB` }]),
        );
      } else if (error.message === PROTOTYPE_MEMBER_REFUSED) {
        rememberBodyRefusal(
          ctx,
          new ApiError(400, [{ ErrorCode: 'U002', Message: 'The request body has a member named __proto__, which is not allowed' }]),
        );
      }
    },
  });
}

/** The exact body text the parser read; empty when it read none (no body, or one it refused). */
export function rawBodyOf(ctx: Context): string {
  const raw: unknown = ctx.request.rawBody;
  return typeof raw === 'string' ? raw : '';
}

function statusOf(error: Error): unknown {
  return 'status' in error ? error.status : undefined;
}
