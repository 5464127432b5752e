import type { Context, Next } from 'koa';
import { DomainError } from '../../domain/errors.js';
import type { OutagePolicy } from '../../domain/outage.js';
import type { Logger } from '../../logging/logger.js';
import { fitObieError, type ObieError } from '../../validation/obie-errors.js';
import { ApiError } from '../api-error.js';
import { mapDomainError } from '../error-mapping.js';
import { interactionIdOf } from '../request-state.js';

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: '400 BadRequest',
  401: '401 Unauthorized',
  403: '403 Forbidden',
  404: '404 NotFound',
  405: '405 MethodNotAllowed',
  406: '406 NotAcceptable',
  415: '415 UnsupportedMediaType',
  429: '429 TooManyRequests',
  500: '500 InternalServerError',
  503: '503 ServiceUnavailable',
};

/**
 * Renders every failure of the resource API as an OBIE `OBErrorResponse1` (NOTES §7): `ApiError`s as they
 * are, domain errors through the mapping table, an outage as 503 `U000` with `Retry-After`, anything else as 500
 * `U000` with only the interaction id (the detail goes to the log, never to the partner). Whatever a message quotes
 * from the request, the body stays within the official schema's limits (`fitObieError`).
 */
export function renderErrors(logger: Logger, outages: OutagePolicy) {
  return async function renderErrorsMiddleware(ctx: Context, next: Next) {
    try {
      await next();
    } catch (error) {
      const interactionId = interactionIdOf(ctx);
      if (error instanceof ApiError) {
        writeError(ctx, error.status, error.errors, interactionId);
        for (const [name, value] of Object.entries(error.headers)) ctx.set(name, value);
      } else if (error instanceof DomainError) {
        const { status, errorCode } = mapDomainError(error);
        writeError(ctx, status, [{ ErrorCode: errorCode, Message: error.message, ...(error.path ? { Path: error.path } : {}) }], interactionId);
      } else if (outages.isOutage(error)) {
        logger.warn({ err: error, interactionId, method: ctx.method, path: ctx.path }, 'resource API unavailable: answered 503');
        writeUnavailable(ctx, outages.retryAfterSeconds, interactionId);
      } else {
        logger.error({ err: error, interactionId, method: ctx.method, path: ctx.path }, 'unexpected error in the resource API');
        writeError(ctx, 500, [{ ErrorCode: 'U000', Message: `An unexpected error occurred; quote interaction id ${interactionId}` }], interactionId);
      }
    }
  };
}

/**
 * 503 `U000` (the one OBIE code of 5xx answers, NOTES §7.2) with `Retry-After`. The partner sends the same request
 * again; a payment retried with the same idempotency key is made at most once.
 */
function writeUnavailable(ctx: Context, retryAfterSeconds: number, interactionId: string): void {
  const message = `The service is briefly unavailable; retry after ${retryAfterSeconds} seconds, a payment with the same x-idempotency-key (interaction id ${interactionId})`;
  writeError(ctx, 503, [{ ErrorCode: 'U000', Message: message }], interactionId);
  ctx.set('Retry-After', String(retryAfterSeconds));
}

function writeError(ctx: Context, status: number, errors: readonly ObieError[], interactionId: string): void {
  ctx.status = status;
  ctx.type = 'application/json';
  ctx.body = obieErrorBody(status, errors, interactionId);
}

/** The `OBErrorResponse1` answering a failure with this status, each message fitted to the schema's limits. */
export function obieErrorBody(status: number, errors: readonly ObieError[], interactionId: string) {
  const fitted = errors.map(fitObieError);
  return {
    Id: interactionId,
    Code: STATUS_TEXT[status] ?? String(status),
    Message: fitted[0]?.Message ?? 'The request failed',
    Errors: fitted,
  };
}
