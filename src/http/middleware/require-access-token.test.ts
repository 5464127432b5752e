// Proves the access token check's DPoP proof rules (RFC 9449 §4.3): a proof of the bound key, with an allowed
// algorithm and the right claims, is accepted once; a proof signed by another key than the one it carries, carrying a
// private key, of algorithm none or HS256, of the wrong type, with an unknown critical extension, of a key too weak
// for its algorithm, expired, or replayed is refused with 401 — for ES256, PS256 and EdDSA keys alike; and when the
// replay store cannot answer, a write fails closed while a read is held to the proof's iat window alone.
import assert from 'node:assert/strict';
import { constants, createHash, createHmac, generateKeyPairSync, KeyObject, randomUUID, sign } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { ReplayStoreUnavailable } from '../../domain/replay-store.js';
import { createLogger } from '../../logging/logger.js';
import { ApiError } from '../api-error.js';
import { accessTokenChecker, type AccessTokenCheck } from './require-access-token.js';

const ISSUER = 'https://bank.example';
const AUDIENCE = 'https://bank.example/open-banking';
const PATH = '/open-banking/v4.0/aisp/accounts';

type ProofKeyKind = 'ES256' | 'PS256' | 'EdDSA';

/** A partner's DPoP key: its private half (node:crypto) and public JWK. */
interface ProofKey {
  readonly alg: ProofKeyKind;
  readonly privateKey: KeyObject;
  readonly jwk: JWK;
}

function proofKey(alg: ProofKeyKind, modulusLength = 2048): ProofKey {
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : alg === 'PS256'
        ? generateKeyPairSync('rsa', { modulusLength })
        : generateKeyPairSync('ed25519');
  return { alg, privateKey: pair.privateKey, jwk: pair.publicKey.export({ format: 'jwk' }) };
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Signs `header.payload` as `alg` with `key` (node:crypto), or returns the compact JWS unsigned for `none`. */
function compact(header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject | Buffer, alg: string): string {
  const input = `${base64url(header)}.${base64url(payload)}`;
  const data = Buffer.from(input);
  let signature: Buffer;
  if (alg === 'none') signature = Buffer.alloc(0);
  else if (alg === 'HS256') signature = createHmac('sha256', key).update(data).digest();
  else if (alg === 'ES256') signature = sign('sha256', data, { key: key as KeyObject, dsaEncoding: 'ieee-p1363' });
  else if (alg === 'PS256') signature = sign('sha256', data, { key: key as KeyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  else signature = sign(null, data, key);
  return `${input}.${signature.toString('base64url')}`;
}

describe('access token check: DPoP proofs', () => {
  let signingKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  let check: AccessTokenCheck;
  let checkWithoutStore: AccessTokenCheck;
  const remembered = new Set<string>();

  before(async () => {
    const pair = await generateKeyPair('PS256', { extractable: true });
    signingKey = pair.privateKey;
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'as-1', alg: 'PS256', use: 'sig' };
    check = accessTokenChecker({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwks: { keys: [publicJwk] },
      rememberProofOnce: async (key) => {
        if (remembered.has(key)) return false;
        remembered.add(key);
        return true;
      },
      logger: createLogger('silent'),
    });
    checkWithoutStore = accessTokenChecker({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwks: { keys: [publicJwk] },
      rememberProofOnce: () => Promise.reject(new ReplayStoreUnavailable('Redis (REDIS_URL) did not answer')),
      logger: createLogger('silent'),
    });
  });

  async function tokenBoundTo(key: ProofKey): Promise<string> {
    return new SignJWT({ client_id: 'cli_1', scope: 'accounts', cnf: { jkt: await calculateJwkThumbprint(key.jwk) } })
      .setProtectedHeader({ alg: 'PS256', typ: 'at+jwt', kid: 'as-1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('cli_1')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(signingKey);
  }

  /** A proof for GET PATH with `token`; `header`/`claims` override the defaults. */
  function proofFor(
    key: ProofKey,
    token: string,
    options: { header?: Record<string, unknown>; claims?: Record<string, unknown>; signWith?: KeyObject | Buffer; alg?: string } = {},
  ): string {
    const alg = options.alg ?? key.alg;
    const header = { typ: 'dpop+jwt', alg, jwk: key.jwk, ...options.header };
    const claims = {
      jti: randomUUID(),
      htm: 'GET',
      htu: `${ISSUER}${PATH}`,
      iat: Math.floor(Date.now() / 1000),
      ath: createHash('sha256').update(token).digest('base64url'),
      ...options.claims,
    };
    return compact(header, claims, options.signWith ?? key.privateKey, alg);
  }

  async function present(token: string, dpop: string) {
    return check({ authorization: `DPoP ${token}`, dpop, method: 'GET', path: PATH }, 'client-credentials', ['accounts']);
  }

  async function assertRefused(token: string, dpop: string, message: RegExp): Promise<void> {
    await assert.rejects(present(token, dpop), (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.status, 401);
      assert.match(error.message, message);
      return true;
    });
  }

  for (const alg of ['ES256', 'PS256', 'EdDSA'] as const) {
    test(`a ${alg} proof of the bound key → accepted; the same proof again → 401 already used`, async () => {
      const key = proofKey(alg);
      const token = await tokenBoundTo(key);
      const proof = proofFor(key, token);
      assert.equal((await present(token, proof)).clientId, 'cli_1');
      assert.equal((await present(token, proofFor(key, token))).clientId, 'cli_1', 'a second proof of the cached key');
      await assertRefused(token, proof, /already used/);
    });

    test(`a ${alg} proof signed by another key than the bound key it carries → 401`, async () => {
      const key = proofKey(alg);
      const token = await tokenBoundTo(key);
      await assertRefused(token, proofFor(key, token, { signWith: proofKey(alg).privateKey }), /invalid or not signed with the key/);
    });
  }

  test('the Ed25519 algorithm name (fully specified EdDSA) → accepted', async () => {
    const key = proofKey('EdDSA');
    const token = await tokenBoundTo(key);
    assert.equal((await present(token, proofFor(key, token, { alg: 'Ed25519' }))).clientId, 'cli_1');
  });

  test('typ "application/dpop+jwt" (the media type written out) → accepted; typ "jwt" or none → 401', async () => {
    const key = proofKey('ES256');
    const token = await tokenBoundTo(key);
    assert.equal((await present(token, proofFor(key, token, { header: { typ: 'application/dpop+jwt' } }))).clientId, 'cli_1');
    await assertRefused(token, proofFor(key, token, { header: { typ: 'jwt' } }), /invalid or not signed/);
    await assertRefused(token, proofFor(key, token, { header: { typ: undefined } }), /invalid or not signed/);
  });

  test('a proof whose jwk carries the private key (d) → 401, even though it verifies', async () => {
    const key = proofKey('ES256');
    const token = await tokenBoundTo(key);
    const privateJwk = key.privateKey.export({ format: 'jwk' });
    await assertRefused(token, proofFor(key, token, { header: { jwk: privateJwk } }), /invalid or not signed/);
  });

  test('alg none or HS256 (keyed with the public key) → 401', async () => {
    const key = proofKey('ES256');
    const token = await tokenBoundTo(key);
    await assertRefused(token, proofFor(key, token, { alg: 'none' }), /invalid or not signed/);
    const hmacKey = Buffer.from(JSON.stringify(key.jwk));
    await assertRefused(token, proofFor(key, token, { alg: 'HS256', signWith: hmacKey }), /invalid or not signed/);
  });

  test('alg ES256 over an RSA key, or PS256 over an EC key → 401', async () => {
    const rsa = proofKey('PS256');
    const rsaToken = await tokenBoundTo(rsa);
    await assertRefused(rsaToken, proofFor(rsa, rsaToken, { alg: 'ES256' }), /invalid or not signed/);
    const ec = proofKey('ES256');
    const ecToken = await tokenBoundTo(ec);
    await assertRefused(ecToken, proofFor(ec, ecToken, { alg: 'PS256' }), /invalid or not signed/);
  });

  test('a PS256 proof of a 1024-bit RSA key → 401 (too weak for PS256)', async () => {
    const key = proofKey('PS256', 1024);
    const token = await tokenBoundTo(key);
    await assertRefused(token, proofFor(key, token), /invalid or not signed/);
  });

  test('a proof with a crit header (an extension not understood) → 401', async () => {
    const key = proofKey('ES256');
    const token = await tokenBoundTo(key);
    await assertRefused(token, proofFor(key, token, { header: { crit: ['exp'] } }), /invalid or not signed/);
  });

  test('a proof with an exp in the past or an nbf in the future → 401', async () => {
    const key = proofKey('ES256');
    const token = await tokenBoundTo(key);
    const now = Math.floor(Date.now() / 1000);
    await assertRefused(token, proofFor(key, token, { claims: { exp: now - 1 } }), /invalid or not signed/);
    await assertRefused(token, proofFor(key, token, { claims: { nbf: now + 30 } }), /invalid or not signed/);
  });

  test('a proof with a tampered payload, or that is not three base64url parts → 401', async () => {
    const key = proofKey('ES256');
    const token = await tokenBoundTo(key);
    const [header, , signature] = proofFor(key, token).split('.');
    const otherPayload = proofFor(key, token).split('.')[1];
    await assertRefused(token, `${header}.${otherPayload}.${signature}`, /invalid or not signed/);
    await assertRefused(token, `${header}.${otherPayload}`, /invalid or not signed/);
    await assertRefused(token, `${header}.${otherPayload}.${signature}!`, /invalid or not signed/);
  });

  test('a proof of a key other than the one the token is bound to → 401', async () => {
    const key = proofKey('ES256');
    const token = await tokenBoundTo(proofKey('ES256'));
    await assertRefused(token, proofFor(key, token), /invalid or not signed/);
  });

  test('htm, htu, iat outside the window, ath of another token, or a short jti → 401 naming the claim', async () => {
    const key = proofKey('ES256');
    const token = await tokenBoundTo(key);
    const now = Math.floor(Date.now() / 1000);
    await assertRefused(token, proofFor(key, token, { claims: { htm: 'POST' } }), /htm/);
    await assertRefused(token, proofFor(key, token, { claims: { htu: `${ISSUER}/other` } }), /htu/);
    await assertRefused(token, proofFor(key, token, { claims: { iat: now - 120 } }), /iat/);
    await assertRefused(token, proofFor(key, token, { claims: { iat: now + 60 } }), /iat/);
    await assertRefused(token, proofFor(key, token, { claims: { iat: undefined } }), /iat/);
    await assertRefused(token, proofFor(key, token, { claims: { ath: 'x' } }), /ath/);
    await assertRefused(token, proofFor(key, token, { claims: { jti: 'short' } }), /jti/);
  });

  test('an access token of another issuer or audience, of another typ, expired, not yet valid, with a crit header, unsigned, of an unknown kid or another key, or tampered → 401; typ "application/at+jwt" and aud as an array → accepted', async () => {
    const key = proofKey('ES256');
    const jkt = await calculateJwkThumbprint(key.jwk);
    const now = Math.floor(Date.now() / 1000);
    const claims = { client_id: 'cli_1', scope: 'accounts', cnf: { jkt }, iss: ISSUER, aud: AUDIENCE, sub: 'cli_1', iat: now, exp: now + 300 };
    const header = { alg: 'PS256', typ: 'at+jwt', kid: 'as-1' };
    const signed = (h: Record<string, unknown>, c: Record<string, unknown>, signWith: KeyObject = KeyObject.from(signingKey)) =>
      compact(h, c, signWith, String(h.alg));
    const accepted = async (token: string) => {
      const verified = await present(token, proofFor(key, token));
      assert.equal(verified.clientId, 'cli_1');
    };
    await accepted(signed(header, claims));
    await accepted(signed({ ...header, typ: 'application/at+jwt' }, claims));
    await accepted(signed(header, { ...claims, aud: ['https://other.example', AUDIENCE] }));
    const refused = (token: string) => assertRefused(token, proofFor(key, token), /access token is invalid/);
    await refused(signed(header, { ...claims, iss: 'https://other.example' }));
    await refused(signed(header, { ...claims, aud: 'https://other.example' }));
    await refused(signed({ ...header, typ: 'JWT' }, claims));
    await refused(signed({ alg: 'PS256', kid: 'as-1' }, claims));
    await refused(signed(header, { ...claims, exp: now - 10 }));
    await refused(signed(header, { ...claims, exp: undefined }));
    await refused(signed(header, { ...claims, nbf: now + 60 }));
    await refused(signed({ ...header, crit: ['x'], x: 1 }, claims));
    await refused(compact({ ...header, alg: 'none' }, claims, Buffer.alloc(0), 'none'));
    await refused(signed({ ...header, kid: 'as-2' }, claims));
    await refused(signed(header, claims, proofKey('PS256').privateKey));
    const [h, , signature] = signed(header, claims).split('.');
    await refused(`${h}.${base64url({ ...claims, scope: 'accounts payments' })}.${signature}`);
  });

  test('the replay store unavailable: a GET → accepted on its iat window; a POST → the outage (503), not a 401 or a 500', async () => {
    const key = proofKey('ES256');
    const token = await tokenBoundTo(key);
    const read = await checkWithoutStore(
      { authorization: `DPoP ${token}`, dpop: proofFor(key, token), method: 'GET', path: PATH },
      'client-credentials',
      ['accounts'],
    );
    assert.equal(read.clientId, 'cli_1');
    const write = proofFor(key, token, { claims: { htm: 'POST' } });
    await assert.rejects(
      checkWithoutStore({ authorization: `DPoP ${token}`, dpop: write, method: 'POST', path: PATH }, 'client-credentials', ['accounts']),
      ReplayStoreUnavailable,
    );
    const stale = proofFor(key, token, { claims: { iat: Math.floor(Date.now() / 1000) - 120 } });
    await assert.rejects(
      checkWithoutStore({ authorization: `DPoP ${token}`, dpop: stale, method: 'GET', path: PATH }, 'client-credentials', ['accounts']),
      /iat/,
    );
  });
});
