import type Router from '@koa/router';
import compose from 'koa-compose';
import type { Context, Middleware, Next } from 'koa';

/**
 * Serves a router of server-rendered pages under its prefix: a path it does not know gets 404 and a known path with
 * another method 405 (both as pages), and every failure — refusal or crash — is rendered by `renderFailure`, never as a
 * stack trace. Requests outside the prefix pass on.
 */
export function servePages(router: Router, prefix: string, renderFailure: (ctx: Context, error: unknown) => void): Middleware {
  const routes = compose<Context>([router.routes() as Middleware, router.allowedMethods() as Middleware]);
  return async function pages(ctx: Context, next: Next): Promise<void> {
    if (ctx.path !== prefix && !ctx.path.startsWith(`${prefix}/`)) {
      await next();
      return;
    }
    try {
      await routes(ctx, async () => {});
      if (ctx.body === undefined || ctx.body === null) ctx.throw(ctx.status === 405 ? 405 : 404, 'There is no such page.');
    } catch (error) {
      renderFailure(ctx, error);
    }
  };
}
