import type { Context, Next } from 'koa';

/**
 * Headers for every page a person sees: no inline scripts or styles (one stylesheet from this origin), no
 * framing, no referrer leaking the interaction id, no caching of pages that show account data, and HSTS when
 * the public URL is https.
 */
export function securityHeaders(options: { https: boolean }) {
  return async function securityHeadersMiddleware(ctx: Context, next: Next) {
    await next();
    if (options.https) ctx.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'");
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    if (!ctx.path.startsWith('/assets/')) ctx.set('Cache-Control', 'no-store');
  };
}
