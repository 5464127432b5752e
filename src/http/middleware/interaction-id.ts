import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';

const HEADER = 'x-fapi-interaction-id';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Outermost middleware: echoes the partner's `x-fapi-interaction-id` (an RFC 4122 UUID) or creates one, on
 * every response — errors, 404s and authorization-server responses included (NOTES §1, §16). A malformed
 * value is replaced, and flagged for the API to refuse with 400 U006.
 */
export function assignInteractionId() {
  return async function assignInteractionIdMiddleware(ctx: Context, next: Next) {
    const sent = ctx.get(HEADER);
    const valid = sent !== '' && UUID.test(sent);
    ctx.state.interactionId = valid ? sent : randomUUID();
    ctx.state.invalidInteractionId = sent !== '' && !valid;
    ctx.set(HEADER, ctx.state.interactionId);
    await next();
    if (ctx.response.get(HEADER) !== ctx.state.interactionId) ctx.set(HEADER, ctx.state.interactionId);
  };
}
