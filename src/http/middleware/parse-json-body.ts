import bodyParser from '@koa/bodyparser';
import type { Context } from 'koa';

/** Reads JSON request bodies of up to `maxBytes` bytes; a body that does not parse is left for `validateRequestBody` to report (400 U010). */
export function parseJsonBody(maxBytes: number) {
  return bodyParser({ enableTypes: ['json'], encoding: 'utf-8', jsonLimit: maxBytes, parsedMethods: ['POST', 'PUT', 'PATCH'], onError: () => {} });
}

/** The exact body text the parser read; empty when it read none. */
export function rawBodyOf(ctx: Context): string {
  const raw: unknown = ctx.request.rawBody;
  return typeof raw === 'string' ? raw : '';
}
