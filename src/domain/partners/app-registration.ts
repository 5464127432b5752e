import { randomBytes } from 'node:crypto';
import { MAX_NESTING_DEPTH, pathBeyondNestingLimit } from '../nesting-depth.js';
import { hasControlCharacter } from '../text.js';
import { InvalidField } from '../errors.js';
import { newBase62Id, newId } from '../ids.js';
import {
  SCOPE_OF_ROLE,
  type AppEnvironment,
  type AppKeys,
  type AppOrigin,
  type ClientMetadata,
  type Partner,
  type PartnerApp,
  type PartnerRole,
  type PartnerStore,
  type PublicJwks,
  type SignedSoftwareStatement,
} from './partner-app.js';

/** How OpenTeller runs: redirect URIs and key URLs may use plain http on loopback in the sandbox only. */
export type PlatformMode = 'sandbox' | 'production';

/** Checks OAuth client metadata the way the authorization server will (injected: the domain knows no OAuth library). */
export type ClientMetadataValidator = (metadata: Record<string, unknown>) => Promise<void>;

/** What registering an app needs. */
export interface AppRegistrationServices {
  readonly partners: PartnerStore;
  readonly validateClientMetadata: ClientMetadataValidator;
  readonly mode: PlatformMode;
}

/** What a partner (portal, CLI or DCR) supplies to register an app. Untrusted: every field is checked. */
export interface AppRegistration {
  readonly name: string;
  readonly description?: string;
  readonly redirectUris: readonly string[];
  readonly keys: { readonly jwks: unknown } | { readonly jwksUri: string };
  readonly roles: readonly string[];
  readonly origin: AppOrigin;
  /** The directory software this client is registered for (DCR); a new software otherwise. */
  readonly softwareId?: string;
  /** DCR only: the verified software statement and the registration access token's hash. */
  readonly softwareStatement?: SignedSoftwareStatement;
  readonly registrationTokenHash?: string;
  /** Further OAuth metadata the client asked for and the platform accepts (DCR), e.g. `token_endpoint_auth_signing_alg`. */
  readonly extraMetadata?: Readonly<Record<string, unknown>>;
  /** DCR of software the bank already approved for live use: the client is live too. Otherwise `sandbox`. */
  readonly environment?: AppEnvironment;
}

const MAX_REDIRECT_URIS = 10;
const MAX_KEYS = 10;
const ALLOWED_KEY_ALGORITHMS = new Set(['PS256', 'ES256', 'EdDSA']);

/**
 * Registers a partner app with FAPI 2.0 client metadata: `private_key_jwt` with the partner's public keys, PAR,
 * DPoP-bound tokens, `code` flow, scopes following the roles. New apps are `sandbox` apps.
 * @param owner the organisation the app belongs to; null creates one named after the app (the CLI's quick start).
 * @throws InvalidField (with the offending field as path) for a bad name, description, redirect URI, key set or role.
 */
export async function registerPartnerApp(
  services: AppRegistrationServices,
  owner: Partner | null,
  registration: AppRegistration,
  now: Date,
): Promise<PartnerApp> {
  const name = checkName(registration.name);
  const partner: Partner = owner ?? { id: newId('ptn'), name, status: 'active', createdAt: now };
  const clientId = `cli_${randomBytes(16).toString('base64url')}`;
  const roles = checkRoles(registration.roles);
  const keys = checkKeys(registration.keys, services.mode);
  assertSigningKeyForRoles(roles, keys);
  const app: PartnerApp = {
    clientId,
    partnerId: partner.id,
    partnerName: partner.name,
    softwareId: registration.softwareId ?? newBase62Id(22),
    name,
    description: checkDescription(registration.description ?? ''),
    roles,
    environment: registration.environment ?? 'sandbox',
    status: 'active',
    origin: registration.origin,
    clientMetadata: fapiClientMetadata({
      clientId,
      name,
      redirectUris: checkRedirectUris(registration.redirectUris, services.mode),
      keys,
      roles,
      extra: registration.extraMetadata ?? {},
    }),
    softwareStatement: registration.softwareStatement ?? null,
    registrationTokenHash: registration.registrationTokenHash ?? null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  await assertAcceptedByAuthorizationServer(services.validateClientMetadata, app.clientMetadata);
  await services.partners.insertApp(app, owner ? null : partner);
  return app;
}

/** The OAuth metadata of a FAPI 2.0 client of this platform; `extra` cannot override the fixed security settings. */
export function fapiClientMetadata(input: {
  clientId: string;
  name: string;
  redirectUris: readonly string[];
  keys: AppKeys;
  roles: readonly PartnerRole[];
  extra?: Readonly<Record<string, unknown>>;
}): ClientMetadata {
  return {
    ...input.extra,
    client_id: input.clientId,
    client_name: input.name,
    redirect_uris: [...input.redirectUris],
    ...('jwksUri' in input.keys ? { jwks_uri: input.keys.jwksUri } : { jwks: input.keys.jwks }),
    scope: scopeOfRoles(input.roles),
    grant_types: ['authorization_code', 'client_credentials', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'private_key_jwt',
    id_token_signed_response_alg: 'PS256',
    require_pushed_authorization_requests: true,
    dpop_bound_access_tokens: true,
  };
}

/** The scopes an app with these roles may ask for: `openid` and one per role. */
export function scopeOfRoles(roles: readonly PartnerRole[]): string {
  return ['openid', ...roles.map((role) => SCOPE_OF_ROLE[role])].join(' ');
}

/** @throws InvalidField when the authorization server would refuse the metadata. */
export async function assertAcceptedByAuthorizationServer(validate: ClientMetadataValidator, metadata: ClientMetadata): Promise<void> {
  try {
    await validate({ ...metadata });
  } catch (error) {
    const { message, error_description: description } = error as { message: string; error_description?: string };
    throw new InvalidField(`The app's OAuth metadata is invalid: ${description ?? message}`);
  }
}

/** @throws InvalidField (path `name`). */
export function checkName(value: string): string {
  const name = value.trim();
  if (!name || name.length > 140) throw new InvalidField('The app name must have 1 to 140 characters', 'name');
  if (hasControlCharacter(name)) throw new InvalidField('The app name must not contain control characters', 'name');
  return name;
}

/** @throws InvalidField (path `description`). */
export function checkDescription(value: string): string {
  const description = value.trim();
  if (description.length > 500) throw new InvalidField('The description must have at most 500 characters', 'description');
  return description;
}

/**
 * Absolute https URLs without a fragment; in the sandbox also `http://localhost` and `http://127.0.0.1`.
 * @throws InvalidField (path `redirect_uris`).
 */
export function checkRedirectUris(uris: readonly string[], mode: PlatformMode): string[] {
  const unique = [...new Set(uris.map((uri) => uri.trim()).filter(Boolean))];
  if (unique.length === 0) throw new InvalidField('At least one redirect URI is required', 'redirect_uris');
  if (unique.length > MAX_REDIRECT_URIS) throw new InvalidField(`At most ${MAX_REDIRECT_URIS} redirect URIs can be registered`, 'redirect_uris');
  return unique.map((value) => {
    const url = webUrl(value, mode, 'Redirect URI', 'redirect_uris');
    if (url.hash || value.includes('#')) throw new InvalidField(`Redirect URI ${value} must not have a fragment`, 'redirect_uris');
    return value;
  });
}

/** @throws InvalidField (path `jwks` or `jwks_uri`). */
export function checkKeys(keys: AppRegistration['keys'], mode: PlatformMode): AppKeys {
  if ('jwksUri' in keys) {
    const url = webUrl(keys.jwksUri.trim(), mode, 'The key set URL', 'jwks_uri');
    if (url.hash) throw new InvalidField('The key set URL must not have a fragment', 'jwks_uri');
    return { jwksUri: url.href };
  }
  return { jwks: checkPublicJwks(keys.jwks) };
}

/**
 * A JWKS of 1 to 10 public signing keys that can sign what FAPI allows — RSA of 2048 bits or more (PS256), EC P-256
 * (ES256), Ed25519 (EdDSA) — each with a unique `kid`, no private members, and an `alg`, if any, among those.
 * @throws InvalidField (path `jwks`).
 */
export function checkPublicJwks(jwks: unknown): PublicJwks {
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new InvalidField('The key set must be a JWKS with at least one key', 'jwks');
  if (keys.length > MAX_KEYS) throw new InvalidField(`The key set can hold at most ${MAX_KEYS} keys`, 'jwks');
  const kids = new Set<string>();
  for (const key of keys as unknown[]) {
    checkPublicJwk(key);
    const { kid } = key as { kid: string };
    if (kids.has(kid)) throw new InvalidField(`Key id ${kid} appears twice`, 'jwks');
    kids.add(kid);
  }
  return { keys: keys as Record<string, unknown>[] };
}

/** @throws InvalidField (path `jwks`) unless `key` is one acceptable public key with a `kid`. */
export function checkPublicJwk(key: unknown): asserts key is Readonly<Record<string, unknown>> & { kid: string } {
  if (typeof key !== 'object' || key === null || Array.isArray(key)) throw new InvalidField('Every key must be a JSON object', 'jwks');
  if (pathBeyondNestingLimit(key) !== null) {
    throw new InvalidField(`A key nests objects and arrays more than ${MAX_NESTING_DEPTH} levels deep`, 'jwks');
  }
  const jwk = key as Record<string, unknown>;
  if ('d' in jwk || 'p' in jwk || 'k' in jwk) throw new InvalidField('The key set must hold public keys only', 'jwks');
  if (jwk.kty !== 'RSA' && jwk.kty !== 'EC' && jwk.kty !== 'OKP') throw new InvalidField(`Key type ${String(jwk.kty)} is not supported`, 'jwks');
  if (jwk.kty === 'RSA' && (typeof jwk.e !== 'string' || rsaModulusBits(jwk.n) < 2048))
    throw new InvalidField('RSA keys need a modulus of at least 2048 bits', 'jwks');
  if (jwk.kty === 'EC' && (jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string')) {
    throw new InvalidField('EC keys must be on the P-256 curve (ES256)', 'jwks');
  }
  if (jwk.kty === 'OKP' && (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string')) throw new InvalidField('OKP keys must be Ed25519 (EdDSA)', 'jwks');
  if (jwk.use !== undefined && jwk.use !== 'sig') throw new InvalidField('Keys must be signing keys ("use": "sig", or no "use")', 'jwks');
  if (jwk.alg !== undefined && (typeof jwk.alg !== 'string' || !ALLOWED_KEY_ALGORITHMS.has(jwk.alg))) {
    throw new InvalidField(`Key algorithm ${JSON.stringify(jwk.alg)} is not allowed (PS256, ES256 or EdDSA)`, 'jwks');
  }
  if (typeof jwk.kid !== 'string' || !jwk.kid || jwk.kid.length > 100)
    throw new InvalidField('Every key needs a "kid" of 1 to 100 characters', 'jwks');
}

/**
 * A payment initiation app signs its payment messages with PS256 (NOTES §10): when the bank holds its key set, it
 * must hold an RSA key. (Keys served from a `jwks_uri` are the partner's to get right.)
 * @throws InvalidField (path `jwks`).
 */
export function assertSigningKeyForRoles(roles: readonly PartnerRole[], keys: AppKeys): void {
  if (!roles.includes('PISP') || !('jwks' in keys)) return;
  if (!keys.jwks.keys.some((key) => key.kty === 'RSA' && (key.alg === undefined || key.alg === 'PS256'))) {
    throw new InvalidField('A PISP app signs payment messages with PS256: its key set needs an RSA key (alg PS256 or none)', 'jwks');
  }
}

/** The size of an RSA modulus given base64url-encoded, in bits (0 when it is not such a value). */
function rsaModulusBits(n: unknown): number {
  if (typeof n !== 'string' || !/^[A-Za-z0-9_-]+$/.test(n)) return 0;
  const bytes = Buffer.from(n, 'base64url');
  let first = 0;
  while (first < bytes.length && bytes[first] === 0) first += 1;
  if (first === bytes.length) return 0;
  return (bytes.length - first - 1) * 8 + (32 - Math.clz32(bytes[first] as number));
}

/** @throws InvalidField (path `roles`). */
export function checkRoles(roles: readonly string[]): PartnerRole[] {
  const unique = [...new Set(roles.map((role) => role.trim().toUpperCase()).filter(Boolean))];
  if (unique.length === 0) throw new InvalidField('At least one role is required (AISP, PISP, CBPII)', 'roles');
  for (const role of unique) {
    if (!Object.hasOwn(SCOPE_OF_ROLE, role)) throw new InvalidField(`Unknown role ${role} (use AISP, PISP or CBPII)`, 'roles');
  }
  return unique as PartnerRole[];
}

function webUrl(value: string, mode: PlatformMode, label: string, path: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidField(`${label} ${value} is not an absolute URL`, path);
  }
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (url.username || url.password) throw new InvalidField(`${label} ${value} must not carry a user name or password`, path);
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && loopback && mode === 'sandbox') return url;
  throw new InvalidField(
    mode === 'sandbox'
      ? `${label} ${value} must use https (http is allowed only for localhost and 127.0.0.1 in the sandbox)`
      : `${label} ${value} must use https`,
    path,
  );
}
