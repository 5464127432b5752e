import type { Context, Next } from 'koa';
import { ApiError } from '../api-error.js';
import { rawBodyOf } from './parse-json-body.js';

/**
 * Refuses a request body above `maxBytes` with 400 U002 before anything reads it. Payment consents are kept
 * verbatim (played back and compared byte for byte), so their size is bounded by what is stored for them.
 */
export function limitBody(maxBytes: number) {
  return async function limitBodyMiddleware(ctx: Context, next: Next) {
    if (Buffer.byteLength(rawBodyOf(ctx), 'utf8') > maxBytes) {
      throw new ApiError(400, [{ ErrorCode: 'U002', Message: `The request body is larger than ${Math.floor(maxBytes / 1000)} kB` }]);
    }
    await next();
  };
}
