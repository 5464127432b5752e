import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createOpenTeller, type OpenTeller, type OpenTellerOptions } from '../../src/app.js';
import type { RunningEventPush } from '../../src/events/event-push-worker.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import type { DatabaseConfig } from '../../src/config/database-config.js';
import { loadReplayStoreConfig } from '../../src/config/replay-store-config.js';
import { createLogger, type Logger } from '../../src/logging/logger.js';
import { migrateDatabase, openDatabase, type Database } from '../../src/persistence/data-source.js';
import { seedSandboxIfEmpty } from '../../src/persistence/sandbox-seeder.js';
import { buildSandboxSeed } from '../../src/sandbox/sandbox-seed.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/** One OpenTeller "process": its own database connection pool, stores, provider and Koa app. */
interface Instance {
  readonly openTeller: OpenTeller;
  readonly database: Database;
  /** Its push pipeline, when the server runs the push worker as `serve` does. */
  readonly pushing: RunningEventPush | null;
  readonly handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>;
}

/**
 * OpenTeller on 127.0.0.1 over a fresh, migrated and seeded test database. Requests can be spread over
 * several independent instances (like processes behind a load balancer), and instances can be restarted,
 * to prove that no flow depends on in-process state.
 */
export interface TestServer {
  readonly issuer: string;
  readonly config: Config;
  readonly testDatabase: TestDatabase;
  /** The first instance's database (for inspecting state in assertions). */
  readonly database: Database;
  readonly instance: OpenTeller;
  /** Every instance, the first one first (e.g. to run background jobs in several "processes" at once). */
  readonly instances: readonly OpenTeller[];
  /** The listening http server (e.g. to reach the server side of upgraded sockets). */
  readonly http: Server;
  /** Replaces every instance by a fresh one (new connections, new provider): a restart. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** What a partner's and a customer's test helpers need of a running bank: where it is, its configuration, its database. */
export type Bank = Pick<TestServer, 'issuer' | 'config' | 'database'>;

/** How the instances reach the test database, when not directly (e.g. through a proxy that can be cut). */
export interface DatabaseAccess {
  /** The database configuration the instances use, given the test database's. */
  readonly via?: (config: DatabaseConfig) => DatabaseConfig;
  /** SQLite: the busy timeout of the instances' connection. */
  readonly busyTimeoutMs?: number;
  /** MySQL: the statement timeout of the instances' connections (`serve` sets one). */
  readonly statementTimeoutMs?: number;
}

/**
 * Starts the server; `instances` > 1 sends successive requests to each instance in turn; `env` adds
 * configuration variables (e.g. `PAYMENT_MAX_AMOUNT`) to what `loadConfig` reads, after `REDIS_URL` from the
 * environment (so that a run with it set puts the replay store in Redis); `database` says how the instances
 * reach the test database; `logger` receives what the instances log (to inspect it); `openTeller` is passed to each
 * instance (e.g. a faster event push retry policy); `pushWorker` runs each instance's event push pipeline as `serve`
 * does (otherwise tests run `jobs.deliverEvents` themselves).
 */
export async function startTestServer(
  options: {
    instances?: number;
    env?: Record<string, string>;
    database?: DatabaseAccess;
    logger?: Logger;
    openTeller?: OpenTellerOptions;
    pushWorker?: boolean;
  } = {},
): Promise<TestServer> {
  const testDatabase = await createTestDatabase();
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const env = {
    EVENTS_LONG_POLL_SECONDS: '2',
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...options.env,
    ISSUER: issuer,
    DATABASE_URL: 'sqlite::memory:',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
  };
  const config = loadConfig(env);
  const database = options.database?.via?.(testDatabase.config) ?? testDatabase.config;
  const testConfig: Config = { ...config, database, replayStore: loadReplayStoreConfig(env, database) };
  const logger = options.logger ?? createLogger(testConfig.logLevel);

  const setup = await openDatabase(testConfig.database);
  await migrateDatabase(setup);
  await seedSandboxIfEmpty(setup, buildSandboxSeed);
  await setup.dataSource.destroy();

  const startInstance = async (): Promise<Instance> => {
    const database = await openDatabase(testConfig.database, {
      poolSize: 5,
      busyTimeoutMs: options.database?.busyTimeoutMs,
      statementTimeoutMs: options.database?.statementTimeoutMs,
    });
    const openTeller = await createOpenTeller(testConfig, database, logger, options.openTeller);
    const pushing = options.pushWorker ? openTeller.jobs.startEventPushing() : null;
    return { openTeller, database, pushing, handle: openTeller.app.callback() };
  };
  let instances = await Promise.all(Array.from({ length: options.instances ?? 1 }, startInstance));
  let turn = 0;
  server.on('request', (request, response) => {
    const instance = instances[turn++ % instances.length] as Instance;
    void instance.handle(request, response);
  });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const instance = instances[turn++ % instances.length] as Instance;
    instance.openTeller.handleUpgrade(request, socket, head);
  });
  const stopInstances = async () => {
    for (const instance of instances) instance.openTeller.closeEventStreams();
    await Promise.all(instances.flatMap((instance) => (instance.pushing ? [instance.pushing.stop(0)] : [])));
    await Promise.all(instances.map((instance) => instance.openTeller.closeReplayStore()));
    return Promise.all(
      instances.filter((instance) => instance.database.dataSource.isInitialized).map((instance) => instance.database.dataSource.destroy()),
    );
  };

  return {
    issuer,
    http: server,
    config: testConfig,
    testDatabase,
    get database() {
      return (instances[0] as Instance).database;
    },
    get instance() {
      return (instances[0] as Instance).openTeller;
    },
    get instances() {
      return instances.map((instance) => instance.openTeller);
    },
    async restart() {
      const count = instances.length;
      await stopInstances();
      instances = await Promise.all(Array.from({ length: count }, startInstance));
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await stopInstances();
      await testDatabase.drop();
    },
  };
}
