import { keysOf, type PartnerApp } from '../domain/partners/partner-app.js';

/**
 * Ready-to-run configuration for an app: the environment of the getting-started example (README, step 3), and the
 * same settings as JSON for any OpenID Connect client library.
 */
export function appSnippets(issuer: string, app: PartnerApp): { shell: string; json: string } {
  const keys = keysOf(app);
  const kid = 'jwks' in keys ? String(keys.jwks.keys[0]?.kid ?? '') : '<kid of your private key>';
  const scope = app.clientMetadata.scope;
  const shell = [
    `ISSUER=${issuer} \\`,
    `CLIENT_ID=${app.clientId} \\`,
    `PRIVATE_JWK_FILE=./private-jwk.json \\`,
    `  node partner-portal-docs/examples/getting-started.mjs`,
    `# private-jwk.json: the private half of key "${kid}"`,
  ].join('\n');
  const json = JSON.stringify(
    {
      issuer,
      discovery: `${issuer}/.well-known/openid-configuration`,
      client_id: app.clientId,
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_kid: kid,
      redirect_uri: app.clientMetadata.redirect_uris[0],
      scope,
      pushed_authorization_requests: 'required',
      dpop: 'required (ES256, PS256 or EdDSA proofs)',
      open_banking_api: `${issuer}/open-banking/v4.0`,
    },
    null,
    2,
  );
  return { shell, json };
}
