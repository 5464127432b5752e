import { resolve } from 'node:path';
import { ConfigError } from './config-error.js';
import { loadDirectoryConfig, type DirectoryConfig } from './directory-config.js';
import type { Mode } from './mode.js';
import { loadPaymentsConfig, type PaymentsConfig } from './payments-config.js';
import { readPrivateJwksFile } from './private-jwks-file.js';

/** Where the data lives: the embedded SQLite file or a MySQL/MariaDB server. */
export type DatabaseConfig =
  { readonly kind: 'sqlite'; readonly file: string } | { readonly kind: 'mysql'; readonly url: string; readonly database: string };

/** Key material supplied by the operator (required in production, optional in the sandbox). */
export interface SuppliedKeys {
  /** Private JWKS used to sign ID tokens and access tokens; the first key of each algorithm signs. */
  readonly signingJwks: { keys: Record<string, unknown>[] } | null;
  /** Secrets for signing cookies, newest first. */
  readonly cookieSecrets: string[] | null;
}

/** The whole configuration of one process, read once from the environment. */
export interface Config {
  readonly mode: Mode;
  readonly port: number;
  readonly host: string;
  /** OAuth issuer and public base URL, without a trailing slash. */
  readonly issuer: string;
  readonly database: DatabaseConfig;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly keys: SuppliedKeys;
  /** Trust `X-Forwarded-*` from a TLS-terminating proxy in front (required for https behind one). */
  readonly trustProxy: boolean;
  readonly payments: PaymentsConfig;
  readonly directory: DirectoryConfig;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Reads and validates the configuration. The only reader of `process.env` in the code base.
 * @throws ConfigError naming the offending variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const mode = readMode(env.OPENTELLER_MODE);
  const port = readPort(env.PORT);
  const issuer = readIssuer(env.ISSUER, port, mode);
  const database = readDatabase(env.DATABASE_URL);
  const logLevel = readLogLevel(env.LOG_LEVEL);
  const keys: SuppliedKeys = {
    signingJwks: readSigningJwks(env.SIGNING_KEYS_FILE),
    cookieSecrets: readCookieSecrets(env.COOKIE_SECRETS),
  };
  if (mode === 'production') {
    if (!keys.signingJwks) throw new ConfigError('SIGNING_KEYS_FILE', 'is required in production mode (a private JWKS file)');
    if (!keys.cookieSecrets) throw new ConfigError('COOKIE_SECRETS', 'is required in production mode (comma-separated, each at least 32 characters)');
  }
  const trustProxy = readBoolean('TRUST_PROXY', env.TRUST_PROXY);
  if (mode === 'production' && !trustProxy) {
    throw new ConfigError(
      'TRUST_PROXY',
      'must be "true" in production mode: OpenTeller serves plain HTTP behind a TLS-terminating proxy, and needs its X-Forwarded-* headers for https URLs and Secure cookies',
    );
  }
  return {
    mode,
    port,
    host: env.HOST?.trim() || '0.0.0.0',
    issuer,
    database,
    logLevel,
    keys,
    trustProxy,
    payments: loadPaymentsConfig(env, issuer),
    directory: loadDirectoryConfig(env, mode),
  };
}

function readMode(value: string | undefined): Mode {
  const mode = value?.trim() || 'sandbox';
  if (mode !== 'sandbox' && mode !== 'production') throw new ConfigError('OPENTELLER_MODE', `must be "sandbox" or "production", got "${mode}"`);
  return mode;
}

function readPort(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 3000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError('PORT', `must be an integer between 0 and 65535, got "${value}"`);
  return port;
}

function readIssuer(value: string | undefined, port: number, mode: Mode): string {
  const issuer = value?.trim() || `http://localhost:${port}`;
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new ConfigError('ISSUER', `must be an absolute URL, got "${issuer}"`);
  }
  if (url.search || url.hash || issuer.endsWith('/')) throw new ConfigError('ISSUER', 'must have no query, fragment or trailing slash');
  if (mode === 'production' && url.protocol !== 'https:') throw new ConfigError('ISSUER', 'must be an https URL in production mode');
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError('ISSUER', 'must be an http or https URL');
  return issuer;
}

function readDatabase(value: string | undefined): DatabaseConfig {
  const databaseUrl = value?.trim() || 'sqlite:./data/openteller.db';
  if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length);
    if (!file) throw new ConfigError('DATABASE_URL', 'must name a file after "sqlite:"');
    return { kind: 'sqlite', file: file === ':memory:' ? file : resolve(file) };
  }
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new ConfigError('DATABASE_URL', 'must be sqlite:<file path> or mysql://user:password@host:port/database');
  }
  if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') {
    throw new ConfigError('DATABASE_URL', `has unsupported scheme "${url.protocol}" (use sqlite: or mysql:)`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_$]{1,64}$/.test(database)) throw new ConfigError('DATABASE_URL', 'must name a database (letters, digits, _ or $)');
  return { kind: 'mysql', url: databaseUrl, database };
}

function readLogLevel(value: string | undefined): Config['logLevel'] {
  const level = value?.trim() || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  return level as Config['logLevel'];
}

function readSigningJwks(value: string | undefined): SuppliedKeys['signingJwks'] {
  const jwks = readPrivateJwksFile('SIGNING_KEYS_FILE', value, ['PS256', 'ES256', 'EdDSA']);
  if (jwks && !jwks.keys.some((key) => key.alg === 'PS256')) {
    throw new ConfigError('SIGNING_KEYS_FILE', 'must hold at least one PS256 key (ID tokens and access tokens are signed with PS256)');
  }
  return jwks;
}

function readBoolean(variable: string, value: string | undefined): boolean {
  const text = value?.trim().toLowerCase() || 'false';
  if (text !== 'true' && text !== 'false') throw new ConfigError(variable, `must be "true" or "false", got "${value}"`);
  return text === 'true';
}

function readCookieSecrets(value: string | undefined): string[] | null {
  if (!value?.trim()) return null;
  const secrets = value
    .split(',')
    .map((secret) => secret.trim())
    .filter(Boolean);
  if (secrets.length === 0) throw new ConfigError('COOKIE_SECRETS', 'must hold at least one secret');
  if (secrets.some((secret) => secret.length < 32))
    throw new ConfigError('COOKIE_SECRETS', 'must be comma-separated secrets of at least 32 characters');
  return secrets;
}
