import { createHash } from 'node:crypto';
import type { JWK, JWTPayload } from 'jose';
import type { Context, Next } from 'koa';
import { decodeCompactJws } from '../../crypto/compact-jws.js';
import { verifiesJwsSignature, type JwsAlgorithm } from '../../crypto/jws-signature.js';
import { importPublicJwk, type PublicJwk } from '../../crypto/public-jwk.js';
import { ReplayStoreUnavailable } from '../../domain/replay-store.js';
import type { Logger } from '../../logging/logger.js';
import { unauthorized, ApiError } from '../api-error.js';
import { BoundedCache } from '../../caching/bounded-cache.js';
import { rememberVerifiedToken } from '../request-state.js';
import { verifyDpopProofSignature } from './dpop-proof.js';

/** Which kind of token an endpoint takes (OBIE `TPPOAuth2Security` vs `PSUOAuth2Security`). */
export type TokenKind = 'client-credentials' | 'authorization-code';

/** What a verified access token tells the handlers. */
export interface VerifiedToken {
  readonly clientId: string;
  readonly subject: string;
  readonly scopes: readonly string[];
  /** The consent a customer token is bound to; absent on client-credentials tokens. */
  readonly consentId: string | undefined;
  /** Reference to the grant a customer token was issued from. */
  readonly grantReference: string | undefined;
  /** When the token expires (its `exp`), in ms since the epoch. */
  readonly expiresAtMs: number;
}

/**
 * Marks a DPoP proof `jti` as used, across every process; false when it was used before.
 * @throws ReplayStoreUnavailable when the shared store cannot answer.
 */
export type ReplayGuard = (key: string, expiresAt: Date) => Promise<boolean>;

/** What verifying tokens needs: the issuer, the API audience, the AS public keys, a shared replay guard and a logger. */
export interface TokenVerifierOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly jwks: { keys: JWK[] };
  readonly rememberProofOnce: ReplayGuard;
  readonly logger: Logger;
}

const PROOF_MAX_AGE_SECONDS = 60;
/** The algorithms our access tokens may be signed with, and how far their `exp` and `nbf` may be off our clock. */
const TOKEN_ALGORITHMS: ReadonlySet<string> = new Set<JwsAlgorithm>(['PS256', 'ES256']);
const TOKEN_CLOCK_TOLERANCE_SECONDS = 5;
const PROOF_MAX_FUTURE_SECONDS = 10;
/** Requests that change nothing: when the replay store cannot answer, their proofs are held to the `iat` window alone. */
const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/**
 * What a request presents to be let in: its `Authorization` and `DPoP` headers ('' when absent), and the method and
 * path its proof must name (`htm`, `htu`).
 */
export interface PresentedCredentials {
  readonly authorization: string;
  readonly dpop: string;
  readonly method: string;
  readonly path: string;
}

/** Verifies what a request presents; throws the refusal (an `ApiError`) or returns what the token says. */
export type AccessTokenCheck = (presented: PresentedCredentials, kind: TokenKind, scopes: readonly string[]) => Promise<VerifiedToken>;

/**
 * Returns a middleware factory enforcing {@link accessTokenChecker}'s rules on every call of the resource API, for an
 * endpoint's token kind and scope; the verified token is remembered for the steps after it.
 */
export function accessTokenVerifier(options: TokenVerifierOptions) {
  const checkAccessToken = accessTokenChecker(options);
  return function requireAccessToken(kind: TokenKind, scope: string | readonly string[]) {
    const scopes = typeof scope === 'string' ? [scope] : scope;
    return async function requireAccessTokenMiddleware(ctx: Context, next: Next) {
      const presented = { authorization: ctx.get('authorization'), dpop: ctx.get('dpop'), method: ctx.method, path: ctx.path };
      rememberVerifiedToken(ctx, await checkAccessToken(presented, kind, scopes));
      await next();
    };
  };
}

/**
 * Returns the check of a presented access token (RFC 9449 §4.3, §7; research §1.7): the access token is a JWT of our
 * issuer for the API audience (`typ` at+jwt, signature, expiry), presented with the DPoP scheme together with a
 * fresh, single-use DPoP proof of the key it is bound to (`htm`, `htu`, `iat`, `jti`, `ath`, `cnf.jkt`), it carries
 * one of the accepted scopes, and it is of the kind the endpoint takes. Used by the resource API's middleware and by
 * the upgrade of the live event stream, so both follow the same rules.
 */
export function accessTokenChecker(options: TokenVerifierOptions): AccessTokenCheck {
  const verifySignedToken = accessTokenSignatureVerifier(options);
  const origin = new URL(options.issuer).origin;
  /** Access tokens whose signature, issuer, audience and type were verified; expiry is re-checked on each use. */
  const verifiedTokens = new BoundedCache<string, JWTPayload>(10_000);

  return async function checkAccessToken(presented: PresentedCredentials, kind: TokenKind, scopes: readonly string[]): Promise<VerifiedToken> {
    const { authorization } = presented;
    if (!authorization) throw unauthorized('An access token is required (Authorization: DPoP <token>)', 'Authorization', 'U007');
    const [scheme, token, ...rest] = authorization.split(' ');
    if (!token || rest.length > 0) throw unauthorized('The Authorization header must be "DPoP <access token>"');
    if (scheme?.toLowerCase() !== 'dpop') throw unauthorized('Access tokens are DPoP-bound: use the DPoP authorization scheme, not Bearer');
    const payload = await verifyAccessToken(token);
    await verifyProof(presented, token, payload);
    const verified = toVerifiedToken(payload);
    if (kind === 'authorization-code' && !verified.consentId) {
      throw unauthorized('This endpoint needs a customer access token from the authorization code grant');
    }
    if (kind === 'client-credentials' && verified.consentId) {
      throw unauthorized('This endpoint needs a client credentials access token');
    }
    if (!scopes.some((scope) => verified.scopes.includes(scope))) {
      const wanted = scopes.length === 1 ? `the "${scopes[0]}" scope` : `one of the scopes ${scopes.map((scope) => `"${scope}"`).join(', ')}`;
      throw new ApiError(403, [{ ErrorCode: 'U006', Message: `The access token lacks ${wanted}`, Path: 'Authorization' }]);
    }
    return verified;
  };

  async function verifyAccessToken(token: string): Promise<JWTPayload> {
    const cached = verifiedTokens.get(token);
    if (cached) {
      if (typeof cached.exp === 'number' && cached.exp + 5 > Date.now() / 1000) return cached;
      throw unauthorized('The access token is invalid or has expired');
    }
    let payload: JWTPayload;
    try {
      payload = verifySignedToken(token, Math.floor(Date.now() / 1000));
    } catch {
      throw unauthorized('The access token is invalid or has expired');
    }
    verifiedTokens.set(token, payload);
    return payload;
  }

  async function verifyProof(presented: PresentedCredentials, token: string, tokenPayload: JWTPayload): Promise<void> {
    const proof = presented.dpop;
    if (!proof) throw unauthorized('A DPoP proof is required (DPoP header)', 'DPoP', 'U007');
    const now = Math.floor(Date.now() / 1000);
    let payload: Readonly<Record<string, unknown>>;
    let thumbprint: string;
    try {
      ({ claims: payload, thumbprint } = verifyDpopProofSignature(proof, (tokenPayload.cnf as { jkt?: unknown } | undefined)?.jkt, now));
    } catch {
      throw unauthorized('The DPoP proof is invalid or not signed with the key the access token is bound to', 'DPoP');
    }
    if (payload.htm !== presented.method) throw unauthorized('The DPoP proof htm does not match the request method', 'DPoP');
    if (payload.htu !== `${origin}${presented.path}`) throw unauthorized('The DPoP proof htu does not match the request URL', 'DPoP');
    if (typeof payload.iat !== 'number' || payload.iat < now - PROOF_MAX_AGE_SECONDS || payload.iat > now + PROOF_MAX_FUTURE_SECONDS) {
      throw unauthorized('The DPoP proof iat is outside the accepted window', 'DPoP');
    }
    if (payload.ath !== createHash('sha256').update(token).digest('base64url'))
      throw unauthorized('The DPoP proof ath does not match the access token', 'DPoP');
    if (typeof payload.jti !== 'string' || payload.jti.length < 8 || payload.jti.length > 256)
      throw unauthorized('The DPoP proof needs a jti', 'DPoP');
    const replayKey = createHash('sha256').update(`${thumbprint}:${payload.jti}`).digest('base64url');
    const expiresAt = new Date((payload.iat + PROOF_MAX_AGE_SECONDS + PROOF_MAX_FUTURE_SECONDS + 60) * 1000);
    if (!(await rememberProof(presented.method, replayKey, expiresAt))) throw unauthorized('The DPoP proof was already used', 'DPoP');
  }

  /**
   * The rule when the replay store cannot answer (README "Scaling"): a payment or any other write fails closed (503,
   * an outage); a read is let through on the proof's `iat` window alone (RFC 9449 §11.1 makes the `jti` check
   * optional), so that account information stays available, and the outage is logged.
   */
  async function rememberProof(method: string, replayKey: string, expiresAt: Date): Promise<boolean> {
    try {
      return await options.rememberProofOnce(replayKey, expiresAt);
    } catch (error) {
      if (!(error instanceof ReplayStoreUnavailable) || !READ_METHODS.has(method)) throw error;
      options.logger.warn({ err: error, method }, 'replay store unavailable: read let through on its DPoP proof iat window alone');
      return true;
    }
  }
}

/**
 * Returns the check of an access token's form, signature and claims (RFC 9068, RFC 7519 §7.2), with `node:crypto` (a
 * fraction of the CPU WebCrypto takes, on every payment): a compact JWS of `typ` `at+jwt` (compared as RFC 7515
 * §4.1.9 allows), `alg` PS256 or ES256, no `crit` extension, signed by the one key of our JWKS that `kid` names and fits
 * the algorithm (its `alg` and `use`, when given, agree), our issuer as `iss`, the API among `aud`, an `exp` not past
 * and an `nbf`, when present, not ahead — both give or take {@link TOKEN_CLOCK_TOLERANCE_SECONDS}.
 * @throws Error on the first check that fails; the caller answers every failure alike.
 */
function accessTokenSignatureVerifier(options: Pick<TokenVerifierOptions, 'issuer' | 'audience' | 'jwks'>) {
  const keys: Array<{ readonly jwk: JWK; readonly key: PublicJwk }> = options.jwks.keys.flatMap((jwk) => {
    try {
      return [{ jwk, key: importPublicJwk(jwk) }];
    } catch {
      return [];
    }
  });
  const keyTypes: Readonly<Record<string, string>> = { PS256: 'RSA', ES256: 'EC' };
  return function verifySignedToken(token: string, nowSeconds: number): JWTPayload {
    const { header, payload, signingInput, signature } = decodeCompactJws(token);
    if (typeof header.typ !== 'string' || normalisedMediaType(header.typ) !== 'at+jwt') throw new Error('not an at+jwt');
    const algorithm = header.alg;
    if (typeof algorithm !== 'string' || !TOKEN_ALGORITHMS.has(algorithm)) throw new Error('algorithm not allowed');
    if (Object.hasOwn(header, 'crit')) throw new Error('no JWS extension is understood');
    const candidates = keys.filter(
      ({ jwk }) =>
        (header.kid === undefined || jwk.kid === header.kid) &&
        jwk.kty === keyTypes[algorithm] &&
        (jwk.alg === undefined || jwk.alg === algorithm) &&
        (jwk.use === undefined || jwk.use === 'sig'),
    );
    const [candidate] = candidates;
    if (candidates.length !== 1 || !candidate) throw new Error('no single key of our JWKS fits the token');
    if (!verifiesJwsSignature(algorithm as JwsAlgorithm, candidate.key, signingInput, signature)) throw new Error('signature does not verify');
    if (payload.iss !== options.issuer) throw new Error('another issuer');
    const { aud } = payload;
    if (!(aud === options.audience || (Array.isArray(aud) && aud.includes(options.audience)))) throw new Error('another audience');
    if (typeof payload.exp !== 'number' || payload.exp <= nowSeconds - TOKEN_CLOCK_TOLERANCE_SECONDS) throw new Error('expired');
    if (payload.nbf !== undefined && (typeof payload.nbf !== 'number' || payload.nbf > nowSeconds + TOKEN_CLOCK_TOLERANCE_SECONDS)) {
      throw new Error('not yet valid');
    }
    if (payload.iat !== undefined && typeof payload.iat !== 'number') throw new Error('iat must be a number');
    return payload;
  };
}

/** A `typ` value as a media type: lower case, without the `application/` prefix it may omit (RFC 7515 §4.1.9). */
function normalisedMediaType(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

function toVerifiedToken(payload: JWTPayload): VerifiedToken {
  const { client_id: clientId, sub: subject, scope, openbanking_intent_id: consentId, grant_ref: reference, exp } = payload;
  return {
    expiresAtMs: typeof exp === 'number' ? exp * 1000 : 0,
    grantReference: typeof reference === 'string' ? reference : undefined,
    clientId: typeof clientId === 'string' ? clientId : '',
    subject: subject ?? '',
    scopes: typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [],
    consentId: typeof consentId === 'string' ? consentId : undefined,
  };
}
