import type { Context } from 'koa';
import { API_BASE_PATH } from '../http/resource-api.js';
import { SANDBOX_BASE_PATH } from '../http/sandbox/test-clocks.js';

/** The route label of a request no route matched: one series for every unknown path, whatever it was. */
export const UNMATCHED_ROUTE = '{unmatched}';

/** Which API a path belongs to (a label of every request metric). */
export function apiOf(path: string): string {
  for (const [prefix, api] of API_PREFIXES) if (path === prefix || path.startsWith(`${prefix}/`)) return api;
  return OAUTH_ROUTES.has(path) || OAUTH_PATTERNS.some(([pattern]) => pattern.test(path)) ? 'oauth' : 'other';
}

/**
 * The route pattern that answered a request, never its raw path (ids would make a series each): the pattern the
 * router matched (`/open-banking/v4.0/aisp/accounts/:AccountId/balances`), the authorization server's endpoint, or
 * {@link UNMATCHED_ROUTE}.
 */
export function routeOf(ctx: Context): string {
  const matched = (ctx as Context & { _matchedRoute?: unknown })._matchedRoute;
  if (typeof matched === 'string') return matched;
  if (OAUTH_ROUTES.has(ctx.path) || HEALTH_ROUTES.has(ctx.path)) return ctx.path;
  return OAUTH_PATTERNS.find(([pattern]) => pattern.test(ctx.path))?.[1] ?? UNMATCHED_ROUTE;
}

/** The request's method, or `OTHER` for one HTTP does not define (a client may send anything). */
export function methodOf(method: string): string {
  return METHODS.has(method) ? method : 'OTHER';
}

/** `2xx`, `4xx`, `5xx`… */
export function statusClassOf(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

const API_PREFIXES: ReadonlyArray<readonly [string, string]> = [
  [`${API_BASE_PATH}/aisp`, 'aisp'],
  [`${API_BASE_PATH}/pisp`, 'pisp'],
  [`${API_BASE_PATH}/cbpii`, 'cbpii'],
  [`${API_BASE_PATH}/event-subscriptions`, 'events'],
  [`${API_BASE_PATH}/events`, 'events'],
  [SANDBOX_BASE_PATH, 'sandbox'],
  ['/interaction', 'oauth'],
  ['/portal', 'portal'],
  ['/account', 'account'],
  ['/health', 'health'],
];

/** The authorization server's fixed endpoints (oidc-provider's routes as src/oauth/provider.ts configures them). */
const OAUTH_ROUTES = new Set([
  '/.well-known/openid-configuration',
  '/auth',
  '/token',
  '/request',
  '/jwks',
  '/reg',
  '/me',
  '/session/end',
  '/session/end/confirm',
  '/session/end/success',
  '/token/introspection',
  '/token/revocation',
]);

/** The health checks (answered before any router). */
const HEALTH_ROUTES = new Set(['/health', '/health/live', '/health/ready']);

/** The authorization server's endpoints with an id in the path, and their patterns. */
const OAUTH_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^\/auth\/[^/]+$/, '/auth/:uid'],
  [/^\/reg\/[^/]+$/, '/reg/:clientId'],
];

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
