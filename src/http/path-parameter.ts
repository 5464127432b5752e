import type { RouterContext } from '@koa/router';

/**
 * The value of a parameter of the route's path (`:ConsentId`), as the router decoded it. A name the route's path does
 * not declare is a programming error (a 500).
 */
export function pathParameter(ctx: RouterContext, name: string): string {
  const value = ctx.params[name];
  if (value === undefined) throw new Error(`The route has no path parameter ${name}`);
  return value;
}
