import * as client from 'openid-client';
import { exportJWK, generateKeyPair } from 'jose';
import { registerPartnerApp } from '../../src/domain/partners/app-registration.js';
import type { PartnerApp } from '../../src/domain/partners/partner-app.js';
import { validateClientMetadata } from '../../src/oauth/client-metadata.js';
import { loadKeyMaterial } from '../../src/oauth/key-material.js';
import { TypeOrmServerKeyStore } from '../../src/persistence/stores/server-key-store.js';
import { TypeOrmPartnerStore } from '../../src/persistence/stores/partner-store.js';
import { assertResponseSchema } from './response-schemas.js';
import type { Bank } from './test-server.js';

export const REDIRECT_URI = 'http://127.0.0.1:9/callback';
export const API = '/open-banking/v4.0/aisp';

/** A partner backend as a real relying party: openid-client with private_key_jwt and DPoP. */
export interface Partner {
  readonly clientId: string;
  readonly config: client.Configuration;
  readonly dpop: client.DPoPHandle;
  /** A client-credentials access token (scope `accounts`). */
  clientCredentialsToken(): Promise<string>;
  /**
   * Calls the resource API with a DPoP-bound token; returns status, headers and parsed JSON body. Every
   * body is checked against its schema (the route's response schema, or OBErrorResponse1 for errors).
   */
  call(token: string, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  /** POST /account-access-consents with a client-credentials token; returns the ConsentId. */
  createConsent(permissions: string[], extra?: Record<string, unknown>): Promise<string>;
  /** A PAR request for the consent; returns the authorization URL and what the code exchange needs. */
  pushAuthorizationRequest(consentId: string): Promise<AuthorizationStart>;
  /** Exchanges the callback for tokens (PKCE, state, nonce and iss checked by openid-client). */
  exchangeCode(callback: URL, start: AuthorizationStart): Promise<client.TokenEndpointResponse & client.TokenEndpointResponseHelpers>;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

export interface AuthorizationStart {
  readonly url: URL;
  readonly codeVerifier: string;
  readonly state: string;
  readonly nonce: string;
}

/** Registers a partner app (roles AISP) in the server's database and returns a partner client for it. */
export async function registerPartner(server: Bank, name = 'Budget Buddy'): Promise<Partner> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'partner-key-1', alg: 'ES256', use: 'sig' }] };
  const app = await registerTestApp(server, { name, jwks, roles: ['AISP'] });
  const config = await client.discovery(new URL(server.issuer), app.clientId, {}, client.PrivateKeyJwt({ key: privateKey, kid: 'partner-key-1' }), {
    execute: [client.allowInsecureRequests],
  });
  return partnerClient(server, app.clientId, config, client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256')));
}

/** Registers an app with the redirect URI {@link REDIRECT_URI}, as `openteller partner create` does. */
export async function registerTestApp(server: Bank, app: { name: string; jwks: unknown; roles: string[] }): Promise<PartnerApp> {
  const { dataSource } = server.database;
  const keys = await loadKeyMaterial(server.config, new TypeOrmServerKeyStore(dataSource));
  return registerPartnerApp(
    { partners: new TypeOrmPartnerStore(dataSource), validateClientMetadata: validateClientMetadata(server.config, keys), mode: 'sandbox' },
    null,
    { name: app.name, redirectUris: [REDIRECT_URI], keys: { jwks: app.jwks }, roles: app.roles, origin: 'cli' },
    new Date(),
  );
}

/** A PAR request binding `consentId` (the essential `openbanking_intent_id` claim) with PKCE and DPoP. */
export async function pushIntentAuthorizationRequest(
  config: client.Configuration,
  dpop: client.DPoPHandle,
  consentId: string,
  scope: string,
): Promise<AuthorizationStart> {
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = await client.buildAuthorizationUrlWithPAR(
    config,
    {
      redirect_uri: REDIRECT_URI,
      scope,
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      claims: JSON.stringify({ id_token: { openbanking_intent_id: { value: consentId, essential: true } } }),
    },
    { DPoP: dpop },
  );
  return { url, codeVerifier, state, nonce };
}

/** A partner client over an existing registration (e.g. another DPoP key for the same app). */
export function partnerClient(server: Bank, clientId: string, config: client.Configuration, dpop: client.DPoPHandle): Partner {
  const partner: Partner = {
    clientId,
    config,
    dpop,
    async clientCredentialsToken() {
      return (await client.clientCredentialsGrant(config, { scope: 'accounts' }, { DPoP: dpop })).access_token;
    },
    async call(token, method, path, body, headers = {}) {
      const requestHeaders = new Headers(headers);
      if (body !== undefined && !requestHeaders.has('content-type')) requestHeaders.set('content-type', 'application/json');
      let response: Response;
      try {
        response = await client.fetchProtectedResource(
          config,
          token,
          new URL(path, server.issuer),
          method,
          body === undefined ? undefined : JSON.stringify(body),
          requestHeaders,
          {
            DPoP: dpop,
          },
        );
      } catch (error) {
        if (error instanceof client.WWWAuthenticateChallengeError) response = error.response;
        else throw error;
      }
      const text = await response.text();
      const parsed = text ? JSON.parse(text) : undefined;
      assertResponseSchema(method, path, response.status, parsed);
      return { status: response.status, headers: response.headers, body: parsed };
    },
    async createConsent(permissions, extra = {}) {
      const token = await partner.clientCredentialsToken();
      const response = await partner.call(token, 'POST', `${API}/account-access-consents`, {
        Data: { Permissions: permissions, ...extra },
        Risk: {},
      });
      if (response.status !== 201) throw new Error(`consent creation failed: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body.Data.ConsentId as string;
    },
    pushAuthorizationRequest: (consentId) => pushIntentAuthorizationRequest(config, dpop, consentId, 'openid accounts'),
    async exchangeCode(callback, start) {
      return client.authorizationCodeGrant(
        config,
        callback,
        { pkceCodeVerifier: start.codeVerifier, expectedState: start.state, expectedNonce: start.nonce, idTokenExpected: true },
        undefined,
        { DPoP: dpop },
      );
    },
  };
  return partner;
}
