import { randomBytes } from 'node:crypto';
import { InvalidField } from '../errors.js';
import { newId } from '../ids.js';

/** Open Banking roles a partner app may hold. */
export type PartnerRole = 'AISP' | 'PISP' | 'CBPII';

/** The OAuth scope each role unlocks. */
export const SCOPE_OF_ROLE: Readonly<Record<PartnerRole, string>> = { AISP: 'accounts', PISP: 'payments', CBPII: 'fundsconfirmations' };

/** A partner's app: one OAuth client. */
export interface PartnerApp {
  readonly clientId: string;
  readonly partnerId: string;
  readonly partnerName: string;
  readonly name: string;
  readonly roles: readonly PartnerRole[];
  /** `sandbox` apps work with sandbox customers only; an operator promotes them to `live`. */
  readonly environment: 'sandbox' | 'live';
  readonly status: 'active' | 'suspended';
  readonly createdAt: Date;
}

/** What an operator or the portal supplies to register an app. */
export interface PartnerAppRegistration {
  readonly name: string;
  readonly redirectUris: readonly string[];
  readonly jwks: unknown;
  readonly roles: readonly string[];
}

/** Persistence of partners and their apps. */
export interface PartnerStore {
  /** Stores the app and the OAuth client metadata the authorization server reads, atomically. */
  insertApp(app: PartnerApp, clientMetadata: Record<string, unknown>): Promise<void>;
  findApp(clientId: string): Promise<PartnerApp | null>;
}

/**
 * The `http://openbanking.org.uk/iss` an app signs its payment messages with (NOTES §10):
 * `{organisation id}/{software id}` — here the partner id and the client id.
 */
export function messageSigningIssuer(app: PartnerApp): string {
  return `${app.partnerId}/${app.clientId}`;
}

/** Checks OAuth client metadata the way the authorization server will (injected: the domain knows no OAuth library). */
export type ClientMetadataValidator = (metadata: Record<string, unknown>) => Promise<void>;

const ALLOWED_KEY_ALGORITHMS = new Set(['PS256', 'ES256', 'EdDSA']);

/**
 * Registers a partner app with FAPI 2.0 client metadata: `private_key_jwt` with the partner's public keys,
 * PAR, DPoP-bound tokens, `code` flow, scopes following the roles.
 * @param mode in the sandbox, `http://localhost` and `http://127.0.0.1` redirect URIs are allowed.
 * @throws InvalidField for a bad name, redirect URI, key set or role.
 */
export async function registerPartnerApp(
  store: PartnerStore,
  validateClientMetadata: ClientMetadataValidator,
  registration: PartnerAppRegistration,
  mode: 'sandbox' | 'production',
  now: Date,
): Promise<{ app: PartnerApp; clientMetadata: Record<string, unknown> }> {
  const name = registration.name.trim();
  if (!name || name.length > 140) throw new InvalidField('The app name must have 1 to 140 characters', 'name');
  const redirectUris = validateRedirectUris(registration.redirectUris, mode);
  const jwks = validatePublicJwks(registration.jwks);
  const roles = validateRoles(registration.roles);
  const app: PartnerApp = {
    clientId: `cli_${randomBytes(16).toString('base64url')}`,
    partnerId: newId('ptn'),
    partnerName: name,
    name,
    roles,
    environment: 'sandbox',
    status: 'active',
    createdAt: now,
  };
  const clientMetadata = {
    client_id: app.clientId,
    client_name: name,
    redirect_uris: redirectUris,
    jwks,
    scope: ['openid', ...roles.map((role) => SCOPE_OF_ROLE[role])].join(' '),
    grant_types: ['authorization_code', 'client_credentials', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'private_key_jwt',
    id_token_signed_response_alg: 'PS256',
    require_pushed_authorization_requests: true,
    dpop_bound_access_tokens: true,
  };
  try {
    await validateClientMetadata(clientMetadata);
  } catch (error) {
    const { message, error_description: description } = error as { message: string; error_description?: string };
    throw new InvalidField(`The app's OAuth metadata is invalid: ${description ?? message}`);
  }
  await store.insertApp(app, clientMetadata);
  return { app, clientMetadata };
}

function validateRedirectUris(uris: readonly string[], mode: 'sandbox' | 'production'): string[] {
  if (uris.length === 0) throw new InvalidField('At least one redirect URI is required', 'redirect_uris');
  return uris.map((value) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new InvalidField(`Redirect URI ${value} is not an absolute URL`, 'redirect_uris');
    }
    if (url.hash) throw new InvalidField(`Redirect URI ${value} must not have a fragment`, 'redirect_uris');
    const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
    if (url.protocol === 'https:') return value;
    if (url.protocol === 'http:' && loopback && mode === 'sandbox') return value;
    throw new InvalidField(
      mode === 'sandbox'
        ? `Redirect URI ${value} must use https (http is allowed only for localhost and 127.0.0.1 in the sandbox)`
        : `Redirect URI ${value} must use https`,
      'redirect_uris',
    );
  });
}

function validatePublicJwks(jwks: unknown): { keys: Record<string, unknown>[] } {
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new InvalidField('The key set must be a JWKS with at least one key', 'jwks');
  const kids = new Set<string>();
  for (const key of keys as Record<string, unknown>[]) {
    if (typeof key !== 'object' || key === null) throw new InvalidField('Every key must be a JSON object', 'jwks');
    if ('d' in key || 'p' in key || 'k' in key) throw new InvalidField('The key set must hold public keys only', 'jwks');
    if (key.kty !== 'RSA' && key.kty !== 'EC' && key.kty !== 'OKP') throw new InvalidField(`Key type ${String(key.kty)} is not supported`, 'jwks');
    if (key.alg !== undefined && !ALLOWED_KEY_ALGORITHMS.has(String(key.alg))) {
      throw new InvalidField(`Key algorithm ${String(key.alg)} is not allowed (PS256, ES256 or EdDSA)`, 'jwks');
    }
    if (typeof key.kid !== 'string' || !key.kid) throw new InvalidField('Every key needs a "kid"', 'jwks');
    if (kids.has(key.kid)) throw new InvalidField(`Key id ${key.kid} appears twice`, 'jwks');
    kids.add(key.kid);
  }
  return { keys: keys as Record<string, unknown>[] };
}

function validateRoles(roles: readonly string[]): PartnerRole[] {
  const unique = [...new Set(roles.map((role) => role.trim().toUpperCase()).filter(Boolean))];
  if (unique.length === 0) throw new InvalidField('At least one role is required (AISP, PISP, CBPII)', 'roles');
  for (const role of unique) {
    if (!Object.hasOwn(SCOPE_OF_ROLE, role)) throw new InvalidField(`Unknown role ${role} (use AISP, PISP or CBPII)`, 'roles');
  }
  return unique as PartnerRole[];
}
