import { createServer, type Server } from 'node:http';
import { isIPv6 } from 'node:net';
import { createOpenTeller, type BackgroundJobs } from './app.js';
import type { Config } from './config/config.js';
import { buildSandboxSeed } from './sandbox/sandbox-seed.js';
import { ConfigError } from './config/config-error.js';
import { welcomeBanner } from './cli/welcome.js';
import type { Logger } from './logging/logger.js';
import { migrateDatabase, openDatabase, type Database } from './persistence/data-source.js';
import { claimEmbeddedDatabase } from './persistence/embedded-database-owner.js';
import { purgeExpiredRows } from './persistence/housekeeping.js';
import { BankSettingStore } from './persistence/stores/bank-setting-store.js';
import { openMissingBankAccounts, seedSandboxIfEmpty } from './persistence/sandbox-seeder.js';
import { buildBankAccounts } from './sandbox/sandbox-accounts.js';
import { startOfUtcDay } from './domain/accounts/balances.js';
import type { RunningEventPush } from './events/event-push-worker.js';
import { repeat, type Repeating } from './scheduling/repeat.js';
import { serveMetrics } from './metrics/metrics-server.js';

const PURGE_INTERVAL_MS = 10 * 60_000;
const SETTLEMENT_INTERVAL_MS = 2_000;
const EXPIRY_INTERVAL_MS = 30_000;
/** How often a process looks for due scheduled payments (and at once again while a run leaves more due). */
const SCHEDULER_INTERVAL_MS = 1_000;
/** How often a process numbers the events another process committed and died before numbering. */
const EVENT_SEQUENCING_SWEEP_INTERVAL_MS = 1_000;
/**
 * How long shutdown waits for the event pushes in flight (a partner may take up to the 10 s request timeout): less
 * than the 10 s after which the process exits anyway, so that their results are recorded and the database closed
 * cleanly. Pushes still in flight then are abandoned; their claims expire and another process pushes them again.
 */
const SHUTDOWN_PUSH_GRACE_MS = 8_000;
/**
 * How long one statement of the serving process may take on MySQL before it fails (an outage: 503 with
 * `Retry-After`). Far above any statement's normal time, lock waits included; the same as SQLite's busy timeout.
 */
const STATEMENT_TIMEOUT_MS = 10_000;

/**
 * `openteller serve`: claims an embedded database when one-time values are kept in memory (one process serves it),
 * opens and migrates the database, seeds the sandbox bank when it is empty (sandbox
 * mode only), listens, records the issuer it serves under in the database (for the `openteller` command), and shuts
 * down gracefully on SIGINT/SIGTERM.
 */
export async function serve(config: Config, logger: Logger): Promise<Server> {
  const startedAt = Date.now();
  const ownsDatabase = config.replayStore.kind === 'memory' && config.database.kind === 'sqlite' && config.database.file !== ':memory:';
  const claim = ownsDatabase ? await claimEmbeddedDatabase(config.database.file) : null;
  const database = await openDatabase(config.database, { statementTimeoutMs: STATEMENT_TIMEOUT_MS });
  await prepareDatabase(config, database, logger);
  const { app, calls, jobs, handleUpgrade, closeEventStreams, closeReplayStore, metrics } = await createOpenTeller(config, database, logger);
  const server = createServer(app.callback());
  server.on('upgrade', handleUpgrade);
  let metricsServer: Server | null = null;
  try {
    await listen(server, config);
    if (config.metrics) metricsServer = await serveMetrics(metrics.registry, config.metrics);
  } catch (error) {
    server.close();
    await closeReplayStore();
    await database.dataSource.destroy();
    await claim?.release();
    throw error;
  }
  const purge = setInterval(() => {
    purgeExpiredRows(database).catch((error: unknown) => logger.warn({ err: error }, 'purge of expired rows failed'));
  }, PURGE_INTERVAL_MS);
  purge.unref();
  const previousIssuer = await new BankSettingStore(database.dataSource).recordServedIssuer(config.issuer, new Date());
  if (previousIssuer !== null && previousIssuer !== config.issuer) {
    logger.warn({ previousIssuer, issuer: config.issuer }, 'ISSUER changed: what was issued for the previous issuer is refused from now on');
  }
  const { workers, pushing } = startWorkers(config, jobs, logger);
  logger.info(
    {
      issuer: config.issuer,
      mode: config.mode,
      readyInMs: Date.now() - startedAt,
      metrics: config.metrics ? `http://${config.metrics.host}:${config.metrics.port}/metrics` : null,
    },
    'OpenTeller is listening',
  );
  process.stdout.write(welcomeBanner(config, previousIssuer));
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    clearInterval(purge);
    metricsServer?.close();
    for (const worker of workers) worker.stop();
    closeEventStreams();
    const pushesStopped = pushing.stop(SHUTDOWN_PUSH_GRACE_MS).catch((error: unknown) => logger.warn({ err: error }, 'event push stop failed'));
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    void Promise.all([serverClosed, pushesStopped])
      .then(() => calls.flush())
      .then(() => closeReplayStore())
      .then(() => database.dataSource.destroy())
      .then(() => claim?.release())
      .finally(() => process.exit(0));
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  return server;
}

/**
 * Migrates the database and, in the sandbox, seeds it when it is empty (or opens the bank's accounts it lacks). On MySQL this runs on connections of its own
 * without the serving statement timeout: a migration may wait for another process's migration lock or alter a large
 * table. Two of them: one holds the migration lock while the other migrates. (SQLite has no statement timeout, and an
 * in-memory database exists only on its one connection.)
 */
async function prepareDatabase(config: Config, serving: Database, logger: Logger): Promise<void> {
  const database = serving.dialect === 'mysql' ? await openDatabase(config.database, { poolSize: 2 }) : serving;
  try {
    const applied = await migrateDatabase(database);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
    if (config.mode === 'sandbox' && (await seedSandboxIfEmpty(database, buildSandboxSeed))) logger.info('sandbox bank seeded');
    else if (config.mode === 'sandbox') {
      const opened = await openMissingBankAccounts(database, buildBankAccounts(startOfUtcDay(new Date()).getTime()));
      if (opened.length > 0) logger.info({ accounts: opened }, 'bank accounts opened');
    }
  } finally {
    if (database !== serving) await database.dataSource.destroy();
  }
}

/**
 * Listens on HOST:PORT. A port that is taken or needs privileges, or a HOST that is not an address of this machine,
 * is the operator's to change: a ConfigError naming the variable (exit 2), not a crash.
 */
async function listen(server: Server, config: Config): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    const address = `${isIPv6(config.host) ? `[${config.host}]` : config.host}:${config.port}`;
    const refusal = `cannot be listened on: ${address}`;
    switch ((error as NodeJS.ErrnoException).code) {
      case 'EADDRINUSE':
        throw new ConfigError('PORT', `${config.port} ${refusal} is already in use (EADDRINUSE); stop what listens there or choose another PORT`);
      case 'EACCES':
        throw new ConfigError('PORT', `${config.port} ${refusal} needs privileges this user does not have (EACCES); choose a PORT from 1024 up`);
      case 'EADDRNOTAVAIL':
        throw new ConfigError('HOST', `${config.host} cannot be listened on: it is not an address of this machine (EADDRNOTAVAIL)`);
      default:
        throw error;
    }
  }
}

/**
 * The background workers of this process; any number of processes run them, each row claimed by one:
 * - event pushes, in the sandbox and in production: a pipeline that claims due events as its slots free (looking for
 *   new ones every 200 ms) and records results in batches (`startEventPushing`);
 * - consent expiry: every 30 s;
 * - the numbering of events whose process died between their commit and their numbering: every 1 s;
 * - scheduled payments, in the sandbox and in production: every 1 s, and at once again while more are due (not those of
 *   the sandbox's test clocks: they run when their app advances the clock);
 * - the settlement of the sandbox payment scheme, sandbox only: every 2 s. Production has no scheme connection yet, so
 *   payments to other banks stay `ACSP` there.
 */
function startWorkers(config: Config, jobs: BackgroundJobs, logger: Logger): { workers: Repeating[]; pushing: RunningEventPush } {
  const warn = (what: string) => (error: unknown) => logger.warn({ err: error }, `${what} run failed`);
  const workers = [
    repeat(
      EXPIRY_INTERVAL_MS,
      async () => {
        await jobs.expireConsents(new Date());
        return false;
      },
      warn('consent expiry'),
    ),
    repeat(
      EVENT_SEQUENCING_SWEEP_INTERVAL_MS,
      async () => {
        const apps = await jobs.sequenceStragglingEvents();
        if (apps > 0) logger.info({ apps }, 'events left unnumbered numbered');
        return false;
      },
      warn('event numbering sweep'),
    ),
    repeat(
      SCHEDULER_INTERVAL_MS,
      async () => {
        const run = await jobs.runScheduledPayments(new Date());
        if (run.ran > 0) logger.info({ ran: run.ran }, 'scheduled payments run');
        return run.moreDue;
      },
      warn('scheduler'),
    ),
  ];
  if (config.mode === 'sandbox') {
    const settle = async () => {
      const result = await jobs.settlePayments(new Date());
      if (result.settled + result.rejected > 0) logger.info(result, 'payments settled');
      return false;
    };
    workers.push(repeat(SETTLEMENT_INTERVAL_MS, settle, warn('settlement')));
  }
  return { workers, pushing: jobs.startEventPushing() };
}
