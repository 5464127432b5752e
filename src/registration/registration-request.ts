import { createHash } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, errors, jwtVerify, type JWK, type JWTVerifyGetKey } from 'jose';
import { MAX_NESTING_DEPTH, pathBeyondNestingLimit } from '../domain/nesting-depth.js';
import type { AppKeys } from '../domain/partners/partner-app.js';
import { softwareKeys } from '../domain/partners/dynamic-registration.js';
import type { PartnerStore } from '../domain/partners/partner-app.js';
import {
  assertFreshSoftwareStatement,
  readSoftwareStatement,
  RegistrationRefused,
  type RegistrationErrorCode,
  type RegistrationMetadata,
  type SoftwareStatement,
} from '../domain/partners/software-statement.js';
import type { StatementVerifier } from '../directory/statement-verifier.js';
import type { RemoteKeySets } from '../oauth/remote-key-sets.js';

/** A registration request, read and verified: the metadata asked for and the software statement behind it. */
export interface RegistrationInput {
  readonly metadata: RegistrationMetadata;
  readonly statement: SoftwareStatement;
}

/** What reading registration requests needs. */
export interface RegistrationRequestReader {
  readonly verifyStatement: StatementVerifier;
  readonly partners: PartnerStore;
  readonly remoteKeys: RemoteKeySets;
  /** The `aud` values a signed request may name: the issuer and the registration endpoint. */
  readonly audiences: readonly string[];
  /** Remembers a request JWT's `jti` until it expires; false when it was seen before (a replay). */
  readonly rememberRequestOnce: (key: string, expiresAt: Date) => Promise<boolean>;
}

/** Claims of a signed registration request that are about the JWT, not client metadata. */
const JWT_CLAIMS = new Set(['iss', 'aud', 'iat', 'exp', 'nbf', 'jti']);
const REQUEST_ALGORITHMS = ['PS256', 'ES256', 'EdDSA'];
/** A signed request may live at most this long (exp − iat), so its jti need not be remembered for longer. */
const MAX_REQUEST_LIFETIME_SECONDS = 3600;
/** Clock skew tolerated on a signed request's times. */
const CLOCK_SKEW_SECONDS = 30;

/**
 * Reads a registration request in either form:
 * - RFC 7591 JSON (`application/json`) carrying a `software_statement` of the bank's own directory (one the partner
 *   downloaded from the portal); a statement of another directory may have been shown to other banks, so it needs
 *   the signed form, which proves the sender holds the software's key;
 * - OB DCR: a JWT (`application/jwt` or `application/jose`) whose claims are the metadata and the statement,
 *   signed by a key of the software (`iss` = its `software_id`, `aud` this bank, `iat`/`exp`/`jti`, single use).
 * The statement's signature, directory, freshness and organisation are checked in both forms.
 * @throws RegistrationRefused with the RFC 7591 error code.
 */
export async function readRegistrationRequest(
  reader: RegistrationRequestReader,
  contentType: string,
  body: unknown,
  now: Date,
): Promise<RegistrationInput> {
  if (contentType === 'application/json') {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw metadataError('The registration request must be a JSON object');
    const metadata = body as RegistrationMetadata;
    const statement = await readStatement(reader, metadata.software_statement, now);
    if (!statement.ownDirectory) {
      await softwareKeys(reader.partners, statement); // a statement that names no keys is refused as such first (no I/O for another directory)
      throw metadataError(
        "A software statement of another directory is registered with a signed request (application/jwt or application/jose): it proves you hold the software's key",
      );
    }
    return { metadata, statement };
  }
  if (contentType === 'application/jwt' || contentType === 'application/jose')
    return readSignedRequest(reader, typeof body === 'string' ? body.trim() : '', now);
  throw metadataError('Send the registration as application/json (RFC 7591) or as a signed JWT (application/jwt or application/jose)');
}

/**
 * The statement of a stored registration (verified when it was accepted): freshness is not checked again, so a
 * client can be updated with the statement it was registered with.
 */
export function storedStatement(
  stored: { jwt: string; claims: Readonly<Record<string, unknown>> },
  ownDirectoryIssuer: string | null,
): SoftwareStatement {
  const issuer = typeof stored.claims.iss === 'string' ? stored.claims.iss : '';
  return readSoftwareStatement(stored, { issuer, own: issuer === ownDirectoryIssuer });
}

/**
 * Refuses a registration request, or the claims of a JWT in it, nesting objects and arrays deeper than
 * {@link MAX_NESTING_DEPTH} levels, before anything walks it by recursion (verifying, validating, storing).
 * @throws RegistrationRefused with `error`.
 */
export function assertNestingWithinLimit(document: unknown, error: RegistrationErrorCode, what: string): void {
  const path = pathBeyondNestingLimit(document);
  if (path !== null) throw new RegistrationRefused(error, `${what} nests objects and arrays more than ${MAX_NESTING_DEPTH} levels deep (at ${path})`);
}

async function readStatement(reader: RegistrationRequestReader, jwt: unknown, now: Date): Promise<SoftwareStatement> {
  if (typeof jwt === 'string') assertNestingWithinLimit(claimsIfAny(jwt), 'invalid_software_statement', 'The software statement');
  const verified = await reader.verifyStatement(jwt);
  const statement = readSoftwareStatement(verified.statement, verified.directory);
  assertFreshSoftwareStatement(statement.claims, now);
  return statement;
}

async function readSignedRequest(reader: RegistrationRequestReader, jwt: string, now: Date): Promise<RegistrationInput> {
  let unverified: Record<string, unknown>;
  try {
    unverified = decodeJwt(jwt);
  } catch {
    throw metadataError('The registration request is not a JWT');
  }
  assertNestingWithinLimit(unverified, 'invalid_client_metadata', 'The registration request');
  const statement = await readStatement(reader, unverified.software_statement, now);
  const keys = keySet(reader, await softwareKeys(reader.partners, statement));
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(jwt, keys, {
      algorithms: REQUEST_ALGORITHMS,
      requiredClaims: ['iat', 'exp', 'jti'],
      clockTolerance: CLOCK_SKEW_SECONDS,
      currentDate: now,
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw metadataError('The registration request has expired (exp)');
    if (error instanceof errors.JWTClaimValidationFailed) throw metadataError(`The registration request needs a valid "${error.claim}" claim`);
    throw metadataError('The registration request is not signed by a key of the software in the software statement');
  }
  if (claims.iss !== statement.softwareId) throw metadataError('The registration request must have iss = the software_id of the software statement');
  const audiences = ([] as unknown[]).concat(claims.aud);
  if (!audiences.some((audience) => typeof audience === 'string' && reader.audiences.includes(audience))) {
    throw metadataError(`The registration request must have aud = ${reader.audiences[0]}`);
  }
  const { iat, exp, jti } = claims as { iat: number; exp: number; jti: unknown };
  if (typeof jti !== 'string' || !jti || jti.length > 256) throw metadataError('The registration request needs a jti');
  if (iat * 1000 > now.getTime() + CLOCK_SKEW_SECONDS * 1000) throw metadataError('The registration request is issued in the future (iat)');
  if (exp - iat > MAX_REQUEST_LIFETIME_SECONDS) throw metadataError('The registration request may live one hour at most (exp - iat)');
  const replayKey = createHash('sha256').update(`${statement.softwareId}:${jti}`).digest('base64url');
  if (!(await reader.rememberRequestOnce(replayKey, new Date((exp + 60) * 1000))))
    throw metadataError('This registration request (jti) was already used');
  const metadata = Object.fromEntries(Object.entries(claims).filter(([name]) => !JWT_CLAIMS.has(name)));
  return { metadata, statement };
}

/** The claims of a JWT, not verified; null when it is not one (the verifier says so). */
function claimsIfAny(jwt: string): unknown {
  try {
    return decodeJwt(jwt);
  } catch {
    return null;
  }
}

function keySet(reader: RegistrationRequestReader, keys: AppKeys): JWTVerifyGetKey {
  return 'jwksUri' in keys ? reader.remoteKeys.resolver(keys.jwksUri) : createLocalJWKSet({ keys: [...keys.jwks.keys] as JWK[] });
}

function metadataError(message: string): RegistrationRefused {
  return new RegistrationRefused('invalid_client_metadata', message);
}
