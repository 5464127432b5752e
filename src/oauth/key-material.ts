import { hkdfSync, randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Config } from '../config/config.js';
import type { ServerKeyStore } from '../domain/keys/server-keys.js';

/** The keys a process signs and verifies with; identical on every process of one deployment. */
export interface KeyMaterial {
  /** Private JWKS for oidc-provider (ID tokens, JWT access tokens). */
  readonly signingJwks: { keys: JWK[] };
  /** Cookie-signing secrets, newest first. */
  readonly cookieSecrets: string[];
}

const SANDBOX_SIGNING_KEY_ID = 'sandbox-ps256-1';
const SANDBOX_COOKIE_KEY_ID = 'sandbox-cookie-1';

/**
 * Production: the keys the operator supplied (config guarantees they exist). Sandbox: supplied keys if any,
 * else keys generated on first start and stored in the database, so that every process and every restart
 * uses the same ones.
 */
export async function loadKeyMaterial(config: Config, store: ServerKeyStore): Promise<KeyMaterial> {
  const signingJwks = config.keys.signingJwks
    ? { keys: config.keys.signingJwks.keys.map((key) => ({ use: 'sig', ...key })) }
    : { keys: [await storedSigningKey(store)] };
  const cookieSecrets = config.keys.cookieSecrets ?? [await storedCookieSecret(store)];
  return { signingJwks, cookieSecrets };
}

async function storedSigningKey(store: ServerKeyStore): Promise<JWK> {
  const existing = (await store.list('signing'))[0];
  if (existing) return existing.material;
  const { privateKey } = await generateKeyPair('PS256', { modulusLength: 2048, extractable: true });
  const jwk: JWK = { ...(await exportJWK(privateKey)), kid: SANDBOX_SIGNING_KEY_ID, alg: 'PS256', use: 'sig' };
  const stored = await store.insertIfAbsent({
    id: SANDBOX_SIGNING_KEY_ID,
    purpose: 'signing',
    material: jwk,
    createdAt: new Date(),
  });
  return stored.material;
}

async function storedCookieSecret(store: ServerKeyStore): Promise<string> {
  const existing = (await store.list('cookie'))[0];
  const row =
    existing ??
    (await store.insertIfAbsent({
      id: SANDBOX_COOKIE_KEY_ID,
      purpose: 'cookie',
      material: { secret: randomBytes(32).toString('base64url') },
      createdAt: new Date(),
    }));
  return String(row.material.secret);
}

/** The public half of the signing keys, for verifying access tokens in-process. */
export function publicJwks(material: KeyMaterial): { keys: JWK[] } {
  return { keys: material.signingJwks.keys.map(publicKeyOf) };
}

/** A private JWK without its private members. */
export function publicKeyOf({ d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicKey }: JWK): JWK {
  return publicKey;
}

/**
 * A 32-byte secret for one purpose (DPoP nonces, page cursors…), derived from the newest cookie secret, so
 * every process derives the same one and no purpose shares raw key material with another.
 */
export function derivedSecret(material: KeyMaterial, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', material.cookieSecrets[0] ?? '', 'openteller', purpose, 32));
}

/** The bank's message-signing key (NOTES §10): the first PS256 signing key, published in the JWKS with its `kid`. */
export async function messageSigningKey(material: KeyMaterial): Promise<{ key: CryptoKey | Uint8Array; kid: string }> {
  const jwk = material.signingJwks.keys.find((key) => key.alg === 'PS256');
  if (!jwk?.kid) throw new Error('no PS256 signing key with a kid');
  return { key: await importJWK(jwk, 'PS256'), kid: jwk.kid };
}
