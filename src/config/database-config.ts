import { resolve } from 'node:path';
import { ConfigError } from './config-error.js';

/** Where the data lives: the embedded SQLite file or a MySQL/MariaDB server. */
export type DatabaseConfig =
  { readonly kind: 'sqlite'; readonly file: string } | { readonly kind: 'mysql'; readonly url: string; readonly database: string };

/** The embedded database of a process started without `DATABASE_URL`, relative to its working directory. */
/** The embedded database's file when `DATABASE_URL` is unset, relative to the working directory. */
const DEFAULT_SQLITE_FILE = './data/openteller.db';
const DEFAULT_DATABASE_URL = `sqlite:${DEFAULT_SQLITE_FILE}`;

/**
 * Reads `DATABASE_URL` alone (README "Configuration"): what the `openteller` command needs to find the database
 * before it reads the rest of the configuration with what the database records.
 * @throws ConfigError naming DATABASE_URL.
 */
export function loadDatabaseConfig(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const databaseUrl = env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL;
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

/**
 * The `DATABASE_URL` that names `database` to a command run in `directory`, to show to an operator: the password, if
 * any, is replaced by `<password>`, never shown.
 * @returns null for the default database of `directory` (a command started there without `DATABASE_URL` finds it)
 * and for an in-memory database (no other process can reach it).
 */
export function displayDatabaseUrl(database: DatabaseConfig, directory: string): string | null {
  if (database.kind === 'sqlite') {
    return database.file === ':memory:' || database.file === resolve(directory, DEFAULT_SQLITE_FILE) ? null : `sqlite:${database.file}`;
  }
  const url = new URL(database.url);
  const credentials = url.username ? `${url.username}${url.password ? ':<password>' : ''}@` : '';
  return `${url.protocol}//${credentials}${url.host}${url.pathname}${url.search}`;
}
