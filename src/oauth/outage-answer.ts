import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { OutagePolicy } from '../domain/outage.js';

/**
 * Makes the authorization server answer an outage as 503 with `Retry-After` instead of 500. oidc-provider catches
 * every error of its endpoints itself: one that is not an OAuth error becomes `server_error` (500) and is announced
 * by the `server_error` event before the response leaves. For an outage this listener turns the JSON answer (`/token`,
 * `/request` and the other back-channel endpoints) into 503 `{"error":"temporarily_unavailable"}` — the RFC 6749 code
 * for "temporarily unable to handle the request"; an HTML error page keeps its text and gets the 503 status, and an
 * error redirected to the client's redirect URI (which cannot carry a status) stays `server_error`.
 */
export function answerOutagesAsUnavailable(provider: Provider, outages: OutagePolicy): void {
  provider.on('server_error', (ctx: KoaContextWithOIDC, error: unknown) => {
    if (!outages.isOutage(error)) return;
    ctx.status = 503;
    ctx.set('Retry-After', String(outages.retryAfterSeconds));
    if (isOAuthErrorBody(ctx.body)) ctx.body = temporarilyUnavailable(outages.retryAfterSeconds);
  });
}

/** The OAuth error body of an outage (RFC 6749 `temporarily_unavailable`), for every OAuth-style endpoint. */
export function temporarilyUnavailable(retryAfterSeconds: number): { error: string; error_description: string } {
  return { error: 'temporarily_unavailable', error_description: `the service is briefly unavailable; retry after ${retryAfterSeconds} seconds` };
}

function isOAuthErrorBody(body: unknown): body is { error: string } {
  return body !== null && typeof body === 'object' && (body as { error?: unknown }).error === 'server_error';
}
