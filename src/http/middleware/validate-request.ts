import type { Context, Next } from 'koa';
import { obieErrorForUnparseableBody, toObieErrors } from '../../validation/obie-errors.js';
import type { SchemaRegistry } from '../../validation/schema-registry.js';
import { ApiError } from '../api-error.js';

/**
 * Parses the JSON body and validates it against the route's request schema before the handler runs; any
 * violation → 400 with one OBIE error per problem (U004 missing, U002 invalid, U003 dates, U010 not JSON).
 * `prepare` may normalise the parsed body first (e.g. supply an omitted empty `Risk`).
 */
export function validateRequestBody(registry: SchemaRegistry, schema: string, prepare: (body: unknown) => unknown = (body) => body) {
  return async function validateRequestBodyMiddleware(ctx: Context, next: Next) {
    const rawBody = (ctx.request as { rawBody?: string }).rawBody ?? '';
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawBody);
    } catch {
      throw new ApiError(400, [obieErrorForUnparseableBody()]);
    }
    const body = prepare(parsed);
    const issues = registry.validateRequest(schema, body);
    if (issues.length > 0) throw new ApiError(400, toObieErrors(issues));
    ctx.state.body = body;
    await next();
  };
}
