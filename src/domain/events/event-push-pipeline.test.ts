// Proves the push pipeline of one process against an in-memory store and a receiver the test answers by hand (no
// timers, no clock but the steps' `now`): an app whose receiver hangs holds only its own slots while another app's
// events are claimed, pushed and recorded; no app ever has more pushes in flight than its cap; results are recorded in
// batches, and a step is asked for at once when a batch or half the claims held have finished, within 25 ms otherwise; a failed
// recording keeps the results and their slots; a lost claim is counted, not recorded; a stop claims nothing more,
// records what finishes, and abandons what is still in flight when it gives up.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventPushWorker, SendPush } from './deliver-due-events.js';
import { EventPushPipeline, RESULT_COALESCE_MS } from './event-push-pipeline.js';
import type { ClaimedPush, ClaimRequest, EventPushStore, PerAppLimit, PushResult } from './event-push-store.js';
import { DEFAULT_PUSH_RETRY_POLICY } from './push-retry-policy.js';

const NOW = new Date('2030-01-01T00:00:00Z');
const CLAIM_MS = 70_000;

function callbackOf(clientId: string): string {
  return `https://${clientId}.example/open-banking/v4.0/event-notifications`;
}

/** Due events of several apps; claims them round-robin within the per-app limit, as the SQL store does. */
class InMemoryPushStore implements EventPushStore {
  readonly due: ClaimedPush[] = [];
  readonly claims: Array<{ limit: number; claimedUntil: Date; perApp: PerAppLimit | undefined; got: number }> = [];
  readonly batches: PushResult[][] = [];
  readonly lostClaims = new Set<string>();
  failRecording = false;
  private claimCount = 0;

  raise(clientId: string, count: number): string[] {
    const jtis = Array.from({ length: count }, (_, index) => `evt_${clientId}_${this.due.length + index}`);
    for (const [index, jti] of jtis.entries()) {
      this.due.push({ clientId, sequence: index + 1, jti, token: `token-of-${jti}`, pushAttempts: 0, claim: '', callbackUrl: callbackOf(clientId) });
    }
    return jtis;
  }

  async claimDuePushes(_now: Date, limit: number, claimedUntil: Date, perApp?: PerAppLimit): Promise<ClaimedPush[]> {
    const claim = `claim-${(this.claimCount += 1)}`;
    const taken: ClaimedPush[] = [];
    const allowance = (clientId: string) => (perApp ? perApp.max - (perApp.held.get(clientId) ?? 0) : limit);
    for (let rank = 0; taken.length < limit; rank += 1) {
      const byApp = new Map<string, ClaimedPush[]>();
      for (const push of this.due) byApp.set(push.clientId, [...(byApp.get(push.clientId) ?? []), push]);
      const round = [...byApp.entries()].flatMap(([clientId, pushes]) => (rank < allowance(clientId) ? pushes.slice(rank, rank + 1) : []));
      if (round.length === 0 && [...byApp.values()].every((pushes) => rank >= pushes.length)) break;
      for (const push of round.slice(0, limit - taken.length)) taken.push(push);
    }
    for (const push of taken) this.due.splice(this.due.indexOf(push), 1);
    this.claims.push({ limit, claimedUntil, perApp: perApp && { max: perApp.max, held: new Map(perApp.held) }, got: taken.length });
    return taken.map((push) => ({ ...push, claim }));
  }

  async recordPushResults(results: readonly PushResult[]): Promise<ReadonlySet<string>> {
    if (this.failRecording) throw new Error('database unavailable');
    this.batches.push([...results]);
    return new Set(results.filter((result) => !this.lostClaims.has(result.push.jti)).map((result) => result.push.jti));
  }

  async recordAndClaim(results: readonly PushResult[], request: ClaimRequest): Promise<{ recorded: ReadonlySet<string>; claimed: ClaimedPush[] }> {
    const recorded = await this.recordPushResults(results);
    return { recorded, claimed: await this.claimDuePushes(request.now, request.limit, request.claimedUntil, request.perApp) };
  }

  recordedJtis(): string[] {
    return this.batches.flat().map((result) => result.push.jti);
  }
}

/** Receivers of every app: each push waits until the test answers it; counts what is in flight per app. */
class Receivers {
  readonly waiting: Array<{ clientId: string; jti: string; answer: (status: number) => void }> = [];
  readonly mostInFlight = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();

  readonly send: SendPush = (callbackUrl, token) => {
    const clientId = new URL(callbackUrl).hostname.replace('.example', '');
    const count = (this.inFlight.get(clientId) ?? 0) + 1;
    this.inFlight.set(clientId, count);
    this.mostInFlight.set(clientId, Math.max(count, this.mostInFlight.get(clientId) ?? 0));
    return new Promise((resolve) => {
      this.waiting.push({
        clientId,
        jti: token.replace('token-of-', ''),
        answer: (httpStatus) => {
          this.inFlight.set(clientId, (this.inFlight.get(clientId) ?? 1) - 1);
          resolve({ attemptedAt: NOW, callbackUrl, httpStatus, error: null, latencyMs: 3 });
        },
      });
    });
  };

  /** Answers every waiting push of the app (202 by default); how many. */
  answerAll(clientId: string, status = 202): number {
    const answered = this.waiting.filter((push) => push.clientId === clientId);
    for (const push of answered) {
      this.waiting.splice(this.waiting.indexOf(push), 1);
      push.answer(status);
    }
    return answered.length;
  }

  waitingOf(clientId: string): number {
    return this.waiting.filter((push) => push.clientId === clientId).length;
  }
}

function pipelineOf(store: InMemoryPushStore, receivers: Receivers, options: Partial<EventPushWorker> = {}): EventPushPipeline {
  return new EventPushPipeline({
    store,
    send: receivers.send,
    policy: DEFAULT_PUSH_RETRY_POLICY,
    concurrency: 8,
    concurrencyPerApp: 3,
    recordBatchSize: 4,
    claimMs: CLAIM_MS,
    ...options,
  });
}

/** Lets the answered pushes' continuations run. */
function settleMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

test('app A’s receiver hangs, B’s answers → A holds its 3 slots, B’s 6 events are claimed as slots free, pushed and recorded; A’s 4th waits', async () => {
  const store = new InMemoryPushStore();
  const receivers = new Receivers();
  const pipeline = pipelineOf(store, receivers, { concurrency: 6, concurrencyPerApp: 3 });
  store.raise('app_a', 4);
  const bJtis = store.raise('app_b', 6);
  assert.deepEqual(await pipeline.step(NOW), { claimed: 6, delivered: 0, retrying: 0, failed: 0, stopped: 0, lost: 0 });
  assert.deepEqual([receivers.waitingOf('app_a'), receivers.waitingOf('app_b')], [3, 3]);
  assert.equal(receivers.answerAll('app_b'), 3);
  await settleMicrotasks();
  const second = await pipeline.step(new Date(NOW.getTime() + 100));
  assert.deepEqual(second, { claimed: 3, delivered: 3, retrying: 0, failed: 0, stopped: 0, lost: 0 });
  assert.deepEqual(store.claims[1]?.perApp?.held, new Map([['app_a', 3]]), 'the claim is told what the process holds: A at its cap, B’s slots freed');
  assert.deepEqual([receivers.waitingOf('app_a'), receivers.waitingOf('app_b')], [3, 3], 'B’s next 3 are pushed while A still hangs');
  receivers.answerAll('app_b');
  await settleMicrotasks();
  await pipeline.step(new Date(NOW.getTime() + 200));
  assert.deepEqual(store.recordedJtis().sort(), [...bJtis].sort(), 'every event of B recorded; none of A');
  assert.equal(store.due.filter((push) => push.clientId === 'app_a').length, 1, 'A’s 4th is not claimed while A holds its cap');
  assert.equal(pipeline.claimsHeld, 3);
});

test('a flood of A (30 events) and 5 each of B and C through many steps, concurrency 8 and 3 per app → never more than 3 of one app in flight; all delivered', async () => {
  const store = new InMemoryPushStore();
  const receivers = new Receivers();
  const pipeline = pipelineOf(store, receivers, { concurrency: 8, concurrencyPerApp: 3 });
  store.raise('app_a', 30);
  store.raise('app_b', 5);
  store.raise('app_c', 5);
  for (let step = 0; step < 40 && (store.due.length > 0 || pipeline.claimsHeld > 0); step += 1) {
    await pipeline.step(new Date(NOW.getTime() + step * 10));
    for (const claim of store.claims.slice(-1)) {
      for (const [, held] of claim.perApp?.held ?? []) assert.ok(held <= 3);
    }
    receivers.answerAll(['app_a', 'app_b', 'app_c'][step % 3] ?? 'app_a');
    await settleMicrotasks();
  }
  assert.deepEqual(Object.fromEntries(receivers.mostInFlight), { app_a: 3, app_b: 3, app_c: 3 });
  assert.equal(pipeline.totals.delivered, 40);
  assert.equal(store.recordedJtis().length, 40);
  assert.ok(
    store.claims.every((claim) => claim.perApp?.max === 3 && claim.limit <= 8),
    'each claim asks for the free slots only, with the per-app cap',
  );
});

test('10 pushes finishing one by one, batch 4 → a step within 25 ms, at once from the 4th (a batch); then 6 held → at once from the 3rd (half of them); one batch per step', async () => {
  const store = new InMemoryPushStore();
  const receivers = new Receivers();
  const pipeline = pipelineOf(store, receivers, { concurrency: 16, concurrencyPerApp: 16, recordBatchSize: 4 });
  const wanted: number[] = [];
  pipeline.whenReady((withinMs) => wanted.push(withinMs));
  store.raise('app_a', 10);
  await pipeline.step(NOW);
  const answerOne = async () => {
    receivers.waiting.shift()?.answer(202);
    await settleMicrotasks();
  };
  for (let index = 0; index < 4; index += 1) await answerOne();
  assert.deepEqual(wanted, [RESULT_COALESCE_MS, RESULT_COALESCE_MS, RESULT_COALESCE_MS, 0]);
  await pipeline.step(new Date(NOW.getTime() + 20));
  assert.deepEqual(
    store.batches.map((batch) => batch.length),
    [4],
  );
  for (let index = 0; index < 6; index += 1) await answerOne();
  assert.deepEqual(wanted.slice(4), [RESULT_COALESCE_MS, RESULT_COALESCE_MS, 0, 0, 0, 0]);
  await pipeline.step(new Date(NOW.getTime() + 40));
  assert.deepEqual(
    store.batches.map((batch) => batch.length),
    [4, 6],
  );
  assert.deepEqual(pipeline.totals, { claimed: 10, delivered: 10, retrying: 0, failed: 0, stopped: 0, lost: 0 });
});

test('one app at its cap of 4, batch 16 → a step at once when 2 of its 4 have finished: its slots refill without waiting for a batch it cannot reach', async () => {
  const store = new InMemoryPushStore();
  const receivers = new Receivers();
  const pipeline = pipelineOf(store, receivers, { concurrency: 32, concurrencyPerApp: 4, recordBatchSize: 16 });
  const wanted: number[] = [];
  pipeline.whenReady((withinMs) => wanted.push(withinMs));
  store.raise('app_a', 10);
  assert.equal((await pipeline.step(NOW)).claimed, 4);
  receivers.waiting.shift()?.answer(202);
  await settleMicrotasks();
  receivers.waiting.shift()?.answer(202);
  await settleMicrotasks();
  assert.deepEqual(wanted, [RESULT_COALESCE_MS, 0]);
  assert.deepEqual(await pipeline.step(new Date(NOW.getTime() + 5)), { claimed: 2, delivered: 2, retrying: 0, failed: 0, stopped: 0, lost: 0 });
  assert.equal(receivers.waitingOf('app_a'), 4);
});

test('answers 202, 500 and a lost claim → delivered, retrying at now + 30 s, lost; the claims are until now + the claim time', async () => {
  const store = new InMemoryPushStore();
  const receivers = new Receivers();
  const pipeline = pipelineOf(store, receivers, { random: () => 0.5 });
  const [ok, retry, lost] = store.raise('app_a', 3);
  store.lostClaims.add(lost ?? '');
  await pipeline.step(NOW);
  assert.equal(store.claims[0]?.claimedUntil.getTime(), NOW.getTime() + CLAIM_MS);
  for (const push of [...receivers.waiting]) push.answer(push.jti === retry ? 500 : 202);
  receivers.waiting.length = 0;
  await settleMicrotasks();
  await pipeline.settle();
  assert.deepEqual(pipeline.totals, { claimed: 3, delivered: 1, retrying: 1, failed: 0, stopped: 0, lost: 1 });
  const decisions = Object.fromEntries(store.batches.flat().map((result) => [result.push.jti, result.decision]));
  assert.deepEqual(decisions[ok ?? ''], { state: 'delivered' });
  assert.deepEqual(decisions[retry ?? ''], { state: 'pending', nextPushAt: new Date(NOW.getTime() + 30_000) });
  assert.equal(pipeline.claimsHeld, 0, 'a lost claim frees its slot too');
});

test('the database fails while recording → the step fails, the results stay held (no slot freed, nothing claimed); the next step records them', async () => {
  const store = new InMemoryPushStore();
  const receivers = new Receivers();
  const pipeline = pipelineOf(store, receivers, { concurrency: 2, concurrencyPerApp: 2 });
  store.raise('app_a', 4);
  await pipeline.step(NOW);
  receivers.answerAll('app_a');
  await settleMicrotasks();
  store.failRecording = true;
  await assert.rejects(pipeline.step(new Date(NOW.getTime() + 10)), /database unavailable/);
  assert.equal(pipeline.claimsHeld, 2);
  assert.equal(store.claims.length, 1, 'no claim while the results wait');
  store.failRecording = false;
  assert.deepEqual(await pipeline.step(new Date(NOW.getTime() + 20)), { claimed: 2, delivered: 2, retrying: 0, failed: 0, stopped: 0, lost: 0 });
});

test('stop while A hangs and B is in flight → nothing more claimed; B recorded as it answers; at give-up A is abandoned (not recorded), and stays so', async () => {
  const store = new InMemoryPushStore();
  const receivers = new Receivers();
  const pipeline = pipelineOf(store, receivers, { concurrency: 4, concurrencyPerApp: 2 });
  store.raise('app_a', 2);
  const bJtis = store.raise('app_b', 4);
  await pipeline.step(NOW);
  let giveUp: () => void = () => undefined;
  const stopped = pipeline.stop(new Promise<void>((resolve) => (giveUp = resolve)));
  receivers.answerAll('app_b');
  await settleMicrotasks();
  await settleMicrotasks();
  assert.deepEqual(store.recordedJtis(), bJtis.slice(0, 2), 'B’s results are recorded at once while stopping');
  assert.equal(await pipeline.step(new Date(NOW.getTime() + 10)).then((run) => run.claimed), 0, 'a stopping pipeline claims nothing');
  giveUp();
  assert.equal(await stopped, 2, 'A’s two pushes abandoned');
  receivers.answerAll('app_a');
  await settleMicrotasks();
  await pipeline.step(new Date(NOW.getTime() + 20));
  assert.equal(store.recordedJtis().length, 2, 'an abandoned push that answers later is not recorded: its claim expires');
  assert.equal(store.claims.length, 1);
});

test('stop with pushes in flight and no give-up → resolves once they answered and are recorded; none abandoned', async () => {
  const store = new InMemoryPushStore();
  const receivers = new Receivers();
  const pipeline = pipelineOf(store, receivers);
  store.raise('app_a', 3);
  await pipeline.step(NOW);
  const stopped = pipeline.stop();
  setImmediate(() => receivers.answerAll('app_a'));
  assert.equal(await stopped, 0);
  assert.equal(store.recordedJtis().length, 3);
});
