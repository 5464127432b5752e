/**
 * The baseline of `npm run bench -- token`: the same oidc-provider version with the token endpoint's features as
 * OpenTeller configures them (src/oauth/provider.ts: FAPI 2.0 profile, `private_key_jwt` only, FAPI algorithms,
 * DPoP-bound tokens without nonces and without replays, client credentials, PS256 JWT access tokens for the Open
 * Banking API through the same `resourceServerFeature`, the same signing keys and TTLs) and the same client
 * metadata, entirely in memory: oidc-provider's default memory adapter (client-assertion and DPoP `jti`s in its LRU)
 * and the client as a static client. Nothing else: no Koa around it, no database.
 * Env: PORT, BENCH_ISSUER, BENCH_SIGNING_JWKS (the server's private JWKS), BENCH_CLIENT (the app's client metadata),
 * BENCH_COOKIE_SECRET.
 */
import Provider, { type AsymmetricSigningAlgorithm, type ClientMetadata, type Configuration, type JWK } from 'oidc-provider';
import { ACCESS_TOKEN_TTL_SECONDS, RESOURCE_SCOPES, resourceServerFeature } from '../src/oauth/resource-server.js';

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const port = Number(required('PORT'));
const issuer = required('BENCH_ISSUER');
const jwks = JSON.parse(required('BENCH_SIGNING_JWKS')) as { keys: JWK[] };
const client = JSON.parse(required('BENCH_CLIENT')) as ClientMetadata;
const cookieSecret = required('BENCH_COOKIE_SECRET');

/** As src/oauth/provider.ts. */
const FAPI_ALGORITHMS: AsymmetricSigningAlgorithm[] = ['PS256', 'ES256', 'Ed25519', 'EdDSA'];

const configuration: Configuration = {
  clients: [client],
  jwks,
  cookies: { keys: [cookieSecret] },
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
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    fapi: { enabled: true, profile: '2.0' },
    pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: true },
    dPoP: { enabled: true, nonceSecret: Buffer.alloc(32, 7), requireNonce: () => false, allowReplay: false },
    clientCredentials: { enabled: true },
    resourceIndicators: resourceServerFeature(issuer),
    rpInitiatedLogout: { enabled: false },
    introspection: { enabled: false },
    revocation: { enabled: false },
    registration: { enabled: false },
  },
  // Enables the refresh_token grant the app's metadata names, as OpenTeller's own policy does; never for client credentials.
  issueRefreshToken: () => false,
  rotateRefreshToken: false,
  ttl: { AccessToken: ACCESS_TOKEN_TTL_SECONDS, ClientCredentials: ACCESS_TOKEN_TTL_SECONDS },
  clientBasedCORS: () => false,
};

const provider = new Provider(issuer, configuration);
provider.listen(port, '127.0.0.1');
