import type { Context } from 'koa';

/**
 * The absolute URL of the current request on the public issuer origin (OBIE `Links.Self`). The query string is written
 * again from its parameters, so that whatever the partner sent (`[`, a bare `%`, bytes that are not UTF-8), the link is
 * a valid URI.
 */
export function selfLink(ctx: Context, issuer: string): string {
  const url = new URL(ctx.path, new URL(issuer).origin);
  url.search = new URLSearchParams(ctx.querystring).toString();
  return url.href;
}
