// Proves the health endpoints as a load balancer probes them: /health/live answers 200 whatever the database does, /health/ready and /health answer 200 when ready and 503 with the reason otherwise, also when the check does not answer in time; JSON, never cached; other paths and methods pass through.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Koa from 'koa';
import request from 'supertest';
import { createLogger } from '../logging/logger.js';
import { healthEndpoints, type Readiness } from './health.js';

/** A Koa app with only the health endpoints, whose readiness check is `check`; anything else answers 404 "next". */
function app(check: () => Promise<Readiness>) {
  const koa = new Koa();
  koa.use(healthEndpoints({ checkReadiness: check, logger: createLogger('silent'), readinessTimeoutMs: 100 }));
  koa.use((ctx) => {
    ctx.status = 404;
    ctx.body = 'next';
  });
  return koa.callback();
}

const ready = async (): Promise<Readiness> => ({ ready: true });
const down = async (): Promise<Readiness> => ({ ready: false, reason: 'the database is unreachable', error: new Error('ECONNREFUSED') });
const silent = () => new Promise<Readiness>(() => undefined);

describe('health endpoints', () => {
  test('GET /health/live with the database down → 200 {"status":"live"}, no-store', async () => {
    const response = await request(app(silent)).get('/health/live');
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { status: 'live' });
    assert.equal(response.headers['cache-control'], 'no-store');
  });

  for (const path of ['/health/ready', '/health']) {
    test(`GET ${path} when ready → 200 {"status":"ready"}`, async () => {
      const response = await request(app(ready)).get(path);
      assert.equal(response.status, 200);
      assert.deepEqual(response.body, { status: 'ready' });
    });

    test(`GET ${path} when not ready → 503 JSON with the reason, not the error`, async () => {
      const response = await request(app(down)).get(path);
      assert.equal(response.status, 503);
      assert.match(response.headers['content-type'] ?? '', /^application\/json/);
      assert.equal(response.headers['cache-control'], 'no-store');
      assert.deepEqual(response.body, { status: 'unavailable', reason: 'the database is unreachable' });
    });
  }

  test('GET /health/ready whose check does not answer → 503 after the timeout', async () => {
    const response = await request(app(silent)).get('/health/ready');
    assert.equal(response.status, 503);
    assert.deepEqual(response.body, { status: 'unavailable', reason: 'the database did not answer within 100 ms' });
  });

  test('POST /health/ready and GET /healthz → passed on', async () => {
    assert.equal((await request(app(ready)).post('/health/ready')).text, 'next');
    assert.equal((await request(app(ready)).get('/healthz')).text, 'next');
  });
});
