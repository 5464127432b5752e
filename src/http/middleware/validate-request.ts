import type { Context, Next } from 'koa';
import { MAX_NESTING_DEPTH, pathBeyondNestingLimit } from '../../domain/nesting-depth.js';
import { obieErrorForUnparseableBody, toObieErrors } from '../../validation/obie-errors.js';
import type { SchemaRegistry } from '../../validation/schema-registry.js';
import { ApiError } from '../api-error.js';
import type { RequestBodies, RequestSchema } from '../request-bodies.js';
import { findBodyRefusal, rememberValidatedBody } from '../request-state.js';
import { rawBodyOf } from './parse-json-body.js';

/**
 * Parses the JSON body and validates it against the route's request schema before the handler runs; any
 * violation → 400 with one OBIE error per problem (U004 missing, U002 invalid, U003 dates, U010 not JSON). A body the
 * parser refused as too large → 400 U002; one nesting objects and arrays deeper than {@link MAX_NESTING_DEPTH} levels
 * → 400 U002 with the Path where it does, found before anything that walks the body by recursion runs.
 * `prepare` may normalise the parsed body first (e.g. supply an omitted empty `Risk`).
 */
export function validateRequestBody<Schema extends RequestSchema>(
  registry: SchemaRegistry,
  schema: Schema,
  prepare: (body: unknown) => unknown = (body) => body,
) {
  return async function validateRequestBodyMiddleware(ctx: Context, next: Next) {
    const refusal = findBodyRefusal(ctx);
    if (refusal) throw refusal;
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawBodyOf(ctx));
    } catch {
      throw new ApiError(400, [obieErrorForUnparseableBody()]);
    }
    const tooDeep = pathBeyondNestingLimit(parsed);
    if (tooDeep !== null) {
      const message = `The request body nests objects and arrays more than ${MAX_NESTING_DEPTH} levels deep`;
      throw new ApiError(400, [{ ErrorCode: 'U002', Message: message, Path: tooDeep }]);
    }
    const reading = registry.readRequest<RequestBodies[Schema]>(schema, prepare(parsed));
    if (!reading.valid) throw new ApiError(400, toObieErrors(reading.issues));
    rememberValidatedBody(ctx, schema, reading.body);
    await next();
  };
}
