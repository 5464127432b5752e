import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { migrateDatabase, openDatabase, type Database } from '../../src/persistence/data-source.js';
import { seedSandboxIfEmpty } from '../../src/persistence/sandbox-seeder.js';
import { buildSandboxSeed } from '../../src/sandbox/sandbox-seed.js';

/** A fresh MySQL database `openteller_bench_<random>` next to the one `baseUrl` names, migrated and seeded. */
export interface BenchDatabase {
  readonly name: string;
  readonly url: string;
  readonly database: Database;
  /** Closes this process's pool and drops the database (idempotent). */
  drop(): Promise<void>;
}

export async function adminQuery(uri: string, sql: string): Promise<unknown> {
  const connection = await createConnection({ uri });
  try {
    const [rows] = await connection.query(sql);
    return rows;
  } finally {
    await connection.end();
  }
}

export async function createBenchDatabase(baseUrl: string): Promise<BenchDatabase> {
  const name = `openteller_bench_${randomBytes(5).toString('hex')}`;
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  await adminQuery(baseUrl, `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  let dropped = false;
  let database: Database | undefined;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    if (database?.dataSource.isInitialized) await database.dataSource.destroy();
    await adminQuery(baseUrl, `DROP DATABASE IF EXISTS \`${name}\``);
  };
  try {
    database = await openDatabase({ kind: 'mysql', url: url.href, database: name }, { poolSize: 3 });
    await migrateDatabase(database);
    await seedSandboxIfEmpty(database, buildSandboxSeed);
  } catch (error) {
    await drop();
    throw error;
  }
  return { name, url: url.href, database, drop };
}
