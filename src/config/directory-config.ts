import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error.js';
import type { Mode } from './mode.js';
import { readPrivateJwksFile } from './private-jwks-file.js';

/** A directory whose software statements this bank accepts, with the keys it signs them with. */
export interface TrustedDirectory {
  /** The `iss` of its software statements, e.g. `OpenBanking Ltd`. */
  readonly issuer: string;
  /** Its public keys, given inline… */
  readonly jwks?: { readonly keys: readonly Record<string, unknown>[] };
  /** …or where it publishes them. */
  readonly jwksUri?: string;
}

/** Software statements: the bank's own directory and the other directories it trusts. */
export interface DirectoryConfig {
  /**
   * The private keys the bank's own directory signs software statements with (`DIRECTORY_KEYS_FILE`). Null: in
   * the sandbox a key is generated and kept in the database; in production the bank runs no directory of its own.
   */
  readonly signingJwks: { keys: Record<string, unknown>[] } | null;
  /** Other directories (`TRUSTED_DIRECTORIES_FILE`): their statements are accepted by Dynamic Client Registration. */
  readonly trusted: readonly TrustedDirectory[];
}

/**
 * Reads the directory settings (README "Configuration").
 * @throws ConfigError naming the offending variable.
 */
export function loadDirectoryConfig(env: NodeJS.ProcessEnv, mode: Mode): DirectoryConfig {
  return {
    signingJwks: readPrivateJwksFile('DIRECTORY_KEYS_FILE', env.DIRECTORY_KEYS_FILE, ['PS256', 'ES256']),
    trusted: readTrustedDirectories(env.TRUSTED_DIRECTORIES_FILE, mode),
  };
}

function readTrustedDirectories(value: string | undefined, mode: Mode): TrustedDirectory[] {
  if (!value?.trim()) return [];
  const refuse = (detail: string) => new ConfigError('TRUSTED_DIRECTORIES_FILE', detail);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(value.trim(), 'utf8'));
  } catch (error) {
    throw refuse(`could not be read as JSON (${(error as NodeJS.ErrnoException).code ?? 'not valid JSON'})`);
  }
  if (!Array.isArray(parsed)) throw refuse('must hold a JSON array of {"issuer", "jwks_uri" or "jwks"} objects');
  const issuers = new Set<string>();
  return parsed.map((entry: unknown, index) => {
    const { issuer, jwks, jwks_uri: jwksUri } = (entry ?? {}) as { issuer?: unknown; jwks?: unknown; jwks_uri?: unknown };
    if (typeof issuer !== 'string' || !issuer.trim()) throw refuse(`entry ${index + 1} needs an "issuer" (the iss of its software statements)`);
    if (issuers.has(issuer)) throw refuse(`names the issuer "${issuer}" twice`);
    issuers.add(issuer);
    if ((jwks === undefined) === (jwksUri === undefined)) throw refuse(`entry "${issuer}" needs exactly one of "jwks_uri" and "jwks"`);
    if (jwksUri !== undefined) return { issuer, jwksUri: readJwksUri(jwksUri, mode, issuer, refuse) };
    const keys = (jwks as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(keys) || keys.length === 0) throw refuse(`entry "${issuer}" has a "jwks" without keys`);
    if (
      keys.some(
        (key: Record<string, unknown> | null) =>
          key === null || typeof key !== 'object' || 'd' in key || 'k' in key || key.kty === 'oct' || typeof key.kid !== 'string',
      )
    ) {
      throw refuse(`entry "${issuer}" must hold public keys only (RSA, EC or OKP), each with a "kid"`);
    }
    return { issuer, jwks: { keys: keys as Record<string, unknown>[] } };
  });
}

function readJwksUri(value: unknown, mode: Mode, issuer: string, refuse: (detail: string) => ConfigError): string {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw refuse(`entry "${issuer}" has a "jwks_uri" that is not an absolute URL`);
  }
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (url.protocol !== 'https:' && !(mode === 'sandbox' && url.protocol === 'http:' && loopback)) {
    throw refuse(`entry "${issuer}" must have an https "jwks_uri"`);
  }
  return url.href;
}
