// Proves the push of event notifications as a partner's callback sees it: each real event (a consent revoked by its
// customer) arrives as a SET that verifies against the bank's /jwks, as application/jwt; an unacknowledged push (no
// listener, 500, 200, an answer too late) is retried per the retry policy until acknowledged or given up on; two
// OpenTeller processes on one database send each event once; and in production a callback on a special-use address
// is never connected to.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { createOpenTeller } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import type { PushRetryPolicy } from '../../src/domain/events/push-retry-policy.js';
import { createLogger } from '../../src/logging/logger.js';
import { openDatabase } from '../../src/persistence/data-source.js';
import { TypeOrmEventSubscriptionStore } from '../../src/persistence/stores/event-subscription-store.js';
import { bankEvents, type BankEvents } from '../support/bank-events.js';
import { EventReceiver } from '../support/event-receiver.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** A policy with the published shape, on a scale the test can step through: waits of 1, 2, then 4 s; 4 attempts. */
const POLICY: PushRetryPolicy = { firstDelayMs: 1_000, maxDelayMs: 4_000, maxAttempts: 4, jitterRatio: 0.1 };
const TIMEOUTS = { connectTimeoutMs: 1_000, requestTimeoutMs: 1_000 };

describe('event push journey', () => {
  let server: TestServer;
  let receiver: EventReceiver;
  let events: BankEvents;
  let apps = 0;

  before(async () => {
    server = await startTestServer({ instances: 2, openTeller: { eventPush: { policy: POLICY, timeouts: TIMEOUTS } } });
    receiver = await EventReceiver.start();
    events = await bankEvents(server.config, server.database);
  });
  after(async () => {
    await receiver.down();
    await server.close();
  });

  /** A new app subscribed with the receiver's callback URL, with one revoked consent: its event's jti. */
  async function appWithEvent(callbackUrl = receiver.callbackUrl): Promise<{ clientId: string; jti: string }> {
    const clientId = `cli_push_${(apps += 1)}`;
    await events.subscribe(clientId, callbackUrl);
    await events.revokeConsent(clientId);
    const [event] = await events.eventsOf(clientId);
    assert.equal(event?.pushState, 'pending');
    return { clientId, jti: event.jti };
  }

  async function pushState(clientId: string): Promise<{ state: string; attempts: number; nextPushAt: Date | null }> {
    const [event] = await events.eventsOf(clientId);
    assert.ok(event);
    return { state: event.pushState, attempts: event.pushAttempts, nextPushAt: event.nextPushAt };
  }

  const deliver = (now: Date) => server.instance.jobs.deliverEvents(now);

  test('a consent revoked by its customer → the callback gets one POST, application/jwt, a SET signed by the bank (its /jwks) for the app; delivered after one 202 attempt', async () => {
    receiver.answer = () => ({ status: 202 });
    const before = receiver.received.length;
    const { clientId, jti } = await appWithEvent();
    const run = await deliver(new Date());
    assert.equal(run.delivered, 1);
    const notification = receiver.received[before];
    assert.ok(notification);
    assert.equal(notification.headers['content-type'], 'application/jwt');
    assert.match(String(notification.headers['x-fapi-interaction-id']), /^[0-9a-f-]{36}$/);
    const jwks = (await (await fetch(`${server.issuer}/jwks`)).json()) as Parameters<typeof createLocalJWKSet>[0];
    const { payload, protectedHeader } = await jwtVerify(notification.body, createLocalJWKSet(jwks), {
      issuer: server.issuer,
      audience: clientId,
      typ: 'secevent+jwt',
      algorithms: ['PS256'],
    });
    assert.equal(payload.jti, jti);
    assert.ok(protectedHeader.kid);
    assert.deepEqual(Object.keys(payload.events as object), ['urn:uk:org:openbanking:events:consent-authorization-revoked']);
    assert.deepEqual(await pushState(clientId), { state: 'delivered', attempts: 1, nextPushAt: null });
    const [attempt] = await events.attemptsOf(jti);
    assert.deepEqual([attempt?.attempt, attempt?.httpStatus, attempt?.error, attempt?.callbackUrl], [1, 202, null, receiver.callbackUrl]);
    assert.ok((attempt?.latencyMs ?? -1) >= 0);
  });

  test('the receiver down → a connection-error attempt, retried 1 s (±10 %) later and not before; up again → delivered on attempt 2', async () => {
    const { clientId, jti } = await appWithEvent();
    await receiver.down();
    const t0 = new Date();
    try {
      assert.equal((await deliver(t0)).retrying, 1);
    } finally {
      await receiver.up();
    }
    const { state, attempts, nextPushAt } = await pushState(clientId);
    assert.deepEqual([state, attempts], ['pending', 1]);
    const waitMs = (nextPushAt?.getTime() ?? 0) - t0.getTime();
    assert.ok(waitMs >= 900 && waitMs <= 1_100, `waited ${waitMs} ms`);
    const [failed] = await events.attemptsOf(jti);
    assert.equal(failed?.httpStatus, null);
    assert.match(failed?.error ?? '', /ECONNREFUSED/);
    assert.equal((await deliver(new Date(t0.getTime() + 850))).claimed, 0, 'not retried before its time');
    assert.equal((await deliver(new Date(t0.getTime() + 1_200))).delivered, 1);
    assert.equal(receiver.timesReceived(jti), 1);
    assert.deepEqual(
      (await events.attemptsOf(jti)).map((row) => row.httpStatus),
      [null, 202],
    );
  });

  test('the receiver answers 500, then 200 (not an acknowledgement), then recovers with 202 → three attempts, waits of 1 then 2 s, delivered', async () => {
    const statuses = [500, 200, 202];
    receiver.answer = () => ({ status: statuses.shift() ?? 202 });
    const { clientId, jti } = await appWithEvent();
    let now = new Date();
    for (const expected of ['pending', 'pending', 'delivered']) {
      await deliver(now);
      const current = await pushState(clientId);
      assert.equal(current.state, expected);
      if (current.nextPushAt) now = current.nextPushAt;
    }
    const attempts = await events.attemptsOf(jti);
    assert.deepEqual(
      attempts.map((row) => row.httpStatus),
      [500, 200, 202],
    );
    assert.equal(receiver.timesReceived(jti), 3);
    receiver.answer = () => ({ status: 202 });
  });

  test('the receiver answers after the request timeout → an error attempt (no answer in time), retried; answering in time → delivered', async () => {
    receiver.answer = () => ({ status: 202, delayMs: 3_000 });
    const { clientId, jti } = await appWithEvent();
    const run = await deliver(new Date());
    assert.equal(run.retrying, 1);
    const [late] = await events.attemptsOf(jti);
    assert.equal(late?.httpStatus, null);
    assert.equal(late?.error, 'no answer within 1000 ms');
    assert.ok((late?.latencyMs ?? 0) >= 900 && (late?.latencyMs ?? 0) < 3_000, `latency ${late?.latencyMs}`);
    receiver.answer = () => ({ status: 202 });
    const { nextPushAt } = await pushState(clientId);
    await deliver(nextPushAt ?? new Date());
    assert.deepEqual((await pushState(clientId)).state, 'delivered');
  });

  test('the receiver answers 500 every time → 4 attempts (the maximum), the push failed, no fifth attempt; the event stays in the outbox', async () => {
    receiver.answer = () => ({ status: 500 });
    const { clientId, jti } = await appWithEvent();
    let now = new Date();
    const waits: number[] = [];
    for (let attempt = 1; attempt <= POLICY.maxAttempts; attempt += 1) {
      await deliver(now);
      const { nextPushAt } = await pushState(clientId);
      if (nextPushAt) waits.push(nextPushAt.getTime() - now.getTime());
      now = nextPushAt ?? now;
    }
    assert.equal(waits.length, 3);
    for (const [index, wait] of waits.entries()) {
      const base = Math.min(POLICY.maxDelayMs, POLICY.firstDelayMs * 2 ** index);
      assert.ok(wait >= base * 0.9 && wait <= Math.min(base * 1.1, POLICY.maxDelayMs), `wait ${index + 1}: ${wait} ms`);
    }
    assert.deepEqual(await pushState(clientId), { state: 'failed', attempts: 4, nextPushAt: null });
    assert.equal((await deliver(new Date(now.getTime() + 24 * 3_600_000))).claimed, 0);
    assert.equal(receiver.timesReceived(jti), 4);
    receiver.answer = () => ({ status: 202 });
  });

  test('two OpenTeller processes pushing at once, 20 events of 4 apps → each event received exactly once and delivered on one attempt', async () => {
    receiver.answer = () => ({ status: 202, delayMs: 20 });
    const raised: string[] = [];
    for (let app = 0; app < 4; app += 1) {
      const clientId = `cli_push_pair_${app}`;
      await events.subscribe(clientId, receiver.callbackUrl);
      for (let count = 0; count < 5; count += 1) await events.revokeConsent(clientId);
      raised.push(...(await events.eventsOf(clientId)).map((event) => event.jti));
    }
    assert.equal(raised.length, 20);
    const [first, second] = server.instances;
    assert.ok(first && second);
    const now = new Date();
    for (let round = 0; round < 10; round += 1) {
      const runs = await Promise.all([first.jobs.deliverEvents(now), second.jobs.deliverEvents(now)]);
      if (runs.every((run) => run.claimed === 0)) break;
      assert.ok(runs.every((run) => run.lost === 0));
    }
    for (const jti of raised) {
      assert.equal(receiver.timesReceived(jti), 1, jti);
      assert.equal((await events.attemptsOf(jti)).length, 1, jti);
    }
    receiver.answer = () => ({ status: 202 });
  });

  test('the subscription deleted before the push → nothing sent, the push state none; the event stays for polling', async () => {
    const { clientId, jti } = await appWithEvent();
    assert.equal(await new TypeOrmEventSubscriptionStore(server.database.dataSource).delete(clientId, `evs_${clientId}`), true);
    assert.equal((await deliver(new Date())).stopped, 1);
    assert.equal(receiver.timesReceived(jti), 0);
    assert.deepEqual(await pushState(clientId), { state: 'none', attempts: 0, nextPushAt: null });
  });

  test('production: a callback URL resolving to loopback → never connected to; an error attempt records the refusal', async () => {
    const { privateKey } = await generateKeyPair('PS256', { modulusLength: 2048, extractable: true });
    const keysFile = join(tmpdir(), `openteller-push-keys-${process.pid}.json`);
    writeFileSync(keysFile, JSON.stringify({ keys: [{ ...(await exportJWK(privateKey)), kid: 'production-ps256-1', alg: 'PS256' }] }));
    const config = {
      ...loadConfig({
        OPENTELLER_MODE: 'production',
        ISSUER: 'https://bank.example',
        TRUST_PROXY: 'true',
        SIGNING_KEYS_FILE: keysFile,
        COOKIE_SECRETS: 'a-production-cookie-secret-of-enough-length',
        DATABASE_URL: 'sqlite::memory:',
        LOG_LEVEL: 'silent',
      }),
      database: server.testDatabase.config,
    };
    const database = await openDatabase(config.database);
    try {
      const production = await createOpenTeller(config, database, createLogger('silent'), { eventPush: { policy: POLICY, timeouts: TIMEOUTS } });
      const productionEvents = await bankEvents(config, database);
      const callbackUrl = receiver.callbackUrl.replace('127.0.0.1', 'localhost');
      await productionEvents.subscribe('cli_push_production', callbackUrl);
      await productionEvents.revokeConsent('cli_push_production');
      const [event] = await productionEvents.eventsOf('cli_push_production');
      assert.ok(event);
      const before = receiver.received.length;
      assert.equal((await production.jobs.deliverEvents(new Date())).retrying, 1);
      assert.equal(receiver.received.length, before, 'the receiver was never connected to');
      const [attempt] = await productionEvents.attemptsOf(event.jti);
      assert.equal(attempt?.httpStatus, null);
      assert.equal(attempt?.callbackUrl, callbackUrl);
      assert.match(attempt?.error ?? '', /localhost resolves to (127\.0\.0\.1|::1), an address that may not be fetched from/);
    } finally {
      await database.dataSource.destroy();
    }
  });
});
