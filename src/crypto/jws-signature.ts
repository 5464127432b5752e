import { constants, verify } from 'node:crypto';
import type { PublicJwk } from './public-jwk.js';

/** The JWS algorithms a partner may sign with (FAPI 2.0: PS256, ES256, EdDSA; `Ed25519` is EdDSA's fully-specified name). */
export type JwsAlgorithm = 'PS256' | 'ES256' | 'EdDSA' | 'Ed25519';

/** The smallest RSA modulus accepted for PS256 (RFC 7518 §3.5; what jose and WebCrypto callers enforce). */
const MIN_RSA_MODULUS_BITS = 2048;

/**
 * Verifies a JWS signature (RFC 7515 §5.2) with `node:crypto`: `signature` (base64url) over `signingInput`
 * (`<protected header>.<payload>`, both base64url) with `key` under `algorithm`. The key must be of the algorithm's
 * type: P-256 for ES256 (the signature in the JWS form R‖S, RFC 7518 §3.4), RSA of at least 2048 bits for PS256
 * (MGF1 SHA-256, a 32-byte salt, RFC 7518 §3.5), Ed25519 for EdDSA/Ed25519 (RFC 8037 §3.1).
 * @returns false when the signature does not verify or the key does not fit the algorithm.
 */
export function verifiesJwsSignature(algorithm: JwsAlgorithm, key: PublicJwk, signingInput: string, signature: string): boolean {
  const data = Buffer.from(signingInput);
  const bytes = Buffer.from(signature, 'base64url');
  const keyObject = key.key;
  switch (algorithm) {
    case 'ES256':
      if (keyObject.asymmetricKeyType !== 'ec' || keyObject.asymmetricKeyDetails?.namedCurve !== 'prime256v1' || bytes.length !== 64) return false;
      return verify('sha256', data, { key: keyObject, dsaEncoding: 'ieee-p1363' }, bytes);
    case 'PS256':
      if (keyObject.asymmetricKeyType !== 'rsa' || (keyObject.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_MODULUS_BITS) return false;
      return verify('sha256', data, { key: keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, bytes);
    case 'EdDSA':
    case 'Ed25519':
      if (keyObject.asymmetricKeyType !== 'ed25519') return false;
      return verify(null, data, keyObject, bytes);
  }
}
