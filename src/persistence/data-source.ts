import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { DataSource } from './typeorm.js';
import type { DatabaseConfig } from '../config/database-config.js';
import { ConfigError } from '../config/config-error.js';
import { createEntities } from './entities/all-entities.js';
import type { Dialect } from './entities/column-types.js';
import { mysqlMigrations } from './migrations/mysql/index.js';
import { sqliteMigrations } from './migrations/sqlite/index.js';
import { dropConnectionsThatTimeOut } from './timed-out-connections.js';
import { serialiseSqliteStatements } from './transactions.js';

/** An initialised TypeORM data source and the dialect it speaks. */
export interface Database {
  readonly dataSource: DataSource;
  readonly dialect: Dialect;
}

/** How a database is opened. */
export interface OpenDatabaseOptions {
  /** MySQL: connections in the pool (default 10). */
  readonly poolSize?: number;
  /** SQLite: how long a statement waits for another process's lock on the file before it fails with SQLITE_BUSY (default 10 s). */
  readonly busyTimeoutMs?: number;
  /**
   * MySQL: how long a statement (and a new connection's handshake) may take before it fails and its connection is
   * dropped — a server that stops answering is then an outage (503) instead of a request that never ends. None by
   * default: migrations and the CLI may legitimately run long; the serving process sets one.
   */
  readonly statementTimeoutMs?: number;
}

/**
 * Opens the database named by the configuration: an embedded SQLite file (created with its folder) or a
 * MySQL/MariaDB server. Does not migrate; call {@link migrateDatabase}.
 */
export async function openDatabase(config: DatabaseConfig, options: OpenDatabaseOptions = {}): Promise<Database> {
  const dataSource =
    config.kind === 'sqlite'
      ? sqliteDataSource(config.file, options.busyTimeoutMs ?? 10_000)
      : await mysqlDataSource(config.url, options.poolSize ?? 10, options.statementTimeoutMs);
  await dataSource.initialize();
  serialiseSqliteStatements(dataSource);
  if (config.kind === 'mysql' && options.statementTimeoutMs !== undefined) dropConnectionsThatTimeOut(dataSource);
  return { dataSource, dialect: config.kind };
}

function sqliteDataSource(file: string, busyTimeoutMs: number): DataSource {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  return new DataSource({
    type: 'better-sqlite3',
    database: file,
    entities: createEntities('sqlite'),
    migrations: sqliteMigrations,
    migrationsTableName: 'schema_migration',
    enableWAL: true,
    timeout: busyTimeoutMs,
    prepareDatabase: (db: { pragma(statement: string): unknown }) => {
      db.pragma('synchronous = NORMAL');
    },
  });
}

async function mysqlDataSource(url: string, poolSize: number, statementTimeoutMs: number | undefined): Promise<DataSource> {
  const flavour = await detectMysqlFlavour(url, statementTimeoutMs);
  return new DataSource({
    type: flavour,
    url,
    entities: createEntities('mysql'),
    migrations: mysqlMigrations,
    migrationsTableName: 'schema_migration',
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: false,
    poolSize,
    extra: { connectionLimit: poolSize, maxIdle: poolSize },
    // TypeORM's query timeout is mysql2's per-statement `timeout`; its default logger would print every statement that
    // reaches it to the console as slow: the `debug` logger writes only under DEBUG=typeorm:*.
    ...(statementTimeoutMs === undefined
      ? {}
      : { enableQueryTimeout: true, maxQueryExecutionTime: statementTimeoutMs, connectTimeout: statementTimeoutMs, logger: 'debug' as const }),
  });
}

/** TypeORM needs to know whether it talks to MariaDB or MySQL to compare schemas correctly. */
async function detectMysqlFlavour(url: string, connectTimeoutMs: number | undefined): Promise<'mysql' | 'mariadb'> {
  let connection: Awaited<ReturnType<typeof createConnection>>;
  try {
    connection = await createConnection({ uri: url, ...(connectTimeoutMs === undefined ? {} : { connectTimeout: connectTimeoutMs }) });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    if (code === 'ER_BAD_DB_ERROR') throw new ConfigError('DATABASE_URL', 'names a database that does not exist: create it first');
    throw new ConfigError('DATABASE_URL', `cannot be reached: ${message}`);
  }
  try {
    const [rows] = await connection.query('SELECT VERSION() AS version');
    const version = String((rows as Array<{ version: string }>)[0]?.version ?? '');
    return /mariadb/i.test(version) ? 'mariadb' : 'mysql';
  } finally {
    await connection.end();
  }
}

/**
 * Applies pending migrations, each in its own transaction. On MySQL a named lock serialises processes that
 * start together, so only one of them migrates. The lock is held on one pooled connection while the migrations run on
 * another, so the pool needs at least two.
 * @returns the names of the migrations applied.
 */
export async function migrateDatabase(database: Database): Promise<string[]> {
  const { dataSource, dialect } = database;
  if (dialect === 'sqlite') return (await dataSource.runMigrations({ transaction: 'each' })).map((migration) => migration.name);
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const [lock] = (await runner.query("SELECT GET_LOCK('openteller_migrate', 120) AS acquired")) as Array<{ acquired: number | string | null }>;
    if (Number(lock?.acquired) !== 1) throw new Error('another process held the migration lock for 120 s; is a migration still running?');
    return (await dataSource.runMigrations({ transaction: 'each' })).map((migration) => migration.name);
  } finally {
    await runner.query("SELECT RELEASE_LOCK('openteller_migrate')");
    await runner.release();
  }
}
