import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import {
  endSession,
  resumeSession,
  SESSION_LIFETIMES,
  startSession,
  type SessionKind,
  type WebSession,
  type WebSessionStore,
} from '../domain/auth/web-session.js';

/** Browser sessions of one kind, carried by a cookie that only its own pages see. */
export interface SessionCookies {
  /** Starts a new session for `subjectId` (ending the browser's previous one) and sets its cookie. */
  start(ctx: Context, subjectId: string): Promise<void>;
  /** The browser's live session, if any. */
  current(ctx: Context): Promise<WebSession | null>;
  /** Ends the browser's session and clears its cookie. */
  end(ctx: Context): Promise<void>;
  /** The anti-forgery token for the session's forms: bound to the session, so no other browser can use it. */
  csrfToken(session: WebSession): string;
  verifyCsrf(session: WebSession, submitted: unknown): boolean;
}

/**
 * Session cookies: `HttpOnly`, `SameSite=Lax`, limited to their pages' path, and `Secure` outside the sandbox
 * (production runs behind TLS). The cookie holds a random token; the database holds its hash.
 */
export function sessionCookies(options: {
  kind: SessionKind;
  store: WebSessionStore;
  cookieName: string;
  path: string;
  secure: boolean;
  secret: Buffer;
}): SessionCookies {
  const { kind, store, cookieName, path, secure, secret } = options;
  const cookieOptions = { httpOnly: true, sameSite: 'lax' as const, path, secure, signed: false, overwrite: true };
  const sign = (session: WebSession) => createHmac('sha256', secret).update(`${kind}:${session.idHash}`).digest('base64url');
  return {
    async start(ctx, subjectId) {
      await endSession(store, ctx.cookies.get(cookieName));
      const { token } = await startSession(store, kind, subjectId, new Date());
      ctx.cookies.set(cookieName, token, { ...cookieOptions, maxAge: SESSION_LIFETIMES[kind].absoluteMs });
    },
    current: (ctx) => resumeSession(store, kind, ctx.cookies.get(cookieName), new Date()),
    async end(ctx) {
      await endSession(store, ctx.cookies.get(cookieName));
      ctx.cookies.set(cookieName, null, cookieOptions);
    },
    csrfToken: sign,
    verifyCsrf(session, submitted) {
      if (typeof submitted !== 'string') return false;
      const expected = Buffer.from(sign(session));
      const actual = Buffer.from(submitted);
      return expected.length === actual.length && timingSafeEqual(expected, actual);
    },
  };
}
