import type { Client, KoaContextWithOIDC, RefreshToken } from 'oidc-provider';

/** A synchronous refresh-token lifetime policy, as oidc-provider's `ttl.RefreshToken` takes it. */
export type RefreshTokenTtl = (ctx: KoaContextWithOIDC, token: RefreshToken, client: Client) => number;

/**
 * Binds a refresh token to the DPoP key of the access token issued with it, so that only the holder of that key can
 * refresh. oidc-provider binds the refresh tokens of confidential clients to client authentication only (RFC 9449
 * §5), while this platform requires DPoP-bound refresh tokens; the provider refuses a refresh whose proof is signed
 * by another key (`invalid_grant`) once `jkt` is set.
 */
export function bindRefreshTokenToDpopKey(ctx: KoaContextWithOIDC, token: RefreshToken): void {
  const thumbprint = ctx.oidc.entities.AccessToken?.jkt;
  if (thumbprint) token.jkt = thumbprint;
}

/**
 * The `ttl.RefreshToken` hook: binds the token ({@link bindRefreshTokenToDpopKey}), then answers its lifetime.
 * oidc-provider has no other hook between creating a refresh token and saving it; it computes the lifetime on save,
 * synchronously, so the binding runs here, before the payload is written.
 */
export function refreshTokenTtlBoundToDpopKey(lifetime: RefreshTokenTtl): RefreshTokenTtl {
  return function refreshTokenTtl(ctx, token, client) {
    bindRefreshTokenToDpopKey(ctx, token);
    return lifetime(ctx, token, client);
  };
}
