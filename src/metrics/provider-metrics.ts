import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { Metrics } from './metrics.js';

/**
 * Counts the authorization server's outcomes in {@link Metrics.oauthOutcomes} from oidc-provider's events: token
 * grants (by grant type, so refreshes are `refresh_token`), pushed authorization requests and authorizations, each a
 * success or an error with its OAuth error code; a server error counts under the endpoint it happened at. Labels come
 * from fixed sets: whatever a client sends becomes `other`.
 */
export function countOAuthOutcomes(provider: Provider, metrics: Metrics): void {
  const count = (operation: string, ctx: Context, error?: unknown) =>
    metrics.oauthOutcomes.inc({
      operation,
      grant_type: operation === 'token' ? grantTypeOf(ctx) : '',
      outcome: error === undefined ? 'success' : 'error',
      error: error === undefined ? '' : errorCodeOf(error),
    });
  provider.on('grant.success', (ctx: Context) => count('token', ctx));
  provider.on('grant.error', (ctx: Context, error: unknown) => count('token', ctx, error));
  provider.on('pushed_authorization_request.success', (ctx: Context) => count('par', ctx));
  provider.on('pushed_authorization_request.error', (ctx: Context, error: unknown) => count('par', ctx, error));
  provider.on('authorization.success', (ctx: Context) => count('authorization', ctx));
  provider.on('authorization.error', (ctx: Context, error: unknown) => count('authorization', ctx, error));
  provider.on('server_error', (ctx: Context) => count(OPERATIONS.get(routeNameOf(ctx)) ?? 'other', ctx, { error: 'server_error' }));
}

/** oidc-provider's route names, as the `operation` label. */
const OPERATIONS = new Map([
  ['token', 'token'],
  ['pushed_authorization_request', 'par'],
  ['authorization', 'authorization'],
  ['resume', 'authorization'],
]);

const GRANT_TYPES = new Set(['authorization_code', 'client_credentials', 'refresh_token']);

/** The OAuth 2 / OpenID Connect / DPoP / DCR error codes oidc-provider answers with. */
const ERROR_CODES = new Set([
  'access_denied',
  'consent_required',
  'interaction_required',
  'invalid_authorization_details',
  'invalid_client',
  'invalid_client_metadata',
  'invalid_dpop_proof',
  'invalid_grant',
  'invalid_redirect_uri',
  'invalid_request',
  'invalid_request_object',
  'invalid_request_uri',
  'invalid_scope',
  'invalid_target',
  'invalid_token',
  'login_required',
  'registration_not_supported',
  'request_not_supported',
  'request_uri_not_supported',
  'server_error',
  'temporarily_unavailable',
  'unauthorized_client',
  'unmet_authentication_requirements',
  'unsupported_grant_type',
  'unsupported_response_mode',
  'unsupported_response_type',
  'use_dpop_nonce',
]);

function grantTypeOf(ctx: Context): string {
  const grantType = (ctx as Context & { oidc?: { params?: { grant_type?: unknown } } }).oidc?.params?.grant_type;
  return typeof grantType === 'string' && GRANT_TYPES.has(grantType) ? grantType : 'other';
}

function routeNameOf(ctx: Context): string {
  const route = (ctx as Context & { oidc?: { route?: unknown } }).oidc?.route;
  return typeof route === 'string' ? route : '';
}

function errorCodeOf(error: unknown): string {
  const code = (error as { error?: unknown } | null)?.error;
  return typeof code === 'string' && ERROR_CODES.has(code) ? code : 'other';
}
