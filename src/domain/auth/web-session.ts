import { createHash, randomBytes } from 'node:crypto';

/** Who a browser session belongs to: a partner's portal user, or a bank customer on their account pages. */
export type SessionKind = 'partner' | 'customer';

/** A logged-in browser. The cookie holds a random token; only its SHA-256 is stored. */
export interface WebSession {
  readonly idHash: string;
  readonly kind: SessionKind;
  /** `usr_…` for partners, `cus_…` for customers. */
  readonly subjectId: string;
  readonly createdAt: Date;
  /** The session ends then, however active. */
  readonly expiresAt: Date;
  /** The session ends then unless used before: each use moves it forward. */
  readonly idleExpiresAt: Date;
}

/** Persistence of sessions, shared by every process. */
export interface WebSessionStore {
  insert(session: WebSession): Promise<void>;
  find(idHash: string, kind: SessionKind): Promise<WebSession | null>;
  extend(idHash: string, idleExpiresAt: Date): Promise<void>;
  delete(idHash: string): Promise<void>;
}

/**
 * How long sessions last: bank customers seeing their connected apps are logged out after 10 idle minutes (at
 * most one hour); partners after 30 idle minutes (at most 12 hours).
 */
export const SESSION_LIFETIMES: Readonly<Record<SessionKind, { readonly idleMs: number; readonly absoluteMs: number }>> = {
  customer: { idleMs: 10 * 60_000, absoluteMs: 60 * 60_000 },
  partner: { idleMs: 30 * 60_000, absoluteMs: 12 * 3600_000 },
};

/** An idle expiry is moved forward at most once a minute, so browsing does not write on every page. */
const EXTEND_AFTER_MS = 60_000;

/** Starts a session; the token goes into the browser's cookie and nowhere else. */
export async function startSession(
  store: WebSessionStore,
  kind: SessionKind,
  subjectId: string,
  now: Date,
): Promise<{ token: string; session: WebSession }> {
  const token = randomBytes(32).toString('base64url');
  const lifetime = SESSION_LIFETIMES[kind];
  const session: WebSession = {
    idHash: hashSessionToken(token),
    kind,
    subjectId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + lifetime.absoluteMs),
    idleExpiresAt: new Date(now.getTime() + lifetime.idleMs),
  };
  await store.insert(session);
  return { token, session };
}

/**
 * The live session a cookie token designates, its idle expiry moved forward.
 * @returns null for a missing, unknown or expired session.
 */
export async function resumeSession(store: WebSessionStore, kind: SessionKind, token: string | undefined, now: Date): Promise<WebSession | null> {
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const session = await store.find(hashSessionToken(token), kind);
  if (!session || session.expiresAt <= now || session.idleExpiresAt <= now) return null;
  const idleExpiresAt = new Date(Math.min(now.getTime() + SESSION_LIFETIMES[kind].idleMs, session.expiresAt.getTime()));
  if (idleExpiresAt.getTime() - session.idleExpiresAt.getTime() < EXTEND_AFTER_MS) return session;
  await store.extend(session.idHash, idleExpiresAt);
  return { ...session, idleExpiresAt };
}

/** Ends the session a cookie token designates (logging out); an unknown token is ignored. */
export async function endSession(store: WebSessionStore, token: string | undefined): Promise<void> {
  if (token) await store.delete(hashSessionToken(token));
}

function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
