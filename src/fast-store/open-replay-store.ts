import type { ReplayStoreConfig } from '../config/replay-store-config.js';
import type { ReplayStore } from '../domain/replay-store.js';
import type { Logger } from '../logging/logger.js';
import { MemoryReplayStore } from './memory-replay-store.js';

/** The replay store a process uses, and how to let it go at shutdown. */
export interface OpenReplayStore {
  readonly store: ReplayStore;
  close(): Promise<void>;
}

/**
 * Opens the replay store `REPLAY_STORE`/`REDIS_URL` chose (README "Scaling"): Redis (connected now, so that a process
 * that cannot reach it does not start), this process's memory, or `database`, the store over the bank's database.
 */
export async function openReplayStore(config: ReplayStoreConfig, database: ReplayStore, logger: Logger): Promise<OpenReplayStore> {
  switch (config.kind) {
    case 'redis': {
      // Loaded only when configured: the Redis client is a fifth of a second of start-up CPU.
      const { RedisReplayStore } = await import('./redis-replay-store.js');
      const redis = await RedisReplayStore.connect(config.url, logger);
      return { store: redis, close: () => redis.close() };
    }
    case 'memory':
      return { store: new MemoryReplayStore(), close: () => Promise.resolve() };
    case 'database':
      return { store: database, close: () => Promise.resolve() };
  }
}
