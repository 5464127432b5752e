import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import { rememberInteractionId } from '../request-state.js';

const HEADER = 'x-fapi-interaction-id';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Outermost middleware: echoes the partner's `x-fapi-interaction-id` (an RFC 4122 UUID) or creates one, on
 * every response — errors, 404s and authorization-server responses included (NOTES §1, §16). A malformed
 * value is replaced, and flagged for the API to refuse with 400 U006. The id is also left on `ctx.state.interactionId`
 * for the pages and endpoints outside the resource API.
 */
export function assignInteractionId() {
  return async function assignInteractionIdMiddleware(ctx: Context, next: Next) {
    const sent = ctx.get(HEADER);
    const valid = sent !== '' && UUID.test(sent);
    const id = valid ? sent : randomUUID();
    rememberInteractionId(ctx, id, sent !== '' && !valid);
    ctx.state.interactionId = id;
    ctx.set(HEADER, id);
    await next();
    if (ctx.response.get(HEADER) !== id) ctx.set(HEADER, id);
  };
}
