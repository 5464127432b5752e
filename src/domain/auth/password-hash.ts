import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt cost parameters for new hashes (OWASP minimum for scrypt: N=2^15, r=8, p=1). */
const COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 64;
/** Key lengths a stored hash may have; anything else (e.g. a truncated hash) is malformed. */
const ACCEPTED_KEY_BYTES: readonly number[] = [32, 64];

/** Upper bounds accepted when verifying, so a tampered stored value cannot make us burn memory or CPU. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const DECIMAL = /^[1-9]\d{0,7}$/;

function deriveKey(password: string, salt: Buffer, keyLength: number, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  // OpenSSL needs 128·r·(N + p + 2) bytes; the default maxmem (32 MiB) is just too small for N=2^15, r=8.
  const options: ScryptOptions = { ...cost, maxmem: 128 * cost.r * (cost.N + cost.p + 2) };
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/**
 * Hashes a password with scrypt and a fresh 16-byte salt. Runs on the libuv thread pool, so it does not block
 * the event loop.
 * @returns a self-describing value `scrypt$N$r$p$saltB64url$hashB64url`, e.g. `scrypt$32768$8$1$…$…`.
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(password, salt, KEY_BYTES, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/**
 * Checks a password against a value produced by {@link hashPassword}, comparing in constant time. Uses the
 * parameters stored in the value, so hashes made with older costs keep verifying.
 * @returns false for a wrong password and for a malformed or unsupported stored value; never throws.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  try {
    const parsed = parseStored(stored);
    if (!parsed) return false;
    const key = await deriveKey(password, parsed.salt, parsed.hash.length, parsed.cost);
    return timingSafeEqual(key, parsed.hash);
  } catch {
    return false;
  }
}

function parseStored(stored: string): { cost: { N: number; r: number; p: number }; salt: Buffer; hash: Buffer } | null {
  const parts = stored.split('$');
  if (parts.length !== 6) return null;
  const [algorithm, nText, rText, pText, saltText, hashText] = parts as [string, string, string, string, string, string];
  if (algorithm !== 'scrypt') return null;
  if (![nText, rText, pText].every((text) => DECIMAL.test(text))) return null;
  if (!BASE64URL.test(saltText) || !BASE64URL.test(hashText)) return null;
  const N = Number(nText);
  const r = Number(rText);
  const p = Number(pText);
  const isPowerOfTwo = N > 1 && (N & (N - 1)) === 0;
  if (!isPowerOfTwo || N > MAX_N || r > MAX_R || p > MAX_P) return null;
  const salt = Buffer.from(saltText, 'base64url');
  const hash = Buffer.from(hashText, 'base64url');
  if (salt.length < SALT_BYTES || salt.length > 64 || !ACCEPTED_KEY_BYTES.includes(hash.length)) return null;
  return { cost: { N, r, p }, salt, hash };
}
