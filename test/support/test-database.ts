import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import type { DatabaseConfig } from '../../src/config/database-config.js';

/** A fresh, empty database for one test file: a temp SQLite file, or a new MySQL database when TEST_DATABASE_URL is set. */
export interface TestDatabase {
  readonly config: DatabaseConfig;
  /** The DATABASE_URL that names it (for CLI tests). */
  readonly url: string;
  drop(): Promise<void>;
}

/** Creates the database; the caller drops it in `after()`. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const suffix = randomBytes(6).toString('hex');
  const base = process.env.TEST_DATABASE_URL;
  if (!base) {
    const file = join(tmpdir(), `openteller_test_${suffix}.db`);
    return {
      config: { kind: 'sqlite', file },
      url: `sqlite:${file}`,
      async drop() {
        for (const extension of ['', '-wal', '-shm']) rmSync(`${file}${extension}`, { force: true });
      },
    };
  }
  const name = `openteller_test_${suffix}`;
  const admin = new URL(base);
  const url = new URL(base);
  url.pathname = `/${name}`;
  await withConnection(admin.href, (connection) => connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`));
  return {
    config: { kind: 'mysql', url: url.href, database: name },
    url: url.href,
    async drop() {
      await withConnection(admin.href, (connection) => connection.query(`DROP DATABASE IF EXISTS \`${name}\``));
    },
  };
}

async function withConnection(uri: string, work: (connection: Awaited<ReturnType<typeof createConnection>>) => Promise<unknown>): Promise<void> {
  const connection = await createConnection({ uri });
  try {
    await work(connection);
  } finally {
    await connection.end();
  }
}
