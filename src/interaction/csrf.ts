import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';

const COOKIE = 'ot_csrf';

/**
 * Signed double-submit CSRF protection for the customer pages: a random cookie plus a form field that is an
 * HMAC of that cookie and the interaction, keyed with the server's cookie secret. A forged form from another
 * site has neither.
 */
export function csrfProtection(secret: string) {
  const sign = (cookie: string, uid: string) => createHmac('sha256', secret).update(`${cookie}:${uid}`).digest('base64url');

  return {
    /** The token to embed in the interaction's forms, setting the cookie when the browser has none. */
    issue(ctx: Context, uid: string): string {
      let cookie = ctx.cookies.get(COOKIE);
      if (!cookie || !/^[A-Za-z0-9_-]{43}$/.test(cookie)) {
        cookie = randomBytes(32).toString('base64url');
        ctx.cookies.set(COOKIE, cookie, { httpOnly: true, sameSite: 'lax', path: '/interaction', secure: ctx.secure, signed: false, overwrite: true });
      }
      return sign(cookie, uid);
    },
    /** True when the submitted token matches the browser's cookie for this interaction. */
    verify(ctx: Context, uid: string, submitted: unknown): boolean {
      const cookie = ctx.cookies.get(COOKIE);
      if (!cookie || typeof submitted !== 'string') return false;
      const expected = Buffer.from(sign(cookie, uid));
      const actual = Buffer.from(submitted);
      return expected.length === actual.length && timingSafeEqual(expected, actual);
    },
  };
}
