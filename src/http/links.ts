import type { Context } from 'koa';

/** The absolute URL of the current request on the public issuer origin (OBIE `Links.Self`). */
export function selfLink(ctx: Context, issuer: string): string {
  return `${new URL(issuer).origin}${ctx.path}${ctx.querystring ? `?${ctx.querystring}` : ''}`;
}
