import { randomUUID } from 'node:crypto';
import { ActionNotAllowed, DomainError } from '../errors.js';
import { keysOf, SCOPE_OF_ROLE, type Partner, type PartnerApp, type PartnerRole, type SignedSoftwareStatement } from './partner-app.js';

/** The RFC 7591 §3.2.2 error codes a registration can be refused with. */
export type RegistrationErrorCode =
  'invalid_software_statement' | 'unapproved_software_statement' | 'invalid_redirect_uri' | 'invalid_client_metadata';

/** A Dynamic Client Registration request refused, with its RFC 7591 error code. */
export class RegistrationRefused extends DomainError {
  readonly code = 'RegistrationRefused';

  constructor(
    readonly error: RegistrationErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A software statement whose signature a trusted directory's key verified, read into what registration needs. */
export interface SoftwareStatement {
  /** The directory that signed it (`iss`). */
  readonly directory: string;
  /** True when it is this platform's own sandbox directory. */
  readonly ownDirectory: boolean;
  readonly softwareId: string;
  readonly orgId: string;
  readonly orgName: string;
  readonly clientName: string;
  readonly description: string;
  readonly redirectUris: readonly string[];
  /** The roles it grants that this platform knows (AISP, PISP, CBPII). */
  readonly roles: readonly PartnerRole[];
  /** Where the software's public keys are published (`software_jwks_endpoint`). */
  readonly jwksEndpoint: string | null;
  /** Every claim, as signed (flattened into the registration response, as OB DCR asks). */
  readonly claims: Readonly<Record<string, unknown>>;
  /** The statement as sent (returned unmodified in registration responses, RFC 7591 §3.2.1). */
  readonly jwt: string;
}

/** A software statement is accepted for 7 days after it was issued (OB DCR leaves the window to the bank). */
export const SOFTWARE_STATEMENT_MAX_AGE_MS = 7 * 24 * 3600_000;
/** Clock skew tolerated on `iat`. */
const CLOCK_SKEW_MS = 60_000;

/**
 * Checks what a signature cannot: issued at most {@link SOFTWARE_STATEMENT_MAX_AGE_MS} ago and not in the future,
 * and not past its `exp`.
 * @throws RegistrationRefused `invalid_software_statement`.
 */
export function assertFreshSoftwareStatement(claims: Readonly<Record<string, unknown>>, now: Date): void {
  const invalid = (message: string) => new RegistrationRefused('invalid_software_statement', message);
  if (typeof claims.iat !== 'number') throw invalid('The software statement has no iat');
  const issuedAtMs = claims.iat * 1000;
  if (issuedAtMs > now.getTime() + CLOCK_SKEW_MS) throw invalid('The software statement is issued in the future');
  if (issuedAtMs < now.getTime() - SOFTWARE_STATEMENT_MAX_AGE_MS)
    throw invalid('The software statement has expired: it is more than 7 days old; get a fresh one');
  if (claims.exp !== undefined && (typeof claims.exp !== 'number' || claims.exp * 1000 <= now.getTime()))
    throw invalid('The software statement has expired');
}

/**
 * Reads the claims of a software statement whose signature has been verified into what registration needs; the
 * organisation must be `Active`.
 * @throws RegistrationRefused `invalid_software_statement` (a claim registration needs is missing or malformed)
 *   or `unapproved_software_statement` (organisation not active).
 */
export function readSoftwareStatement({ jwt, claims }: SignedSoftwareStatement, directory: { issuer: string; own: boolean }): SoftwareStatement {
  const invalid = (message: string) => new RegistrationRefused('invalid_software_statement', message);
  const softwareId = claims.software_id;
  const orgId = claims.org_id;
  if (typeof softwareId !== 'string' || !/^[\x21-\x7e]{1,64}$/.test(softwareId)) throw invalid('The software statement has no valid software_id');
  if (typeof orgId !== 'string' || !/^[\x21-\x7e]{1,64}$/.test(orgId)) throw invalid('The software statement has no valid org_id');
  const redirectUris = stringArray(claims.software_redirect_uris);
  if (!redirectUris || redirectUris.length === 0) throw invalid('The software statement has no software_redirect_uris');
  const roles = stringArray(claims.software_roles);
  if (!roles) throw invalid('The software statement has no software_roles');
  const orgStatus = claims.org_status ?? 'Active';
  if (typeof orgStatus !== 'string' || orgStatus.toLowerCase() !== 'active') {
    throw new RegistrationRefused(
      'unapproved_software_statement',
      `The organisation's status in the directory is ${String(claims.org_status)}, not Active`,
    );
  }
  const text = (value: unknown, fallback: string) => (typeof value === 'string' && value.trim() ? value.trim() : fallback);
  return {
    directory: directory.issuer,
    ownDirectory: directory.own,
    softwareId,
    orgId,
    orgName: text(claims.org_name, orgId).slice(0, 140),
    clientName: text(claims.software_client_name, softwareId).slice(0, 140),
    description: text(claims.software_client_description, '').slice(0, 500),
    redirectUris,
    roles: roles.filter((role): role is PartnerRole => Object.hasOwn(SCOPE_OF_ROLE, role)),
    jwksEndpoint: typeof claims.software_jwks_endpoint === 'string' ? claims.software_jwks_endpoint : null,
    claims,
    jwt,
  };
}

/** This platform's own directory, as its software statements name it. */
export interface OwnDirectory {
  /** The `iss` of its statements. */
  readonly issuer: string;
  /** Where it publishes a software's public keys (for apps whose keys the bank holds). */
  readonly softwareJwksEndpoint: (softwareId: string) => string;
}

/** Whether this platform's directory issues software statements for the app: one of the portal or CLI that is active. */
export function hasSoftwareStatement(app: PartnerApp): boolean {
  return app.origin !== 'dcr' && app.status === 'active';
}

/**
 * The claims this platform's directory signs for an app of the portal or CLI (OB directory SSA claims): valid for
 * {@link SOFTWARE_STATEMENT_MAX_AGE_MS}, naming the app's software, redirect URIs, roles, key set and organisation.
 * @throws ActionNotAllowed for an app registered by DCR (it has its statement already), an app or organisation that
 *   is not active.
 */
export function softwareStatementClaimsFor(app: PartnerApp, partner: Partner, directory: OwnDirectory, now: Date): Record<string, unknown> {
  if (!hasSoftwareStatement(app)) {
    throw new ActionNotAllowed(
      app.origin === 'dcr'
        ? 'This app was itself registered with a software statement'
        : `App ${app.clientId} is ${app.status}: switch it on before getting a software statement`,
    );
  }
  if (partner.status !== 'active') throw new ActionNotAllowed('The organisation is suspended');
  const issuedAt = Math.floor(now.getTime() / 1000);
  const keys = keysOf(app);
  return {
    iss: directory.issuer,
    iat: issuedAt,
    exp: issuedAt + SOFTWARE_STATEMENT_MAX_AGE_MS / 1000,
    jti: randomUUID(),
    software_id: app.softwareId,
    software_client_id: app.clientId,
    software_client_name: app.name,
    software_client_description: app.description,
    software_version: String(app.version),
    software_environment: app.environment,
    software_mode: app.environment === 'live' ? 'Live' : 'Test',
    software_redirect_uris: [...app.clientMetadata.redirect_uris],
    software_roles: [...app.roles],
    software_jwks_endpoint: 'jwksUri' in keys ? keys.jwksUri : directory.softwareJwksEndpoint(app.softwareId),
    org_id: partner.id,
    org_name: partner.name,
    org_status: 'Active',
  };
}

/** The client metadata a registration request asks for (RFC 7591 names), as sent. Untrusted. */
export type RegistrationMetadata = Readonly<Record<string, unknown>>;

/** What a registration may have, once checked against its software statement. */
export interface RegistrationDecision {
  readonly redirectUris: readonly string[];
  readonly roles: readonly PartnerRole[];
  /** Accepted optional metadata, e.g. `token_endpoint_auth_signing_alg`. */
  readonly extraMetadata: Readonly<Record<string, unknown>>;
}

const CLIENT_AUTH_SIGNING_ALGORITHMS = ['PS256', 'ES256', 'EdDSA'];

/**
 * Decides what a registration gets (RFC 7591 §3.2.2, OB DCR): redirect URIs must be among the statement's
 * (all of them when none is asked), scopes among the roles' (all of them when none is asked), `software_id`
 * the statement's. The FAPI settings are not negotiable: whatever is asked, the client authenticates with
 * `private_key_jwt`, uses PAR and the `code` flow, gets PS256 ID tokens and DPoP-bound tokens (the response
 * shows the values, as OB DCR allows).
 * @throws RegistrationRefused `invalid_redirect_uri` or `invalid_client_metadata`.
 */
export function decideRegistration(statement: SoftwareStatement, request: RegistrationMetadata): RegistrationDecision {
  const metadataError = (message: string) => new RegistrationRefused('invalid_client_metadata', message);
  if (request.software_id !== undefined && request.software_id !== statement.softwareId) {
    throw metadataError('software_id does not match the software statement');
  }
  let redirectUris = statement.redirectUris;
  if (request.redirect_uris !== undefined) {
    const asked = stringArray(request.redirect_uris);
    if (!asked || asked.length === 0) throw new RegistrationRefused('invalid_redirect_uri', 'redirect_uris must be a non-empty array of URIs');
    const outside = asked.find((uri) => !statement.redirectUris.includes(uri));
    if (outside)
      throw new RegistrationRefused('invalid_redirect_uri', `Redirect URI ${outside} is not among the software statement's software_redirect_uris`);
    redirectUris = asked;
  }
  let roles = statement.roles;
  if (request.scope !== undefined) {
    if (typeof request.scope !== 'string') throw metadataError('scope must be a space-separated string');
    const scopes = [...new Set(request.scope.split(' ').filter((scope) => scope && scope !== 'openid'))];
    const roleOf = (scope: string) => statement.roles.find((role) => SCOPE_OF_ROLE[role] === scope);
    const outside = scopes.find((scope) => !roleOf(scope));
    if (outside) throw metadataError(`Scope ${outside} is not allowed by the software statement's roles (${statement.roles.join(', ') || 'none'})`);
    roles = scopes.map((scope) => roleOf(scope) as PartnerRole);
  }
  if (roles.length === 0) throw metadataError('The registration grants no scope: the software statement has no AISP, PISP or CBPII role');
  const extraMetadata: Record<string, unknown> = {};
  const authAlgorithm = request.token_endpoint_auth_signing_alg;
  if (authAlgorithm !== undefined) {
    if (typeof authAlgorithm !== 'string' || !CLIENT_AUTH_SIGNING_ALGORITHMS.includes(authAlgorithm)) {
      throw metadataError(`token_endpoint_auth_signing_alg must be one of ${CLIENT_AUTH_SIGNING_ALGORITHMS.join(', ')}`);
    }
    extraMetadata.token_endpoint_auth_signing_alg = authAlgorithm;
  }
  return { redirectUris, roles, extraMetadata };
}

function stringArray(value: unknown): string[] | null {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : null;
}
