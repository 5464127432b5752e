// Software statements and registration requests for Dynamic Client Registration tests: portal software with
// its private key, statements of the bank's own directory, an external directory with its own key and JWKS
// server, signed OB DCR requests, and plain HTTP calls to /register.
import { randomUUID } from 'node:crypto';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as client from 'openid-client';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { loadDirectorySigningKey, type DirectorySigningKey } from '../../src/directory/directory-key.js';
import { createOwnDirectory, type OwnDirectoryService } from '../../src/directory/own-directory.js';
import { registerPartnerApp } from '../../src/domain/partners/app-registration.js';
import type { PartnerApp } from '../../src/domain/partners/partner-app.js';
import { validateClientMetadata } from '../../src/oauth/client-metadata.js';
import { loadKeyMaterial } from '../../src/oauth/key-material.js';
import { TypeOrmServerKeyStore } from '../../src/persistence/stores/server-key-store.js';
import { TypeOrmPartnerStore } from '../../src/persistence/stores/partner-store.js';
import { partnerClient, REDIRECT_URI, type Partner } from './partner.js';
import { PAYMENT_SIGNING_JWK } from './sample-keys.js';
import type { TestServer } from './test-server.js';

/** A second redirect URI for software that registers more than one. */
export const OTHER_REDIRECT_URI = 'http://127.0.0.1:9/other-callback';

/** A key pair a partner signs with, and its public JWK (with `kid`, `alg`, `use`). */
export interface SigningKey {
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
  readonly kid: string;
  readonly alg: 'ES256' | 'PS256';
}

/** A new signing key pair. */
export async function newSigningKey(kid: string, alg: 'ES256' | 'PS256' = 'ES256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }, kid, alg };
}

/** An app of the portal (the software of the bank's own directory) and the private key of its key set. */
export interface PortalSoftware {
  readonly app: PartnerApp;
  readonly key: SigningKey;
}

/** Registers portal software (as `openteller partner create` does) with its own ES256 key, roles and redirect URIs. */
export async function registerPortalSoftware(
  server: TestServer,
  options: { name?: string; roles?: string[]; redirectUris?: string[] } = {},
): Promise<PortalSoftware> {
  const key = await newSigningKey(`software-key-${randomUUID().slice(0, 8)}`);
  const { dataSource } = server.database;
  const keys = await loadKeyMaterial(server.config, new TypeOrmServerKeyStore(dataSource));
  const app = await registerPartnerApp(
    { partners: new TypeOrmPartnerStore(dataSource), validateClientMetadata: validateClientMetadata(server.config, keys), mode: 'sandbox' },
    null,
    {
      name: options.name ?? 'Budget Buddy',
      redirectUris: options.redirectUris ?? [REDIRECT_URI],
      keys: { jwks: { keys: options.roles?.includes('PISP') ? [key.publicJwk, PAYMENT_SIGNING_JWK] : [key.publicJwk] } },
      roles: options.roles ?? ['AISP'],
      origin: 'cli',
    },
    new Date(),
  );
  return { app, key };
}

/** The bank's own directory as the server runs it (the same stored sandbox key), and its signing key. */
export async function ownDirectoryOf(server: TestServer): Promise<{ directory: OwnDirectoryService; key: DirectorySigningKey }> {
  const { dataSource } = server.database;
  const key = await loadDirectorySigningKey(server.config, new TypeOrmServerKeyStore(dataSource));
  if (!key) throw new Error('the test server runs no directory of its own');
  return { directory: createOwnDirectory(server.issuer, key, new TypeOrmPartnerStore(dataSource)), key };
}

/** A fresh statement of the bank's own directory for a portal app, as the portal hands it out. */
export async function issueOwnStatement(server: TestServer, clientId: string): Promise<string> {
  const { directory } = await ownDirectoryOf(server);
  return directory.issueFor('operator', clientId, new Date());
}

/** Signs arbitrary claims with the own directory's key (to forge expired or odd statements the directory never issues). */
export async function signWithOwnDirectoryKey(server: TestServer, claims: JWTPayload): Promise<string> {
  const { key } = await ownDirectoryOf(server);
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' }).sign(key.key);
}

/** The claims of a statement (unverified: for tests that re-sign altered copies). */
export function claimsOf(statement: string): JWTPayload {
  return decodeJwt(statement);
}

/** An unsigned JWT (`alg: none`). */
export function unsignedJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

/** Signs claims with a key, with `typ: JWT` and the key's `kid`. */
export function signJwt(key: SigningKey, claims: JWTPayload): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' }).sign(key.privateKey);
}

/**
 * The claims of an OB DCR signed registration request: `iss` the software id, `aud` the issuer, valid five
 * minutes, a fresh `jti`; `overrides` replace or (as `undefined`) remove claims.
 */
export function registrationRequestClaims(
  server: TestServer,
  softwareId: string,
  softwareStatement: string,
  overrides: Record<string, unknown> = {},
): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: softwareId,
    aud: server.issuer,
    iat: now,
    exp: now + 300,
    jti: randomUUID(),
    software_statement: softwareStatement,
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'ES256',
    grant_types: ['authorization_code', 'client_credentials', 'refresh_token'],
    response_types: ['code'],
    application_type: 'web',
    id_token_signed_response_alg: 'PS256',
    request_object_signing_alg: 'PS256',
    ...overrides,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return claims;
}

/** An HTTP answer of the registration endpoint. */
export interface RegistrationAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

/** Calls the registration endpoint: POST /register or GET/PUT/DELETE /register/{clientId}. */
export async function callRegistration(
  server: TestServer,
  method: 'POST' | 'GET' | 'PUT' | 'DELETE',
  options: { clientId?: string; token?: string; body?: string | object; contentType?: string } = {},
): Promise<RegistrationAnswer> {
  const headers = new Headers();
  if (options.token !== undefined) headers.set('authorization', `Bearer ${options.token}`);
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers.set('content-type', options.contentType ?? (typeof options.body === 'string' ? 'application/jwt' : 'application/json'));
  }
  const path = options.clientId === undefined ? '/register' : `/register/${encodeURIComponent(options.clientId)}`;
  const response = await fetch(`${server.issuer}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/** How many apps (OAuth clients) the `software` table holds. */
export async function countSoftware(server: TestServer): Promise<number> {
  const rows = await server.database.dataSource.query<Array<{ n: number | string }>>('SELECT COUNT(*) AS n FROM software');
  return Number(rows[0]?.n);
}

/** A partner client (openid-client, private_key_jwt with `key`, DPoP) for a client registered by DCR. */
export async function partnerForClient(server: TestServer, clientId: string, key: SigningKey): Promise<Partner> {
  const config = await client.discovery(new URL(server.issuer), clientId, {}, client.PrivateKeyJwt({ key: key.privateKey, kid: key.kid }), {
    execute: [client.allowInsecureRequests],
  });
  return partnerClient(server, clientId, config, client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256')));
}

/** A small JSON server on 127.0.0.1 (a directory's or a software's JWKS endpoint); `documents` can change while it runs. */
export interface JsonServer {
  readonly origin: string;
  readonly documents: Map<string, unknown>;
  close(): Promise<void>;
}

export async function startJsonServer(documents: Record<string, unknown> = {}): Promise<JsonServer> {
  const served = new Map(Object.entries(documents));
  const server: Server = createServer((request, response) => {
    const document = served.get(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    if (request.method !== 'GET' || document === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(document));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    documents: served,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Another directory the bank may trust: its issuer and signing key. */
export interface ExternalDirectory {
  readonly issuer: string;
  readonly key: SigningKey;
  /** A statement of this directory for software of one of its organisations. */
  sign(claims: Record<string, unknown>): Promise<string>;
}

export async function newExternalDirectory(issuer: string): Promise<ExternalDirectory> {
  const key = await newSigningKey(`directory-${randomUUID().slice(0, 8)}`, 'PS256');
  return { issuer, key, sign: (claims) => signJwt(key, { iss: issuer, ...claims }) };
}

/** Standard claims of an external directory's statement (the caller adds `software_jwks_endpoint` and overrides). */
export function externalStatementClaims(softwareId: string, orgId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iat: now,
    exp: now + 3600,
    jti: randomUUID(),
    software_id: softwareId,
    software_client_id: softwareId,
    software_client_name: 'Far Away Finance',
    software_client_description: 'An app of another directory',
    software_version: '1.0',
    software_environment: 'sandbox',
    software_mode: 'Test',
    software_redirect_uris: [REDIRECT_URI],
    software_roles: ['AISP'],
    org_id: orgId,
    org_name: 'Far Away Ltd',
    org_status: 'Active',
    ...overrides,
  };
}

/** Writes a TRUSTED_DIRECTORIES_FILE to a fresh temp directory; returns its path and a remover. */
export function writeTrustedDirectoriesFile(entries: unknown[]): { path: string; remove(): void } {
  const folder = mkdtempSync(join(tmpdir(), 'openteller-directories-'));
  const path = join(folder, 'trusted-directories.json');
  writeFileSync(path, JSON.stringify(entries));
  return { path, remove: () => rmSync(folder, { recursive: true, force: true }) };
}
