import { readFileSync } from 'node:fs';
import type { Context, Next } from 'koa';

/** The one stylesheet every page links (`/assets/app.css`): no inline styles, so the CSP can forbid them. */
const STYLESHEET = readFileSync(new URL('./assets/app.css', import.meta.url), 'utf8');

/** Serves the pages' stylesheet, cacheable for an hour. */
export function serveStylesheet() {
  return async function serveStylesheetMiddleware(ctx: Context, next: Next): Promise<void> {
    if (ctx.path !== '/assets/app.css') {
      await next();
      return;
    }
    ctx.type = 'text/css';
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = STYLESHEET;
  };
}
