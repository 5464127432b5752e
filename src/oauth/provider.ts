import Provider, { type Adapter, type AsymmetricSigningAlgorithm, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from '../logging/logger.js';
import { renderMessagePage } from '../web/message-page.js';
import {
  consentBinding,
  type ConsentBindingDependencies,
  GRANT_MARGIN_SECONDS,
  REFRESH_TOKEN_MAX_TTL_SECONDS,
  LOGIN_ACR,
  STEP_UP_ACR,
} from './consent-binding.js';
import type { GuardedFetch } from './guarded-fetch.js';
import { derivedSecret, type KeyMaterial } from './key-material.js';
import { INTENT_CLAIM } from './openbanking-intent.js';
import { refreshTokenTtlBoundToDpopKey } from './refresh-token-binding.js';
import { ACCESS_TOKEN_TTL_SECONDS, RESOURCE_SCOPES, resourceServerFeature } from './resource-server.js';

/** Everything the authorization server is built from. */
export interface ProviderDependencies extends ConsentBindingDependencies {
  readonly issuer: string;
  readonly adapter: new (name: string) => Adapter;
  readonly keys: KeyMaterial;
  readonly logger: Logger;
  /** Where Dynamic Client Registration is served (advertised in discovery; not by the provider itself). */
  readonly registrationEndpoint?: string;
  /** How partners' key set URLs (`jwks_uri`) are fetched. */
  readonly fetch?: GuardedFetch;
}

/** Algorithms FAPI 2.0 allows; nothing else is accepted or used. */
const FAPI_ALGORITHMS: AsymmetricSigningAlgorithm[] = ['PS256', 'ES256', 'Ed25519', 'EdDSA'];

/**
 * The oidc-provider instance, configured for the FAPI 2.0 Security Profile for every client (research §1.18):
 * PAR required, PKCE S256, `code` only, `iss` in the response, `private_key_jwt` only, DPoP-bound tokens,
 * PS256/ES256/EdDSA only, JWT access tokens for the Open Banking API, development interactions off.
 */
export function createProvider(dependencies: ProviderDependencies): Provider {
  const { issuer, adapter, keys, logger } = dependencies;
  const binding = consentBinding(dependencies);
  const configuration: Configuration = {
    adapter,
    jwks: keys.signingJwks,
    cookies: { keys: keys.cookieSecrets, long: { httpOnly: true, sameSite: 'lax' }, short: { httpOnly: true, sameSite: 'lax' } },
    responseTypes: ['code'],
    clientAuthMethods: ['private_key_jwt'],
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'private_key_jwt',
      id_token_signed_response_alg: 'PS256',
      dpop_bound_access_tokens: true,
    },
    enabledJWA: {
      clientAuthSigningAlgValues: FAPI_ALGORITHMS,
      idTokenSigningAlgValues: ['PS256', 'ES256'],
      requestObjectSigningAlgValues: FAPI_ALGORITHMS,
      dPoPSigningAlgValues: FAPI_ALGORITHMS,
    },
    scopes: ['openid', ...RESOURCE_SCOPES],
    claims: { openid: ['sub', 'acr'], [INTENT_CLAIM]: null },
    acrValues: [STEP_UP_ACR, LOGIN_ACR],
    pkce: { required: () => true },
    extraParams: { claims: binding.requireIntentClaim },
    features: {
      devInteractions: { enabled: false },
      fapi: { enabled: true, profile: '2.0' },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: true },
      dPoP: { enabled: true, nonceSecret: derivedSecret(keys, 'dpop-nonce'), requireNonce: () => false, allowReplay: false },
      claimsParameter: { enabled: true, assertClaimsParameter: binding.assertClaimsParameter },
      clientCredentials: { enabled: true },
      resourceIndicators: resourceServerFeature(issuer),
      rpInitiatedLogout: { enabled: false },
      userinfo: { enabled: true },
      introspection: { enabled: false },
      revocation: { enabled: false },
      registration: { enabled: false },
    },
    ttl: {
      AccessToken: ACCESS_TOKEN_TTL_SECONDS,
      ClientCredentials: ACCESS_TOKEN_TTL_SECONDS,
      AuthorizationCode: 60,
      IdToken: 300,
      Interaction: 900,
      Session: 600,
      // A VRP consent's grant is given its own, longer lifetime when it is created (vrpGrantLifetimeSeconds).
      Grant: REFRESH_TOKEN_MAX_TTL_SECONDS + GRANT_MARGIN_SECONDS,
      RefreshToken: refreshTokenTtlBoundToDpopKey(binding.refreshTokenTtl),
    },
    issueRefreshToken: binding.issueRefreshToken,
    expiresWithSession: binding.expiresWithSession,
    rotateRefreshToken: false,
    clientBasedCORS: () => false,
    interactions: { policy: binding.policy, url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    discovery: dependencies.registrationEndpoint ? { registration_endpoint: dependencies.registrationEndpoint } : {},
    ...(dependencies.fetch ? { fetch: dependencies.fetch } : {}),
    loadExistingGrant: binding.loadExistingGrant,
    findAccount: binding.findAccount,
    extraTokenClaims: binding.extraTokenClaims,
    renderError: (ctx, out, error) => {
      logger.info(
        { error: out.error, description: out.error_description, status: (error as { status?: number }).status },
        'authorization error shown to the browser',
      );
      ctx.type = 'html';
      ctx.body = renderMessagePage({
        title: 'Something went wrong',
        message: `${out.error_description ?? out.error}. Go back to the app and start again.`,
      });
    },
  };
  const provider = new Provider(issuer, configuration);
  provider.on('server_error', (_ctx, error) => logger.error({ err: error }, 'authorization server error'));
  const logRefusal = (event: string) => (ctx: KoaContextWithOIDC, error: Error & { error_description?: string }) =>
    logger.info({ event, client: ctx.oidc?.client?.clientId, error: error.message, description: error.error_description }, 'request refused');
  provider.on('grant.error', logRefusal('grant.error'));
  provider.on('pushed_authorization_request.error', logRefusal('pushed_authorization_request.error'));
  provider.on('authorization.error', logRefusal('authorization.error'));
  return provider;
}
