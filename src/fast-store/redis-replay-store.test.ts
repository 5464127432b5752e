// Proves the Redis replay store against the Redis of the test machine (REDIS_TEST_URL, default redis://127.0.0.1:6379,
// database 9, keys unique to this run): one SET NX per value, so of many concurrent presentations exactly one is
// fresh, across two connections (two processes); a value expires with its time; an unreachable Redis refuses the
// start naming REDIS_URL; a Redis lost or silent later is ReplayStoreUnavailable within about a second, not a hang.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ConfigError } from '../config/config-error.js';
import { ReplayStoreUnavailable } from '../domain/replay-store.js';
import { createLogger } from '../logging/logger.js';
import { startTcpProxy, type TcpProxy } from '../../test/support/tcp-proxy.js';
import { RedisReplayStore } from './redis-replay-store.js';

const REDIS = new URL(process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379');
const logger = createLogger('silent');
const soon = () => new Date(Date.now() + 60_000);

describe('RedisReplayStore', () => {
  let first: RedisReplayStore;
  let second: RedisReplayStore;
  const run = randomUUID();

  before(async () => {
    first = await RedisReplayStore.connect(`redis://${REDIS.host}/9`, logger);
    second = await RedisReplayStore.connect(`redis://${REDIS.host}/9`, logger);
  });
  after(async () => {
    await first.close();
    await second.close();
  });

  test('the same key through two connections, 20 at once → exactly one true; another scope → true', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) => (index % 2 ? first : second).rememberOnce('rs-dpop', `${run}-a`, soon())),
    );
    assert.equal(results.filter(Boolean).length, 1);
    assert.equal(await first.rememberOnce('dcr-jti', `${run}-a`, soon()), true);
  });

  test('a key whose time has passed → remembered anew', async () => {
    assert.equal(await first.rememberOnce('rs-dpop', `${run}-b`, new Date(Date.now() + 100)), true);
    assert.equal(await second.rememberOnce('rs-dpop', `${run}-b`, new Date(Date.now() + 100)), false);
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.equal(await second.rememberOnce('rs-dpop', `${run}-b`, soon()), true);
  });

  test('Redis unreachable at start-up → ConfigError naming REDIS_URL, no process left retrying', async () => {
    const proxy = await startTcpProxy({ host: REDIS.hostname, port: Number(REDIS.port || 6379) });
    const port = proxy.port;
    await proxy.close();
    await assert.rejects(
      RedisReplayStore.connect(`redis://127.0.0.1:${port}`, logger),
      (error: unknown) => error instanceof ConfigError && error.variable === 'REDIS_URL' && /cannot be reached/.test(error.message),
    );
  });

  describe('Redis lost after start-up', () => {
    let proxy: TcpProxy;
    let store: RedisReplayStore;

    before(async () => {
      proxy = await startTcpProxy({ host: REDIS.hostname, port: Number(REDIS.port || 6379) });
      store = await RedisReplayStore.connect(`redis://127.0.0.1:${proxy.port}/9`, logger);
    });
    after(async () => {
      await store.close();
      await proxy.close();
    });

    test('connection cut → ReplayStoreUnavailable at once; back → fresh values accepted again', async () => {
      await proxy.cut();
      const started = Date.now();
      await assert.rejects(store.rememberOnce('rs-dpop', `${run}-c`, soon()), ReplayStoreUnavailable);
      assert.ok(Date.now() - started < 1_500, `took ${Date.now() - started} ms`);
      await proxy.restore();
      let answer: boolean | undefined;
      for (let attempt = 0; attempt < 50 && answer === undefined; attempt += 1) {
        answer = await store
          .rememberOnce('rs-dpop', `${run}-c`, soon())
          .catch(() => new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 100)));
      }
      assert.equal(answer, true);
    });

    test('Redis silent (the connection open, nothing answered) → ReplayStoreUnavailable within about a second', async () => {
      proxy.freeze();
      try {
        const started = Date.now();
        await assert.rejects(store.rememberOnce('rs-dpop', `${run}-d`, soon()), ReplayStoreUnavailable);
        assert.ok(Date.now() - started < 2_500, `took ${Date.now() - started} ms`);
      } finally {
        proxy.thaw();
      }
    });
  });
});
