import type { Context, Next } from 'koa';
import type { Logger } from '../../logging/logger.js';
import { findVerifiedToken, interactionIdOf } from '../request-state.js';

/**
 * One structured log line per request: method, path, status, duration, interaction id and (for the API)
 * the partner's client id. Query strings are left out: they may carry page cursors.
 */
export function logRequests(logger: Logger) {
  return async function logRequestsMiddleware(ctx: Context, next: Next) {
    const startedAt = process.hrtime.bigint();
    try {
      await next();
    } finally {
      logger.info(
        {
          method: ctx.method,
          path: ctx.path,
          status: ctx.status,
          durationMs: Number((process.hrtime.bigint() - startedAt) / 1000n) / 1000,
          interactionId: interactionIdOf(ctx),
          clientId: findVerifiedToken(ctx)?.clientId,
        },
        'request',
      );
    }
  };
}
