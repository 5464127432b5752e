// Proves the push worker of a serving process: it runs the pipeline on its schedule, records a finished push within
// the coalescing delay when the pipeline asks (not an interval later), and its graceful stop waits for the pushes in
// flight at most the grace given, records what finished, and logs the ones it abandoned to claim expiry.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventPushPipeline } from '../domain/events/event-push-pipeline.js';
import type { ClaimedPush, ClaimRequest, EventPushStore, PushResult } from '../domain/events/event-push-store.js';
import type { SendPush } from '../domain/events/deliver-due-events.js';
import { DEFAULT_PUSH_RETRY_POLICY } from '../domain/events/push-retry-policy.js';
import { createLogger } from '../logging/logger.js';
import { startEventPushing } from './event-push-worker.js';

/** Hands out the due events once; remembers every batch recorded, and when. */
class OnceStore implements EventPushStore {
  readonly recorded: Array<{ atMs: number; jtis: string[] }> = [];
  constructor(private readonly due: ClaimedPush[]) {}
  async claimDuePushes(_now: Date, limit: number): Promise<ClaimedPush[]> {
    return this.due.splice(0, limit);
  }
  async recordPushResults(results: readonly PushResult[]): Promise<ReadonlySet<string>> {
    const jtis = results.map((result) => result.push.jti);
    this.recorded.push({ atMs: Date.now(), jtis });
    return new Set(jtis);
  }

  async recordAndClaim(results: readonly PushResult[], request: ClaimRequest): Promise<{ recorded: ReadonlySet<string>; claimed: ClaimedPush[] }> {
    const recorded = await this.recordPushResults(results);
    return { recorded, claimed: await this.claimDuePushes(request.now, request.limit) };
  }
}

function due(jti: string): ClaimedPush {
  return {
    clientId: 'cli_1',
    sequence: 1,
    jti,
    token: jti,
    pushAttempts: 0,
    claim: 'c',
    callbackUrl: 'https://tpp.example/open-banking/v4.0/event-notifications',
  };
}

/** A receiver that answers the tokens listed in `answers` after their delay, and never answers the others. */
function receiver(answers: Record<string, number>): { send: SendPush; answeredAtMs: Map<string, number> } {
  const answeredAtMs = new Map<string, number>();
  const send: SendPush = async (callbackUrl, token) => {
    const delayMs = answers[token];
    if (delayMs === undefined) await new Promise(() => undefined);
    await sleep(delayMs);
    answeredAtMs.set(token, Date.now());
    return { attemptedAt: new Date(), callbackUrl, httpStatus: 202, error: null, latencyMs: delayMs ?? 0 };
  };
  return { send, answeredAtMs };
}

async function until(done: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`not done within ${timeoutMs} ms`);
    await sleep(5);
  }
}

test('interval 400 ms, one push answering after 30 ms → its result recorded within about 25 ms of its answer, not at the next interval', async () => {
  const store = new OnceStore([due('evt_quick')]);
  const { send, answeredAtMs } = receiver({ evt_quick: 30 });
  const pipeline = new EventPushPipeline({ store, send, policy: DEFAULT_PUSH_RETRY_POLICY, concurrency: 4, claimMs: 70_000 });
  const running = startEventPushing(pipeline, { intervalMs: 400, logger: createLogger('silent') });
  try {
    await until(() => store.recorded.length === 1);
    const waitedMs = (store.recorded[0]?.atMs ?? 0) - (answeredAtMs.get('evt_quick') ?? 0);
    assert.ok(waitedMs < 200, `recorded ${waitedMs} ms after the answer`);
  } finally {
    await running.stop(0);
  }
});

test('stop(150) with one push answering in 40 ms and one that hangs → returns after about the grace, the first recorded, the hanging one abandoned and logged', async () => {
  const lines: string[] = [];
  const logger = createLogger('warn', { write: (line: string) => void lines.push(line) });
  const store = new OnceStore([due('evt_answers'), due('evt_hangs')]);
  const { send } = receiver({ evt_answers: 40 });
  const pipeline = new EventPushPipeline({ store, send, policy: DEFAULT_PUSH_RETRY_POLICY, concurrency: 4, claimMs: 70_000 });
  const running = startEventPushing(pipeline, { intervalMs: 10, logger });
  await until(() => pipeline.claimsHeld === 2);
  const stoppingAtMs = Date.now();
  await running.stop(150);
  const tookMs = Date.now() - stoppingAtMs;
  assert.ok(tookMs >= 140 && tookMs < 2_000, `stop took ${tookMs} ms`);
  assert.deepEqual(
    store.recorded.flatMap((batch) => batch.jtis),
    ['evt_answers'],
  );
  const warning = lines.map((line) => JSON.parse(line) as { abandoned?: number; msg: string }).find((entry) => entry.abandoned !== undefined);
  assert.equal(warning?.abandoned, 1);
  assert.match(warning?.msg ?? '', /abandoned: their claims expire/);
});
