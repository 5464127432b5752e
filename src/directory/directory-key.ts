import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Config } from '../config/config.js';
import { publicKeyOf } from '../oauth/key-material.js';
import type { ServerKeyStore } from '../domain/keys/server-keys.js';

/** The key the bank's own directory signs software statements with, and the public keys it publishes. */
export interface DirectorySigningKey {
  readonly key: CryptoKey | Uint8Array;
  readonly kid: string;
  readonly alg: string;
  readonly publicJwks: { keys: JWK[] };
}

const SANDBOX_DIRECTORY_KEY_ID = 'sandbox-directory-ps256-1';

/**
 * The directory's keys: from `DIRECTORY_KEYS_FILE` (the first key signs, all are published); else, in the
 * sandbox, a PS256 key generated on first start and kept in the database (shared by every process); else none:
 * a production bank without the file runs no directory of its own.
 */
export async function loadDirectorySigningKey(config: Config, store: ServerKeyStore): Promise<DirectorySigningKey | null> {
  const supplied: JWK[] | undefined = config.directory.signingJwks?.keys;
  const keys = supplied ?? (config.mode === 'sandbox' ? [await storedDirectoryKey(store)] : null);
  const signing = keys?.[0];
  if (!keys || !signing?.kid || !signing.alg) return null;
  return {
    key: await importJWK(signing, signing.alg),
    kid: signing.kid,
    alg: signing.alg,
    publicJwks: { keys: keys.map((jwk) => ({ ...publicKeyOf(jwk), use: 'sig' })) },
  };
}

async function storedDirectoryKey(store: ServerKeyStore): Promise<JWK> {
  const existing = (await store.list('directory'))[0];
  if (existing) return existing.material;
  const { privateKey } = await generateKeyPair('PS256', { modulusLength: 2048, extractable: true });
  const jwk: JWK = { ...(await exportJWK(privateKey)), kid: SANDBOX_DIRECTORY_KEY_ID, alg: 'PS256' };
  const stored = await store.insertIfAbsent({
    id: SANDBOX_DIRECTORY_KEY_ID,
    purpose: 'directory',
    material: jwk,
    createdAt: new Date(),
  });
  return stored.material;
}
