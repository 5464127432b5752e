// Proves that OB detached JWS signatures made by signDetachedJws verify, and that verifyDetachedJws refuses every malformed, incomplete, mis-claimed or forged x-jws-signature with the OB code (U015–U019) and Path.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { base64url, decodeProtectedHeader, exportJWK, FlattenedSign, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { ApiError } from '../api-error.js';
import { OB_IAT, OB_ISS, OB_TAN, signDetachedJws, verifyDetachedJws, type SignatureExpectations } from './detached-jws.js';

const ISSUER = 'ptn_x/cli_y';
const TRUST_ANCHOR = 'directory.openteller.example';
const KID = 'partner-signing-1';
const NOW = new Date('2025-06-01T12:00:00Z');
const NOW_SECONDS = NOW.getTime() / 1000;
const BODY = new TextEncoder().encode('{"Data":{"Initiation":{"InstructionIdentification":"ACME412","Amount":"165.88"}},"Risk":{}}');

let privateKey: CryptoKey;
let publicJwk: JWK;
let otherPrivateKey: CryptoKey;
let otherPublicJwk: JWK;

/** A protected header that passes every check; tests change one member at a time. */
function validHeader(): Record<string, unknown> {
  return {
    alg: 'PS256',
    kid: KID,
    typ: 'JOSE',
    cty: 'application/json',
    [OB_IAT]: NOW_SECONDS - 30,
    [OB_ISS]: ISSUER,
    [OB_TAN]: TRUST_ANCHOR,
    crit: [OB_IAT, OB_ISS, OB_TAN],
  };
}

function expectations(keys: readonly JWK[] = [publicJwk]): SignatureExpectations {
  return { keys, issuer: ISSUER, trustAnchor: TRUST_ANCHOR, now: NOW };
}

/**
 * Signs `body` under any protected header with plain RSA-PSS/SHA-256 and detaches it: unlike jose's signers it
 * does not vet the header, so the verifier alone decides what a bad header gets.
 */
async function signRaw(header: Record<string, unknown>, body: Uint8Array = BODY, key: CryptoKey = privateKey): Promise<string> {
  const encodedHeader = base64url.encode(JSON.stringify(header));
  const signingInput = new TextEncoder().encode(`${encodedHeader}.${base64url.encode(body)}`);
  const signature = new Uint8Array(await crypto.subtle.sign({ name: 'RSA-PSS', saltLength: 32 }, key, signingInput));
  return `${encodedHeader}..${base64url.encode(signature)}`;
}

/** Asserts that verification fails with one 400 error of `errorCode` at `path`, with a message to act on. */
async function assertRefused(
  header: string | undefined,
  errorCode: string,
  path: string,
  body: Uint8Array = BODY,
  expected: SignatureExpectations = expectations(),
): Promise<void> {
  await assert.rejects(verifyDetachedJws(header, body, expected), (error: unknown) => {
    assert.ok(error instanceof ApiError, `expected an ApiError, got ${String(error)}`);
    assert.equal(error.status, 400);
    assert.equal(error.errors.length, 1);
    assert.equal(error.errors[0]!.ErrorCode, errorCode, error.errors[0]!.Message);
    assert.equal(error.errors[0]!.Path, path, error.errors[0]!.Message);
    assert.ok(error.errors[0]!.Message.length > 20);
    return true;
  });
}

describe('detached JWS (x-jws-signature)', () => {
  before(async () => {
    const pair = await generateKeyPair('PS256', { extractable: true });
    const other = await generateKeyPair('PS256', { extractable: true });
    privateKey = pair.privateKey;
    otherPrivateKey = other.privateKey;
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'PS256', use: 'sig' };
    otherPublicJwk = { ...(await exportJWK(other.publicKey)), kid: 'partner-signing-2' };
  });

  describe('round trip', () => {
    it('signs a body as header..signature with the OB header, and the signature verifies with the public JWK', async () => {
      const signer = { key: privateKey, kid: KID, issuer: ISSUER, trustAnchor: TRUST_ANCHOR };
      const jws = await signDetachedJws(BODY, signer, NOW);
      assert.match(jws, /^[\w-]+\.\.[\w-]+$/);
      assert.deepEqual(decodeProtectedHeader(jws), { ...validHeader(), [OB_IAT]: NOW_SECONDS });
      await verifyDetachedJws(jws, BODY, expectations());
    });

    it('accepts a header without typ and cty, cty "json", and an iat up to 5 s ahead of our clock', async () => {
      const { typ: _typ, cty: _cty, ...minimal } = validHeader();
      await verifyDetachedJws(await signRaw(minimal), BODY, expectations());
      await verifyDetachedJws(await signRaw({ ...validHeader(), cty: 'json' }), BODY, expectations());
      await verifyDetachedJws(await signRaw({ ...validHeader(), [OB_IAT]: NOW_SECONDS + 5 }), BODY, expectations());
    });

    it('uses the registered key that kid names, also on repeated calls once the key is cached', async () => {
      const keys = [otherPublicJwk, { ...publicJwk, alg: undefined, use: undefined }];
      const jws = await signRaw(validHeader());
      await verifyDetachedJws(jws, BODY, expectations(keys));
      await verifyDetachedJws(jws, BODY, expectations(keys));
      await verifyDetachedJws(await signRaw({ ...validHeader(), kid: otherPublicJwk.kid }, BODY, otherPrivateKey), BODY, expectations(keys));
    });
  });

  describe('U019: no signature', () => {
    it('refuses a missing or empty header', async () => {
      for (const header of [undefined, '', '   ']) await assertRefused(header, 'U019', 'x-jws-signature');
    });
  });

  describe('U018: not a detached JWS', () => {
    it('refuses values that are not three dot-separated parts, or lack the header or signature', async () => {
      const [encodedHeader, , signature] = (await signRaw(validHeader())).split('.');
      for (const header of [
        'garbage',
        `${encodedHeader}.${signature}`,
        `${encodedHeader}...${signature}`,
        `..${signature}`,
        `${encodedHeader}..`,
        `${encodedHeader}..si+g`,
      ]) {
        await assertRefused(header, 'U018', 'x-jws-signature');
      }
    });

    it('refuses a JWS that carries the payload instead of leaving it empty', async () => {
      const [encodedHeader, , signature] = (await signRaw(validHeader())).split('.');
      await assertRefused(`${encodedHeader}.${base64url.encode(BODY)}.${signature}`, 'U018', 'x-jws-signature');
    });

    it('refuses a protected header that is not base64url-encoded JSON object', async () => {
      const encodings = [
        'e30=',
        '{"alg":"PS256"}',
        base64url.encode('not json'),
        base64url.encode('[1,2]'),
        base64url.encode('null'),
        base64url.encode(new Uint8Array([0x7b, 0xff, 0x7d])),
      ];
      for (const encodedHeader of encodings) await assertRefused(`${encodedHeader}..c2lnbmF0dXJl`, 'U018', 'x-jws-signature');
    });
  });

  describe('U017: a required member is missing', () => {
    for (const member of ['alg', 'kid', 'crit', OB_IAT, OB_ISS, OB_TAN]) {
      it(`refuses a header without ${member}, naming it as the Path`, async () => {
        const header = validHeader();
        delete header[member];
        await assertRefused(await signRaw(header), 'U017', member);
      });
    }
  });

  describe('U016: a member has a bad value', () => {
    const cases: ReadonlyArray<readonly [string, Record<string, unknown>, string]> = [
      ['alg RS256', { alg: 'RS256' }, 'alg'],
      ['alg none', { alg: 'none' }, 'alg'],
      ['typ JWT', { typ: 'JWT' }, 'typ'],
      ['cty text/plain', { cty: 'text/plain' }, 'cty'],
      ['crit missing a claim', { crit: [OB_IAT, OB_ISS] }, 'crit'],
      ['crit with an extra entry', { crit: [OB_IAT, OB_ISS, OB_TAN, 'exp'] }, 'crit'],
      ['crit repeating a claim', { crit: [OB_IAT, OB_ISS, OB_ISS] }, 'crit'],
      ['crit not an array', { crit: OB_IAT }, 'crit'],
      ['an extra member', { x5u: 'https://keys.example/jwks' }, 'x5u'],
      ['a b64 member', { b64: true }, 'b64'],
      ['iat more than 5 s in the future', { [OB_IAT]: NOW_SECONDS + 6 }, OB_IAT],
      ['iat not a number', { [OB_IAT]: String(NOW_SECONDS) }, OB_IAT],
      ['iss of another client', { [OB_ISS]: 'ptn_x/cli_z' }, OB_ISS],
      ['tan of another trust anchor', { [OB_TAN]: 'openbanking.org.uk' }, OB_TAN],
      ['an unknown kid', { kid: 'partner-signing-9' }, 'kid'],
      ['a kid that is not a string', { kid: 7 }, 'kid'],
    ];
    for (const [name, change, path] of cases) {
      it(`refuses ${name} (Path ${path})`, async () => {
        await assertRefused(await signRaw({ ...validHeader(), ...change }), 'U016', path);
      });
    }

    it('refuses a kid naming a registered key that is not a PS256 RSA signing key', async () => {
      const jws = await signRaw(validHeader());
      for (const unusable of [
        { ...publicJwk, use: 'enc' },
        { ...publicJwk, alg: 'RS256' },
        { kty: 'EC', kid: KID, crv: 'P-256', x: 'x', y: 'y' },
      ]) {
        await assertRefused(jws, 'U016', 'kid', BODY, expectations([unusable]));
      }
    });

    it('refuses a JWS made with b64:false', async () => {
      const { crit: _crit, ...claims } = validHeader();
      const unencoded = await new FlattenedSign(BODY)
        .setProtectedHeader({ ...claims, alg: 'PS256', b64: false, crit: ['b64', OB_IAT, OB_ISS, OB_TAN] })
        .sign(privateKey, { crit: { [OB_IAT]: true, [OB_ISS]: true, [OB_TAN]: true } });
      await assertRefused(`${unencoded.protected}..${unencoded.signature}`, 'U016', 'b64');
    });
  });

  describe('U015: the signature does not verify', () => {
    it('refuses a body changed by one byte', async () => {
      const jws = await signRaw(validHeader());
      const changed = Uint8Array.from(BODY);
      changed[changed.length - 3] = changed[changed.length - 3]! ^ 0x01;
      await assertRefused(jws, 'U015', 'x-jws-signature', changed);
    });

    it('refuses a signature made by another key under the same kid', async () => {
      await assertRefused(await signRaw(validHeader(), BODY, otherPrivateKey), 'U015', 'x-jws-signature');
    });

    it('accepts when the second of two keys registered under one kid verifies', async () => {
      const sameKid = { ...otherPublicJwk, kid: KID };
      await verifyDetachedJws(await signRaw(validHeader()), BODY, expectations([sameKid, publicJwk]));
    });

    it('refuses a PSS signature with a salt other than 32 bytes (RFC 7518 §3.5)', async () => {
      const encodedHeader = base64url.encode(JSON.stringify(validHeader()));
      const signingInput = new TextEncoder().encode(`${encodedHeader}.${base64url.encode(BODY)}`);
      const signature = new Uint8Array(await crypto.subtle.sign({ name: 'RSA-PSS', saltLength: 64 }, privateKey, signingInput));
      await assertRefused(`${encodedHeader}..${base64url.encode(signature)}`, 'U015', 'x-jws-signature');
    });

    it('refuses a signature of a registered 1024-bit key, and one checked against a malformed modulus, without a 500', async () => {
      const weak = await crypto.subtle.generateKey(
        { name: 'RSA-PSS', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
        true,
        ['sign', 'verify'],
      );
      const weakJwk = { ...(await exportJWK(weak.publicKey)), kid: KID };
      await assertRefused(await signRaw(validHeader(), BODY, weak.privateKey), 'U015', 'x-jws-signature', BODY, expectations([weakJwk]));
      await assertRefused(await signRaw(validHeader()), 'U015', 'x-jws-signature', BODY, expectations([{ ...publicJwk, n: 'AAAA' }]));
    });
  });
});
