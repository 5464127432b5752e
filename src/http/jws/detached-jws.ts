import { constants, KeyObject, sign, type webcrypto } from 'node:crypto';
import { base64url, CompactSign, type JWK, type KeyInput } from 'jose';
import { verifiesJwsSignature } from '../../crypto/jws-signature.js';
import { importPublicJwk } from '../../crypto/public-jwk.js';
import { ApiError } from '../api-error.js';

/** The OB protected-header claim names. */
export const OB_IAT = 'http://openbanking.org.uk/iat';
export const OB_ISS = 'http://openbanking.org.uk/iss';
export const OB_TAN = 'http://openbanking.org.uk/tan';

/** What a partner's `x-jws-signature` must match: its registered keys, its identity, our trust anchor and the time. */
export interface SignatureExpectations {
  /** The calling partner's registered public keys (its JWKS `keys`); each may carry `kid`, `alg` and `use`. */
  readonly keys: readonly JWK[];
  /** The value `http://openbanking.org.uk/iss` must equal, e.g. `"ptn_x/cli_y"`. */
  readonly issuer: string;
  /** The value `http://openbanking.org.uk/tan` must equal. */
  readonly trustAnchor: string;
  readonly now: Date;
}

/** The bank's own signing identity for response bodies. */
export interface ResponseSigner {
  /** A PS256-capable private key, in any form `jose` signs with. */
  readonly key: KeyInput;
  readonly kid: string;
  readonly issuer: string;
  readonly trustAnchor: string;
}

const HEADER = 'x-jws-signature';
const ALGORITHM = 'PS256';
/** How far a partner's clock may run ahead of ours before its `iat` counts as "in the future". */
const CLOCK_SKEW_SECONDS = 5;
const OB_CLAIMS: readonly string[] = [OB_IAT, OB_ISS, OB_TAN];
/** Tells `jose` the OB claims are understood, so it accepts (and requires) them when they are listed in `crit`. */
const CRIT = { [OB_IAT]: true, [OB_ISS]: true, [OB_TAN]: true };
/** Checked in this order, so a partner missing several members is told about the first in a stable order. */
const REQUIRED_MEMBERS: readonly string[] = ['alg', 'kid', 'crit', ...OB_CLAIMS];
const ALLOWED_MEMBERS: ReadonlySet<string> = new Set([...REQUIRED_MEMBERS, 'typ', 'cty']);
const CONTENT_TYPES: ReadonlySet<string> = new Set(['json', 'application/json']);
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** A decoded protected header, before any of its members has been checked. */
type ProtectedHeader = Readonly<Record<string, unknown>>;

/**
 * Verifies an OB detached JWS (NOTES §10) over the exact body bytes: the header's shape, every protected-header
 * member, the partner's identity and trust anchor, and finally the PS256 signature with the partner key named
 * by `kid`. Throws `ApiError(400)` with the OB signature codes `U015`–`U019`.
 */
export async function verifyDetachedJws(header: string | undefined, body: Uint8Array, expected: SignatureExpectations): Promise<void> {
  const { encodedHeader, signature } = splitDetached(requireHeader(header));
  const protectedHeader = decodeHeader(encodedHeader);
  checkMembers(protectedHeader);
  checkAlgorithmAndTypes(protectedHeader);
  checkCrit(protectedHeader.crit);
  checkClaims(protectedHeader, expected);
  const keys = signingKeys(protectedHeader.kid, expected.keys);
  verifySignature(`${encodedHeader}.${Buffer.from(body).toString('base64url')}`, signature, keys);
}

/**
 * Signs the exact response body bytes as an OB detached JWS: a normal PS256 compact JWS over the base64url
 * body (`b64:false` is no longer used since v3.1.4) whose payload part is then emptied, `header..signature`.
 * An RSA key is used through `node:crypto` directly (the same RFC 7518 §3.5 signature: MGF1 SHA-256, a 32-byte salt),
 * at about half the CPU of WebCrypto's signing; any other key goes through `jose`, which refuses it for PS256.
 */
export async function signDetachedJws(body: Uint8Array, signer: ResponseSigner, now: Date): Promise<string> {
  const protectedHeader = {
    alg: ALGORITHM,
    kid: signer.kid,
    typ: 'JOSE',
    cty: 'application/json',
    [OB_IAT]: Math.floor(now.getTime() / 1000),
    [OB_ISS]: signer.issuer,
    [OB_TAN]: signer.trustAnchor,
    crit: [OB_IAT, OB_ISS, OB_TAN],
  };
  const rsaKey = rsaKeyObjectOf(signer.key);
  if (rsaKey) {
    const encodedHeader = Buffer.from(JSON.stringify(protectedHeader), 'utf8').toString('base64url');
    const signingInput = Buffer.from(`${encodedHeader}.${Buffer.from(body).toString('base64url')}`, 'ascii');
    const signature = sign('sha256', signingInput, { key: rsaKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    return `${encodedHeader}..${signature.toString('base64url')}`;
  }
  const jws = await new CompactSign(body).setProtectedHeader(protectedHeader).sign(signer.key, { crit: CRIT });
  const [encodedHeader, , signature] = jws.split('.');
  return `${encodedHeader}..${signature}`;
}

/** Signing keys as `node:crypto` private RSA keys of at least 2048 bits (null: not one), converted once per key. */
const rsaKeyObjects = new WeakMap<object, KeyObject | null>();

function rsaKeyObjectOf(key: KeyInput): KeyObject | null {
  if (typeof key !== 'object' || key instanceof Uint8Array) return null;
  let converted = rsaKeyObjects.get(key);
  if (converted === undefined) {
    converted = null;
    try {
      const keyObject = key instanceof KeyObject ? key : KeyObject.from(key as webcrypto.CryptoKey);
      const bits = keyObject.asymmetricKeyDetails?.modulusLength ?? 0;
      if (keyObject.type === 'private' && keyObject.asymmetricKeyType === 'rsa' && bits >= 2048) converted = keyObject;
    } catch {
      converted = null;
    }
    rsaKeyObjects.set(key, converted);
  }
  return converted;
}

function refused(errorCode: string, path: string, message: string): ApiError {
  return new ApiError(400, [{ ErrorCode: errorCode, Message: message, Path: path }]);
}

function requireHeader(header: string | undefined): string {
  if (!header || header.trim() === '') {
    throw refused('U019', HEADER, 'This request must be signed: send the detached JWS of the request body in the x-jws-signature header');
  }
  return header;
}

/** A detached JWS has exactly three parts and an empty payload part; a JWS carrying the body is refused, not ignored. */
function splitDetached(header: string): { encodedHeader: string; signature: string } {
  const parts = header.split('.');
  const [encodedHeader, payload, signature] = parts;
  if (parts.length !== 3 || !encodedHeader || signature === undefined || !BASE64URL.test(signature)) {
    throw refused('U018', HEADER, 'The x-jws-signature header must be a detached compact JWS: "<protected header>..<signature>"');
  }
  if (payload !== '') {
    throw refused('U018', HEADER, 'The x-jws-signature must be detached: leave the payload part between the two dots empty');
  }
  return { encodedHeader, signature };
}

function decodeHeader(encodedHeader: string): ProtectedHeader {
  let decoded: unknown;
  try {
    if (!BASE64URL.test(encodedHeader)) throw new Error('not base64url');
    decoded = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(base64url.decode(encodedHeader)));
  } catch {
    decoded = undefined;
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) {
    throw refused('U018', HEADER, 'The protected header of the x-jws-signature must be a base64url-encoded JSON object');
  }
  return decoded as ProtectedHeader;
}

/**
 * Every required member must be present (`U017`), and nothing else may be (`U016`): an unknown member could
 * change how the signature is meant to be read, `b64` above all, which would sign the raw body instead.
 */
function checkMembers(header: ProtectedHeader): void {
  for (const member of REQUIRED_MEMBERS) {
    if (!Object.hasOwn(header, member)) throw refused('U017', member, `The x-jws-signature protected header must include "${member}"`);
  }
  for (const member of Object.keys(header)) {
    if (ALLOWED_MEMBERS.has(member)) continue;
    if (member === 'b64') {
      throw refused(
        'U016',
        member,
        'The x-jws-signature must not use "b64": sign the base64url-encoded body as a normal JWS, then empty the payload part',
      );
    }
    throw refused(
      'U016',
      member,
      `The x-jws-signature protected header must not include "${member}"; allowed are alg, kid, typ, cty, crit and the ${OB_CLAIMS.join(', ')} claims`,
    );
  }
}

function checkAlgorithmAndTypes(header: ProtectedHeader): void {
  if (header.alg !== ALGORITHM) throw refused('U016', 'alg', 'The x-jws-signature must be signed with PS256 ("alg": "PS256")');
  if (Object.hasOwn(header, 'typ') && header.typ !== 'JOSE') {
    throw refused('U016', 'typ', 'The x-jws-signature "typ" must be "JOSE" when it is sent');
  }
  if (Object.hasOwn(header, 'cty') && !(typeof header.cty === 'string' && CONTENT_TYPES.has(header.cty))) {
    throw refused('U016', 'cty', 'The x-jws-signature "cty" must be "json" or "application/json" when it is sent');
  }
}

/** `crit` must name exactly the three OB claims, in any order: no extras, no repeats. */
function checkCrit(crit: unknown): void {
  const exact =
    Array.isArray(crit) &&
    crit.length === OB_CLAIMS.length &&
    new Set(crit).size === crit.length &&
    crit.every((name) => typeof name === 'string' && OB_CLAIMS.includes(name));
  if (!exact) throw refused('U016', 'crit', `The x-jws-signature "crit" must list exactly ${OB_CLAIMS.join(', ')}`);
}

/** The OB claims: signed no later than now (allowing for clock skew), by this partner, under our trust anchor. */
function checkClaims(header: ProtectedHeader, expected: SignatureExpectations): void {
  const iat = header[OB_IAT];
  if (typeof iat !== 'number' || !Number.isFinite(iat)) {
    throw refused('U016', OB_IAT, `The x-jws-signature "${OB_IAT}" must be a NumericDate (seconds since 1970-01-01T00:00:00Z)`);
  }
  if (iat > expected.now.getTime() / 1000 + CLOCK_SKEW_SECONDS) {
    throw refused('U016', OB_IAT, `The x-jws-signature "${OB_IAT}" is in the future; check the clock of the signing system`);
  }
  if (header[OB_ISS] !== expected.issuer) {
    throw refused('U016', OB_ISS, `The x-jws-signature "${OB_ISS}" must be "${expected.issuer}", the identity of the calling client`);
  }
  if (header[OB_TAN] !== expected.trustAnchor) {
    throw refused('U016', OB_TAN, `The x-jws-signature "${OB_TAN}" must be "${expected.trustAnchor}"`);
  }
}

/** The partner's registered keys that `kid` names and that may verify a PS256 signature. */
function signingKeys(kid: unknown, keys: readonly JWK[]): JWK[] {
  const matching = typeof kid === 'string' && kid !== '' ? keys.filter((key) => key.kid === kid && isPs256VerificationKey(key)) : [];
  if (matching.length === 0) {
    throw refused('U016', 'kid', 'The x-jws-signature "kid" does not name a PS256 RSA signing key registered in this client\'s JWKS');
  }
  return matching;
}

function isPs256VerificationKey(key: JWK): boolean {
  return (
    key.kty === 'RSA' &&
    typeof key.n === 'string' &&
    typeof key.e === 'string' &&
    (key.use === undefined || key.use === 'sig') &&
    (key.alg === undefined || key.alg === ALGORITHM)
  );
}

/**
 * Accepts when any of the candidate keys verifies (a partner may have registered two keys under one kid). The `crit`
 * claims were checked above, so the signature over `signingInput` is all that is left (node:crypto, keys imported once
 * per process).
 */
function verifySignature(signingInput: string, signature: string, keys: readonly JWK[]): void {
  if (keys.some((jwk) => verifiesWith(signingInput, signature, jwk))) return;
  throw refused('U015', HEADER, 'The x-jws-signature does not verify over the request body with the key named by "kid"; sign the exact bytes sent');
}

/**
 * Only the members that define the public key are imported, so `key_ops`, `ext` or a private `d` cannot alter it; a
 * key that cannot even be imported (a malformed modulus) simply does not verify, nor does one shorter than 2048 bits.
 */
function verifiesWith(signingInput: string, signature: string, jwk: JWK): boolean {
  try {
    return verifiesJwsSignature(ALGORITHM, importPublicJwk({ kty: 'RSA', n: jwk.n, e: jwk.e }), signingInput, signature);
  } catch {
    return false;
  }
}
