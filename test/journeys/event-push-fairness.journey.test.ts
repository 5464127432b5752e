// Proves through a real server running its push worker as `serve` does, with two partners' receivers, that push
// delivery is fair between apps: while app A's receiver holds every push for 8 seconds, A never has more than its cap
// of pushes in flight, and app B's events raised meanwhile each arrive within a second of their commit; A's events
// are all delivered once its receiver answers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bankEvents, type BankEvents } from '../support/bank-events.js';
import { EventReceiver } from '../support/event-receiver.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** Pushes of one app in flight at once (`EVENTS_PUSH_CONCURRENCY_PER_APP`; the default is 8). */
const EVENT_PUSH_CONCURRENCY_PER_APP = 4;
/** How long A's receiver holds each push before answering 202 (less than the 10 s request timeout). */
const A_ANSWERS_AFTER_MS = 8_000;
/** A's events: more than its cap, so that some wait for a slot of A's. */
const A_EVENTS = EVENT_PUSH_CONCURRENCY_PER_APP + 2;
const B_EVENTS = 5;
const B_WITHIN_MS = 1_000;

describe('event push fairness between apps', () => {
  let server: TestServer;
  let slowReceiver: EventReceiver;
  let promptReceiver: EventReceiver;
  let events: BankEvents;

  before(async () => {
    server = await startTestServer({ pushWorker: true, env: { EVENTS_PUSH_CONCURRENCY_PER_APP: String(EVENT_PUSH_CONCURRENCY_PER_APP) } });
    slowReceiver = await EventReceiver.start();
    slowReceiver.answer = () => ({ status: 202, delayMs: A_ANSWERS_AFTER_MS });
    promptReceiver = await EventReceiver.start();
    events = await bankEvents(server.config, server.database);
    await events.subscribe('cli_fair_a', slowReceiver.callbackUrl);
    await events.subscribe('cli_fair_b', promptReceiver.callbackUrl);
  });
  after(async () => {
    await server.close();
    await slowReceiver.down();
    await promptReceiver.down();
  });

  /** Raises one event of the app; its jti and when its commit returned. */
  async function raise(clientId: string): Promise<{ jti: string; committedAtMs: number }> {
    await events.revokeConsent(clientId);
    const committedAtMs = Date.now();
    const latest = (await events.eventsOf(clientId)).at(-1);
    assert.ok(latest);
    return { jti: latest.jti, committedAtMs };
  }

  async function waitUntil(what: string, done: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  test(`A’s receiver answers after 8 s → A has ${EVENT_PUSH_CONCURRENCY_PER_APP} pushes in flight (EVENTS_PUSH_CONCURRENCY_PER_APP), no more; B’s events raised meanwhile each arrive within 1 s of commit; then all of A’s are delivered`, async (t) => {
    for (let index = 0; index < A_EVENTS; index += 1) await raise('cli_fair_a');
    await waitUntil('A’s first pushes', () => slowReceiver.received.length >= EVENT_PUSH_CONCURRENCY_PER_APP, 5_000);
    const aHeldSinceMs = Math.min(...slowReceiver.received.map((notification) => notification.atMs));

    const delays: number[] = [];
    for (let index = 0; index < B_EVENTS; index += 1) {
      const { jti, committedAtMs } = await raise('cli_fair_b');
      await waitUntil(`B’s event ${index + 1}`, () => promptReceiver.timesReceived(jti) > 0, 5_000);
      const arrival = promptReceiver.received.find((notification) => notification.jti === jti);
      delays.push((arrival?.atMs ?? Infinity) - committedAtMs);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    t.diagnostic(`B’s events arrived ${delays.join(', ')} ms after their commit`);
    const lastBArrivalMs = Math.max(...promptReceiver.received.map((notification) => notification.atMs));
    assert.ok(lastBArrivalMs < aHeldSinceMs + A_ANSWERS_AFTER_MS, 'B’s events all arrived while A’s pushes were still held');
    assert.ok(
      delays.every((delay) => delay < B_WITHIN_MS),
      `B’s events arrived ${delays.join(', ')} ms after their commit`,
    );
    assert.equal(slowReceiver.received.length, EVENT_PUSH_CONCURRENCY_PER_APP, 'A never had more than its cap in flight');

    await waitUntil(
      'every event of A delivered',
      async () => (await events.eventsOf('cli_fair_a')).every((event) => event.pushState === 'delivered'),
      3 * A_ANSWERS_AFTER_MS,
    );
    assert.equal(new Set(slowReceiver.received.map((notification) => notification.jti)).size, A_EVENTS);
    assert.ok((await events.eventsOf('cli_fair_b')).every((event) => event.pushState === 'delivered'));
  });
});
