// Proves where one-time values are remembered for each combination of DATABASE_URL, REDIS_URL and REPLAY_STORE, and
// that the unsafe combinations are refused at start-up naming the variable: memory on MySQL, redis without REDIS_URL.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError } from './config-error.js';
import { loadDatabaseConfig } from './database-config.js';
import { loadReplayStoreConfig } from './replay-store-config.js';

const SQLITE = loadDatabaseConfig({ DATABASE_URL: 'sqlite:./data/bank.db' });
const MYSQL = loadDatabaseConfig({ DATABASE_URL: 'mysql://root@127.0.0.1:3306/bank' });

describe('loadReplayStoreConfig', () => {
  test('nothing set → memory on the embedded database (one process owns it), the database on MySQL (several share it)', () => {
    assert.deepEqual(loadReplayStoreConfig({}, SQLITE), { kind: 'memory' });
    assert.deepEqual(loadReplayStoreConfig({}, MYSQL), { kind: 'database' });
  });

  test('REDIS_URL set → Redis, on either database', () => {
    for (const database of [SQLITE, MYSQL]) {
      assert.deepEqual(loadReplayStoreConfig({ REDIS_URL: 'redis://127.0.0.1:6379/2' }, database), {
        kind: 'redis',
        url: 'redis://127.0.0.1:6379/2',
      });
    }
  });

  test('REPLAY_STORE chooses explicitly: database on SQLite, database despite REDIS_URL, memory on SQLite', () => {
    assert.deepEqual(loadReplayStoreConfig({ REPLAY_STORE: 'database' }, SQLITE), { kind: 'database' });
    assert.deepEqual(loadReplayStoreConfig({ REPLAY_STORE: 'database', REDIS_URL: 'redis://cache:6379' }, MYSQL), { kind: 'database' });
    assert.deepEqual(loadReplayStoreConfig({ REPLAY_STORE: 'memory' }, SQLITE), { kind: 'memory' });
  });

  test('REPLAY_STORE=memory on MySQL → refused, naming REPLAY_STORE and what to set instead', () => {
    assert.throws(
      () => loadReplayStoreConfig({ REPLAY_STORE: 'memory' }, MYSQL),
      (error: unknown) => error instanceof ConfigError && /REPLAY_STORE/.test(error.message) && /REDIS_URL/.test(error.message),
    );
  });

  test('REPLAY_STORE=redis without REDIS_URL, an unknown REPLAY_STORE, or a REDIS_URL that is not redis:// → refused', () => {
    assert.throws(() => loadReplayStoreConfig({ REPLAY_STORE: 'redis' }, MYSQL), /REPLAY_STORE.*REDIS_URL/s);
    assert.throws(() => loadReplayStoreConfig({ REPLAY_STORE: 'memcached' }, MYSQL), /REPLAY_STORE.*redis, memory, database/s);
    assert.throws(() => loadReplayStoreConfig({ REDIS_URL: 'http://127.0.0.1:6379' }, MYSQL), /REDIS_URL/);
  });
});
