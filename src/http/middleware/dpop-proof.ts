import { decodeCompactJws } from '../../crypto/compact-jws.js';
import { verifiesJwsSignature, type JwsAlgorithm } from '../../crypto/jws-signature.js';
import { importPublicJwk } from '../../crypto/public-jwk.js';

/** The algorithms a DPoP proof may be signed with (FAPI 2.0 SP §5.4). */
const ALGORITHMS: ReadonlySet<string> = new Set<JwsAlgorithm>(['PS256', 'ES256', 'Ed25519', 'EdDSA']);

/** A DPoP proof signed by the key it carries, and that key's thumbprint; its claims are still to be checked against the request. */
export interface SignedDpopProof {
  readonly claims: Readonly<Record<string, unknown>>;
  readonly thumbprint: string;
}

/**
 * Verifies the form and signature of a DPoP proof (RFC 9449 §4.3 steps 2–6), with `node:crypto`: a JWT of `typ`
 * `dpop+jwt` (compared as RFC 7515 §4.1.9 allows: case-insensitive, `application/` optional), an allowed `alg`, no
 * `crit` extension, a public `jwk` in the header (no private members) whose thumbprint is `boundThumbprint` (the
 * access token's `cnf.jkt`), a signature of that key, and — as for any JWT — `iat`, `exp` and `nbf`, when present,
 * numbers that allow the proof now (the `iat` window is the caller's).
 * @throws Error on the first check that fails; the caller answers every failure alike.
 */
export function verifyDpopProofSignature(proof: string, boundThumbprint: unknown, nowSeconds: number): SignedDpopProof {
  const { header, payload, signingInput, signature } = decodeCompactJws(proof);
  if (typeof header.typ !== 'string' || normalisedMediaType(header.typ) !== 'dpop+jwt') throw new Error('not a dpop+jwt');
  if (typeof header.alg !== 'string' || !ALGORITHMS.has(header.alg)) throw new Error('algorithm not allowed');
  if (Object.hasOwn(header, 'crit')) throw new Error('no JWS extension is understood');
  const key = importPublicJwk(header.jwk);
  if (key.thumbprint !== boundThumbprint) throw new Error('not the bound key');
  if (!verifiesJwsSignature(header.alg as JwsAlgorithm, key, signingInput, signature)) throw new Error('signature does not verify');
  if (payload.iat !== undefined && typeof payload.iat !== 'number') throw new Error('iat must be a number');
  if (payload.exp !== undefined && (typeof payload.exp !== 'number' || payload.exp <= nowSeconds)) throw new Error('expired');
  if (payload.nbf !== undefined && (typeof payload.nbf !== 'number' || payload.nbf > nowSeconds)) throw new Error('not yet valid');
  return { claims: payload, thumbprint: key.thumbprint };
}

/** A `typ` value as a media type: lower case, without the `application/` prefix it may omit (RFC 7515 §4.1.9). */
function normalisedMediaType(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}
