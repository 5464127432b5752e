import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error.js';

/**
 * Reads a file holding a private JWKS: every key with a `kid`, its private part and one of `algorithms`.
 * @returns null when the variable is unset.
 * @throws ConfigError naming `variable`.
 */
export function readPrivateJwksFile(
  variable: string,
  value: string | undefined,
  algorithms: readonly string[],
): { keys: Record<string, unknown>[] } | null {
  if (!value?.trim()) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(value.trim(), 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'not valid JSON';
    throw new ConfigError(variable, `could not be read as a JSON key set (${reason})`);
  }
  const keys = parsed !== null && typeof parsed === 'object' ? (parsed as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys) || keys.length === 0) throw new ConfigError(variable, 'must hold a JWKS with at least one private key');
  for (const key of keys as Record<string, unknown>[]) {
    if (key === null || typeof key !== 'object') throw new ConfigError(variable, 'must hold JWK objects only');
    if (typeof key.kid !== 'string' || !key.d) throw new ConfigError(variable, 'must hold private keys, each with a "kid"');
    if (!algorithms.includes(String(key.alg)))
      throw new ConfigError(variable, `key "${String(key.kid)}" must have alg ${algorithms.join(', ').replace(/, ([^,]*)$/, ' or $1')}`);
  }
  return { keys: keys as Record<string, unknown>[] };
}
