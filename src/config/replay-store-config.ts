import { ConfigError } from './config-error.js';
import type { DatabaseConfig } from './database-config.js';

/**
 * Where one-time values (DPoP proof and client assertion `jti`s, signed registration requests) are remembered
 * (README "Scaling"): Redis shared by every process, this process's memory, or the database.
 */
export type ReplayStoreConfig = { readonly kind: 'redis'; readonly url: string } | { readonly kind: 'memory' } | { readonly kind: 'database' };

const KINDS = ['redis', 'memory', 'database'] as const;

/**
 * Reads `REPLAY_STORE` and `REDIS_URL`. Without `REPLAY_STORE`: Redis when `REDIS_URL` is set; otherwise memory on
 * the embedded database (one process owns it) and the database on MySQL (any number of processes share it).
 * Refused: memory on MySQL (another process would accept what this one has seen), and redis without `REDIS_URL`.
 * @throws ConfigError naming the offending variable.
 */
export function loadReplayStoreConfig(env: NodeJS.ProcessEnv, database: DatabaseConfig): ReplayStoreConfig {
  const url = env.REDIS_URL?.trim() || null;
  if (url !== null && !/^rediss?:\/\//.test(url)) throw new ConfigError('REDIS_URL', 'must be a redis:// or rediss:// URL');
  const kind = env.REPLAY_STORE?.trim() || (url ? 'redis' : database.kind === 'sqlite' ? 'memory' : 'database');
  if (!(KINDS as readonly string[]).includes(kind)) throw new ConfigError('REPLAY_STORE', `must be one of ${KINDS.join(', ')}, got "${kind}"`);
  if (kind === 'redis') {
    if (!url) throw new ConfigError('REPLAY_STORE', 'is "redis", which needs REDIS_URL (redis://host:port/db)');
    return { kind, url };
  }
  if (kind === 'memory' && database.kind === 'mysql') {
    throw new ConfigError(
      'REPLAY_STORE',
      'is "memory", which only this process would see, but DATABASE_URL is MySQL, which several processes may serve: a DPoP proof or client assertion used at one would be accepted again at another. Set REDIS_URL (shared), or REPLAY_STORE=database',
    );
  }
  return { kind: kind as 'memory' | 'database' };
}
