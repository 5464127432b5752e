import { createClient } from '@redis/client';
import { ReplayStoreUnavailable, type ReplayStore } from '../domain/replay-store.js';
import { ConfigError } from '../config/config-error.js';
import type { Logger } from '../logging/logger.js';

/** Where the values live in Redis: `openteller:replay:<scope>:<key>` (keys are hashes, never a value as sent). */
const KEY_PREFIX = 'openteller:replay:';
/** A command not answered within this time fails (503): a Redis that stopped answering must not hold requests. */
const COMMAND_TIMEOUT_MS = 1_000;
const CONNECT_TIMEOUT_MS = 2_000;
/** Attempts to reach Redis at start-up before the process gives up; afterwards it retries for as long as it runs. */
const START_ATTEMPTS = 3;
const MAX_RECONNECT_DELAY_MS = 2_000;

/** One-time values in Redis, shared by every process of the bank: one `SET key 1 NX PXAT expiry` each. */
export class RedisReplayStore implements ReplayStore {
  private constructor(private readonly client: RedisConnection) {}

  /**
   * Connects to `url` (`REDIS_URL`) with one connection for this process. Commands never wait for a lost connection
   * (no offline queue) nor longer than a second: an unreachable Redis is answered at once, as an outage.
   * @throws ConfigError naming REDIS_URL when Redis cannot be reached at start-up: the process does not start without it.
   */
  static async connect(url: string, logger: Logger): Promise<RedisReplayStore> {
    let ready = false;
    let reportedOutage = false;
    const client = createConnection(url, () => ready);
    client.on('error', (error: unknown) => {
      if (!ready || reportedOutage) return;
      reportedOutage = true;
      logger.warn({ err: error }, 'Redis (REDIS_URL) cannot be reached: payments and other writes are answered 503 until it is back');
    });
    client.on('ready', () => {
      if (reportedOutage) logger.info('Redis (REDIS_URL) is reachable again');
      reportedOutage = false;
    });
    try {
      await client.connect();
    } catch (error) {
      throw new ConfigError('REDIS_URL', `cannot be reached: ${error instanceof Error ? error.message : String(error)}`);
    }
    ready = true;
    return new RedisReplayStore(client);
  }

  async rememberOnce(scope: string, key: string, expiresAt: Date): Promise<boolean> {
    let reply: string | null;
    try {
      reply = await this.client.set(`${KEY_PREFIX}${scope}:${key}`, '1', {
        condition: 'NX',
        expiration: { type: 'PXAT', value: Math.max(expiresAt.getTime(), Date.now() + 1) },
      });
    } catch (error) {
      throw new ReplayStoreUnavailable('Redis (REDIS_URL) did not answer', { cause: error });
    }
    return reply === 'OK';
  }

  /** Closes the connection, after the replies still awaited. */
  async close(): Promise<void> {
    if (this.client.isOpen) await this.client.close();
  }
}

type RedisConnection = ReturnType<typeof createConnection>;

/** The client of {@link RedisReplayStore.connect}; `started` says whether it was ever ready (start-up is over). */
function createConnection(url: string, started: () => boolean) {
  return createClient({
    url,
    disableOfflineQueue: true,
    commandOptions: { timeout: COMMAND_TIMEOUT_MS, rejectInFlight: true },
    socket: {
      connectTimeout: CONNECT_TIMEOUT_MS,
      reconnectStrategy: (retries, cause) =>
        !started() && retries >= START_ATTEMPTS
          ? new Error(`no answer from ${redactedUrl(url)} after ${START_ATTEMPTS} attempts (${cause.message})`, { cause })
          : Math.min(100 * 2 ** retries, MAX_RECONNECT_DELAY_MS),
    },
  });
}

/** The URL without its password, for messages. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '<password>';
    return parsed.href;
  } catch {
    return '<unparseable REDIS_URL>';
  }
}
