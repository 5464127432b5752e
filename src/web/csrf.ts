import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';

const COOKIE = 'ot_csrf';

/**
 * Signed double-submit CSRF protection for forms shown before anyone is logged in (the customer's interaction
 * pages, log-in and sign-up forms): a random cookie plus a form field that is an HMAC of that cookie and the form's
 * purpose (e.g. the interaction), keyed with the server's cookie secret. A forged form from another site has
 * neither. The cookie lives under `cookiePath` only.
 */
export function csrfProtection(secret: string | Buffer, { cookiePath = '/interaction', secure }: { cookiePath?: string; secure?: boolean } = {}) {
  const sign = (cookie: string, uid: string) => createHmac('sha256', secret).update(`${cookie}:${uid}`).digest('base64url');

  return {
    /** The token to embed in the form, setting the cookie when the browser has none. */
    issue(ctx: Context, uid: string): string {
      let cookie = ctx.cookies.get(COOKIE);
      if (!cookie || !/^[A-Za-z0-9_-]{43}$/.test(cookie)) {
        cookie = randomBytes(32).toString('base64url');
        ctx.cookies.set(COOKIE, cookie, {
          httpOnly: true,
          sameSite: 'lax',
          path: cookiePath,
          secure: secure ?? ctx.secure,
          signed: false,
          overwrite: true,
        });
      }
      return sign(cookie, uid);
    },
    /** True when the submitted token matches the browser's cookie for this purpose. */
    verify(ctx: Context, uid: string, submitted: unknown): boolean {
      const cookie = ctx.cookies.get(COOKIE);
      if (!cookie || typeof submitted !== 'string') return false;
      const expected = Buffer.from(sign(cookie, uid));
      const actual = Buffer.from(submitted);
      return expected.length === actual.length && timingSafeEqual(expected, actual);
    },
  };
}

/** Refuses a form whose anti-forgery token does not match (403): the page it came from is stale or forged. */
export function refuseExpiredForm(ctx: Context, nextStep = 'Go back, reload the page and try again.'): never {
  ctx.throw(403, `This form has expired. ${nextStep}`);
}
