import type { Context, Next } from 'koa';
import { ApiError } from '../api-error.js';
import { rememberIdempotencyKey } from '../request-state.js';

/** OBIE pattern of `x-idempotency-key`: 1–40 characters, no leading or trailing white space. */
const KEY_PATTERN = /^(?!\s)(.*)(\S)$/;

/**
 * PIS POSTs need `x-idempotency-key` (NOTES §9): missing → 400 U007; longer than 40 characters or with
 * surrounding white space → 400 U006. Remembers the key for the handler (`idempotencyKeyOf`).
 */
export async function requireIdempotencyKey(ctx: Context, next: Next): Promise<void> {
  const key = ctx.get('x-idempotency-key');
  if (!key) throw new ApiError(400, [{ ErrorCode: 'U007', Message: 'The x-idempotency-key header is required', Path: 'x-idempotency-key' }]);
  if (key.length > 40 || !KEY_PATTERN.test(key)) {
    throw new ApiError(400, [
      { ErrorCode: 'U006', Message: 'x-idempotency-key must have 1 to 40 characters, without surrounding spaces', Path: 'x-idempotency-key' },
    ]);
  }
  rememberIdempotencyKey(ctx, key);
  await next();
}
