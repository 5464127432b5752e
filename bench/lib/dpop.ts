import { createHash, KeyObject, randomBytes, sign, webcrypto } from 'node:crypto';

/** A DPoP key pair usable both by openid-client (CryptoKeyPair) and by the fast proof minter (KeyObject). */
export interface DpopKey {
  readonly keyPair: webcrypto.CryptoKeyPair;
  readonly privateKey: KeyObject;
  readonly publicJwk: { kty: string; crv: string; x: string; y: string };
}

export async function createDpopKey(): Promise<DpopKey> {
  const keyPair = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const jwk = await webcrypto.subtle.exportKey('jwk', keyPair.publicKey);
  return {
    keyPair,
    privateKey: KeyObject.from(keyPair.privateKey),
    publicJwk: { kty: String(jwk.kty), crv: String(jwk.crv), x: String(jwk.x), y: String(jwk.y) },
  };
}

/**
 * Mints RFC 9449 DPoP proofs (ES256) for one access token with node:crypto directly, so that thousands can be
 * made up front in a fraction of a second: `typ: dpop+jwt`, the public `jwk` in the header, and a unique
 * `jti`, `htm`, `htu`, `iat`, `ath` in the payload.
 */
export class ProofMinter {
  private readonly header: string;
  private readonly ath: string;
  private readonly prefix = randomBytes(9).toString('base64url');
  private counter = 0;

  constructor(
    private readonly key: DpopKey,
    accessToken: string,
  ) {
    this.header = Buffer.from(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk: key.publicJwk })).toString('base64url');
    this.ath = createHash('sha256').update(accessToken).digest('base64url');
  }

  /** One fresh proof for `method` on `htu` (scheme, host and path; no query). */
  mint(method: string, htu: string, iat = Math.floor(Date.now() / 1000)): string {
    this.counter += 1;
    const payload = Buffer.from(JSON.stringify({ jti: `${this.prefix}.${this.counter}`, htm: method, htu, iat, ath: this.ath })).toString(
      'base64url',
    );
    const input = `${this.header}.${payload}`;
    const signature = sign('sha256', Buffer.from(input), { key: this.key.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    return `${input}.${signature}`;
  }

  /** `count` fresh proofs, all with the current `iat`. */
  mintMany(count: number, method: string, htu: string): string[] {
    const iat = Math.floor(Date.now() / 1000);
    return Array.from({ length: count }, () => this.mint(method, htu, iat));
  }
}
