import type { Configuration } from 'oidc-provider';
import { errors } from 'oidc-provider';

/** Scopes served by the resource API. */
export const RESOURCE_SCOPES = ['accounts', 'payments', 'fundsconfirmations'] as const;

/** Access-token lifetime: short, because JWT access tokens cannot be revoked (the API re-checks consent anyway). */
export const ACCESS_TOKEN_TTL_SECONDS = 300;

/** The resource indicator (and access-token audience) of the Open Banking API. */
export function resourceIndicator(issuer: string): string {
  return `${issuer}/open-banking`;
}

/**
 * `features.resourceIndicators`: every access token is a PS256 JWT for the Open Banking API, whether or not
 * the partner sent `resource`; its scope is what was asked, capped by the app's roles.
 */
export function resourceServerFeature(issuer: string): NonNullable<NonNullable<Configuration['features']>['resourceIndicators']> {
  const api = resourceIndicator(issuer);
  return {
    enabled: true,
    defaultResource: () => api,
    useGrantedResource: () => true,
    getResourceServerInfo: (_ctx, indicator, client) => {
      if (indicator !== api) throw new errors.InvalidTarget(`the only resource served here is ${api}`);
      const allowed = new Set((client.scope ?? '').split(' '));
      return {
        scope: RESOURCE_SCOPES.filter((scope) => allowed.has(scope)).join(' '),
        audience: api,
        accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'PS256' } },
      };
    },
  };
}
