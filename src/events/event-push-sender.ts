import { randomUUID } from 'node:crypto';
import type { SendPush } from '../domain/events/deliver-due-events.js';
import type { PushAttempt } from '../domain/events/event-push.js';

/**
 * How the sender reaches a callback URL: a fetch that refuses special-use addresses on the address it connects to
 * and bounds the time to connect (the composition root passes the guarded fetch).
 */
export type CallbackFetch = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<Response>;

/** How long one push may take. */
export interface PushTimeouts {
  /** The longest wait for the connection (enforced by the {@link CallbackFetch}). */
  readonly connectTimeoutMs: number;
  /** The longest wait for the whole request, answer included. */
  readonly requestTimeoutMs: number;
}

/** At most 5 s to connect and 10 s in all. */
export const DEFAULT_PUSH_TIMEOUTS: PushTimeouts = { connectTimeoutMs: 5_000, requestTimeoutMs: 10_000 };

/**
 * The sender of event notifications (Real-time Event Notification API profile): `POST {CallbackUrl}` with the signed
 * SET as the body (`Content-Type: application/jwt`) and a fresh `x-fapi-interaction-id` per attempt. Reports the
 * status, or why none came (refused address, connection error, timeout), with the latency; never throws.
 */
export function eventPushSender(fetch: CallbackFetch, timeouts: PushTimeouts): SendPush {
  return async function sendPush(callbackUrl: string, token: string): Promise<PushAttempt> {
    const attemptedAt = new Date();
    const started = performance.now();
    const signal = AbortSignal.timeout(timeouts.requestTimeoutMs);
    const done = (outcome: Pick<PushAttempt, 'httpStatus' | 'error'>): PushAttempt => ({
      attemptedAt,
      callbackUrl,
      ...outcome,
      latencyMs: Math.round(performance.now() - started),
    });
    try {
      const response = await fetch(callbackUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/jwt', 'x-fapi-interaction-id': randomUUID() },
        body: token,
        signal,
      });
      return done({ httpStatus: response.status, error: null });
    } catch (error) {
      const message = signal.aborted ? `no answer within ${timeouts.requestTimeoutMs} ms` : describe(error);
      return done({ httpStatus: null, error: message });
    }
  };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}
