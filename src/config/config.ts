import { ConfigError } from './config-error.js';
import { loadDatabaseConfig, type DatabaseConfig } from './database-config.js';
import { loadDirectoryConfig, type DirectoryConfig } from './directory-config.js';
import type { Mode } from './mode.js';
import { loadPaymentsConfig, type PaymentsConfig } from './payments-config.js';
import { loadExchangeConfig, type ExchangeConfig } from './exchange-config.js';
import { readPrivateJwksFile } from './private-jwks-file.js';
import { loadEventsConfig, type EventsConfig } from './events-config.js';
import { loadReplayStoreConfig, type ReplayStoreConfig } from './replay-store-config.js';
import { loadMetricsConfig, type MetricsConfig } from './metrics-config.js';

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
  /** Where one-time values (`jti`s) are remembered: Redis, this process's memory, or the database. */
  readonly replayStore: ReplayStoreConfig;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly keys: SuppliedKeys;
  /** Trust `X-Forwarded-*` from a TLS-terminating proxy in front (required for https behind one). */
  readonly trustProxy: boolean;
  readonly payments: PaymentsConfig;
  /** Exchange rates of international payments. */
  readonly exchange: ExchangeConfig;
  readonly directory: DirectoryConfig;
  readonly events: EventsConfig;
  /** Where `/metrics` is served; null: nowhere. */
  readonly metrics: MetricsConfig | null;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** What the database records about the bank served from it (`openteller serve` records it; see README "CLI reference"). */
export interface RecordedSettings {
  /** The issuer `serve` last started under on this database, if any. */
  readonly servedIssuer: string | null;
}

/**
 * Reads and validates the configuration. The only reader of `process.env` in the code base.
 *
 * `serve` reads it from the environment alone, and then records its issuer in the database. The `openteller` command
 * reads it with what the database records (`recorded`): without `ISSUER` it takes the recorded issuer, and an `ISSUER`
 * other than the recorded one is refused, so that it never issues anything the running bank would not accept.
 * @throws ConfigError naming the offending variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, recorded: RecordedSettings = { servedIssuer: null }): Config {
  const mode = readMode(env.OPENTELLER_MODE);
  const port = readPort(env.PORT);
  const issuer = readIssuer(env.ISSUER?.trim() || recorded.servedIssuer || `http://localhost:${port}`, mode);
  if (recorded.servedIssuer && issuer !== recorded.servedIssuer) {
    throw new ConfigError(
      'ISSUER',
      `is "${issuer}", but this database is served under "${recorded.servedIssuer}" (recorded by openteller serve): leave ISSUER unset to use that one, or start serve with the new ISSUER first`,
    );
  }
  const database = loadDatabaseConfig(env);
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
    replayStore: loadReplayStoreConfig(env, database),
    logLevel,
    keys,
    trustProxy,
    payments: loadPaymentsConfig(env, issuer),
    exchange: loadExchangeConfig(env),
    directory: loadDirectoryConfig(env, mode),
    events: loadEventsConfig(env),
    metrics: loadMetricsConfig(env, port),
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

function readIssuer(issuer: string, mode: Mode): string {
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
