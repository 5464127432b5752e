// Proves on the database under test that each due push is claimed by exactly one claimer at a time, even from two
// connections (two processes) at once; that a claim takes apps round-robin and no app beyond its allowance; that a claim expires; that an attempt and its outcome are recorded together
// and only under the claim they were made under; and that the callback URL is the subscription's at claim time.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { PushAttempt, PushDecision } from '../../domain/events/event-push.js';
import type { ClaimedPush } from '../../domain/events/event-push-store.js';
import { EventType } from '../../domain/events/event-types.js';
import { testEventOutbox } from '../../../test/support/event-outbox.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { migrateDatabase, openDatabase, type Database } from '../data-source.js';
import type { EventDeliveryAttemptRow, EventNotificationRow } from '../entities/event.entity.js';
import { inTransaction } from '../transactions.js';
import type { EventOutboxWriter } from './event-outbox-writer.js';
import { SqlEventPushStore } from './event-push-store.js';
import { TypeOrmEventSubscriptionStore } from './event-subscription-store.js';

const CALLBACK = 'https://tpp.example/open-banking/v4.0/event-notifications';
const T0 = new Date('2030-01-01T00:00:00.000Z');
const CLAIM_MS = 70_000;

let testDatabase: TestDatabase;
/** Two "processes": each its own connection (pool) to the same database. */
let first: Database;
let second: Database;
let outbox: EventOutboxWriter;

before(async () => {
  testDatabase = await createTestDatabase();
  first = await openDatabase(testDatabase.config, { poolSize: 5 });
  await migrateDatabase(first);
  second = await openDatabase(testDatabase.config, { poolSize: 5 });
  outbox = await testEventOutbox();
});
after(async () => {
  await first.dataSource.destroy();
  await second.dataSource.destroy();
  await testDatabase.drop();
});

function storeOf(database: Database): SqlEventPushStore {
  return new SqlEventPushStore(database.dataSource, database.dialect);
}

async function subscribe(clientId: string, callbackUrl: string | null = CALLBACK): Promise<void> {
  await new TypeOrmEventSubscriptionStore(first.dataSource).insert({
    id: `evs_${clientId}`,
    clientId,
    callbackUrl,
    version: '4.0',
    eventTypes: null,
    createdAt: T0,
    updatedAt: T0,
  });
}

/** Raises `count` events for the app at `at` (due for a push then, when it has a callback URL); their jtis. */
async function raise(clientId: string, count: number, at = T0): Promise<string[]> {
  const drafts = Array.from({ length: count }, (_, index) => ({
    clientId,
    resource: { type: 'domestic-payment' as const, id: `pmt_${index}` },
    events: [EventType.ResourceUpdate],
    interactionId: null,
    occurredAt: at,
  }));
  await inTransaction(first.dataSource, (manager) => outbox.appendWithin(manager, drafts, at));
  return (await eventsOf(clientId)).map((event) => event.jti);
}

function eventsOf(clientId: string): Promise<EventNotificationRow[]> {
  return first.dataSource.getRepository<EventNotificationRow>('EventNotification').find({ where: { clientId }, order: { sequence: 'ASC' } });
}

function attemptsOf(jti: string): Promise<EventDeliveryAttemptRow[]> {
  return first.dataSource.getRepository<EventDeliveryAttemptRow>('EventDeliveryAttempt').find({ where: { jti }, order: { attempt: 'ASC' } });
}

function attempt(httpStatus: number | null, at = T0): PushAttempt {
  return {
    attemptedAt: at,
    callbackUrl: CALLBACK,
    httpStatus,
    error: httpStatus === null ? 'ECONNREFUSED: connection refused' : null,
    latencyMs: 12,
  };
}

function later(ms: number): Date {
  return new Date(T0.getTime() + ms);
}

async function claimAll(database: Database, clientId: string, now: Date): Promise<ClaimedPush[]> {
  return (await storeOf(database).claimDuePushes(now, 100, new Date(now.getTime() + CLAIM_MS))).filter((push) => push.clientId === clientId);
}

test('a due event → claimed with its token and the subscription callback; claimed again before the claim expires → nothing; after → claimed anew', async () => {
  await subscribe('cli_claim');
  const [jti] = await raise('cli_claim', 1);
  const [claimed, ...more] = await claimAll(first, 'cli_claim', T0);
  assert.equal(more.length, 0);
  assert.equal(claimed?.jti, jti);
  assert.equal(claimed?.callbackUrl, CALLBACK);
  assert.equal(claimed?.pushAttempts, 0);
  assert.match(claimed?.token ?? '', /^ey[\w-]+\.[\w-]+\.[\w-]+$/);
  assert.deepEqual(await claimAll(second, 'cli_claim', later(CLAIM_MS - 1)), []);
  const [again] = await claimAll(second, 'cli_claim', later(CLAIM_MS + 1));
  assert.equal(again?.jti, jti);
  assert.notEqual(again?.claim, claimed?.claim);
});

test('an event not yet due, one without callback URL → not claimed', async () => {
  await subscribe('cli_future');
  await raise('cli_future', 1, later(60_000));
  assert.deepEqual(await claimAll(first, 'cli_future', T0), []);
  await raise('cli_polling', 1);
  assert.equal((await eventsOf('cli_polling'))[0]?.pushState, 'none');
  assert.deepEqual(await claimAll(first, 'cli_polling', T0), []);
});

test('60 due events claimed 5 at a time by 12 claimers on two connections at once → every event claimed exactly once', async () => {
  await subscribe('cli_race');
  const jtis = await raise('cli_race', 60);
  const claims = await Promise.all(
    Array.from({ length: 12 }, (_, index) => storeOf(index % 2 === 0 ? first : second).claimDuePushes(T0, 5, later(CLAIM_MS))),
  );
  const claimed = claims.flat().filter((push) => push.clientId === 'cli_race');
  assert.equal(claimed.length, 60);
  assert.deepEqual(claimed.map((push) => push.jti).sort(), [...jtis].sort());
  assert.equal(new Set(claims.flatMap((batch) => batch.map((push) => push.claim))).size, claims.filter((batch) => batch.length > 0).length);
});

/**
 * Raises `count` events of each app from `at`, the apps in turn, so that their due times interleave. (The tests of
 * claim order each use an earlier time than the one before, so that none finds another's events due.)
 */
async function raiseInTurn(counts: Record<string, number>, at: Date): Promise<void> {
  for (const clientId of Object.keys(counts)) await subscribe(clientId);
  for (let round = 0; round < Math.max(...Object.values(counts)); round += 1) {
    for (const [clientId, count] of Object.entries(counts)) {
      if (round < count) await raise(clientId, 1, new Date(at.getTime() + round * 1_000));
    }
  }
}

/** Counts claimed pushes per app. */
function perApp(claimed: readonly ClaimedPush[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const push of claimed) counts[push.clientId] = (counts[push.clientId] ?? 0) + 1;
  return counts;
}

test('a flood of one app (12 due, the oldest) and 2 due of two others, limit 6 → round-robin: each app’s oldest first, 2 of each', async () => {
  const at = new Date('2029-03-01T00:00:00Z');
  await subscribe('cli_flood');
  await raise('cli_flood', 12, new Date(at.getTime() - 60_000));
  await raiseInTurn({ cli_quiet_1: 2, cli_quiet_2: 2 }, at);
  const claimed = await storeOf(first).claimDuePushes(new Date(at.getTime() + 60_000), 6, new Date(at.getTime() + CLAIM_MS));
  assert.deepEqual(perApp(claimed), { cli_flood: 2, cli_quiet_1: 2, cli_quiet_2: 2 });
  const floodSequences = claimed.filter((push) => push.clientId === 'cli_flood').map((push) => Number(push.sequence));
  assert.deepEqual(
    floodSequences.sort((a, b) => a - b),
    [1, 2],
    'an app’s oldest events first',
  );
});

test('per-app allowance 3, the flooding app already holding 2 → a claim of 10 takes 1 more of it and every due event of the others', async () => {
  const at = new Date('2029-02-01T00:00:00Z');
  await subscribe('cli_flood_held');
  await raise('cli_flood_held', 12, new Date(at.getTime() - 60_000));
  await raiseInTurn({ cli_other_1: 3, cli_other_2: 1 }, at);
  const held = new Map([
    ['cli_flood_held', 2],
    ['cli_other_2', 0],
  ]);
  const claimed = await storeOf(first).claimDuePushes(new Date(at.getTime() + 60_000), 10, new Date(at.getTime() + CLAIM_MS), { max: 3, held });
  assert.deepEqual(perApp(claimed), { cli_flood_held: 1, cli_other_1: 3, cli_other_2: 1 });
  const full = await storeOf(second).claimDuePushes(new Date(at.getTime() + 60_000), 10, new Date(at.getTime() + CLAIM_MS), {
    max: 3,
    held: new Map([['cli_flood_held', 3]]),
  });
  assert.deepEqual(perApp(full), {}, 'an app holding its allowance gets nothing more');
});

test('two claimers (two connections) racing for the same 16 due events, 8 each → each gets 8, every event claimed once', async () => {
  const at = new Date('2029-01-01T00:00:00Z');
  await raiseInTurn({ cli_race_a: 8, cli_race_b: 8 }, at);
  const claims = await Promise.all(
    [first, second].map((database) =>
      storeOf(database).claimDuePushes(new Date(at.getTime() + 60_000), 8, new Date(at.getTime() + CLAIM_MS), { max: 8, held: new Map() }),
    ),
  );
  assert.deepEqual(
    claims.map((batch) => batch.length),
    [8, 8],
  );
  assert.equal(new Set(claims.flat().map((push) => push.jti)).size, 16);
});

test('recordAndClaim: the results of 2 claimed events and a claim of 3 more with 1 allowed per app → both recorded, one more of the app and one of another claimed, in one call', async () => {
  const at = new Date('2028-12-01T00:00:00Z');
  await raiseInTurn({ cli_step_a: 4, cli_step_b: 1 }, at);
  const now = new Date(at.getTime() + 60_000);
  const first2 = (
    await storeOf(first).claimDuePushes(now, 2, new Date(now.getTime() + CLAIM_MS), { max: 2, held: new Map([['cli_step_b', 2]]) })
  ).filter((push) => push.clientId === 'cli_step_a');
  assert.equal(first2.length, 2);
  const { recorded, claimed } = await storeOf(second).recordAndClaim(
    first2.map((push) => ({ push, attempt: attempt(202, now), decision: { state: 'delivered' as const } })),
    { now, limit: 3, claimedUntil: new Date(now.getTime() + CLAIM_MS), perApp: { max: 1, held: new Map() } },
  );
  assert.deepEqual([...recorded].sort(), first2.map((push) => push.jti).sort());
  assert.deepEqual(perApp(claimed), { cli_step_a: 1, cli_step_b: 1 });
  assert.ok(claimed.every((push) => push.callbackUrl === CALLBACK && push.claim === claimed[0]?.claim));
  const states = (await eventsOf('cli_step_a')).map((row) => row.pushState);
  assert.deepEqual(states, ['delivered', 'delivered', 'pending', 'pending']);
});

test('a 500 recorded under the claim → attempt 1 stored with status and latency, the event pending at the next time, unclaimed', async () => {
  await subscribe('cli_retry');
  const [jti] = await raise('cli_retry', 1);
  const [claimed] = await claimAll(first, 'cli_retry', T0);
  assert.ok(claimed);
  assert.equal(await recordOne(storeOf(first), claimed, attempt(500), { state: 'pending', nextPushAt: later(30_000) }), true);
  const [event] = await eventsOf('cli_retry');
  assert.equal(event?.pushState, 'pending');
  assert.equal(event?.pushAttempts, 1);
  assert.equal(event?.nextPushAt?.getTime(), later(30_000).getTime());
  assert.equal(event?.claimedUntil, null);
  assert.equal(event?.claimedBy, null);
  const [stored] = await attemptsOf(jti ?? '');
  assert.deepEqual(
    { attempt: stored?.attempt, status: stored?.httpStatus, error: stored?.error, latencyMs: stored?.latencyMs, url: stored?.callbackUrl },
    { attempt: 1, status: 500, error: null, latencyMs: 12, url: CALLBACK },
  );
  assert.equal(stored?.attemptedAt.getTime(), T0.getTime());
  assert.deepEqual(await claimAll(first, 'cli_retry', later(29_999)), []);
  const [retry] = await claimAll(first, 'cli_retry', later(30_000));
  assert.equal(retry?.pushAttempts, 1);
  assert.equal(await recordOne(storeOf(first), retry, attempt(202, later(30_000)), { state: 'delivered' }), true);
  assert.deepEqual(
    (await eventsOf('cli_retry')).map((row) => [row.pushState, row.pushAttempts, row.nextPushAt]),
    [['delivered', 2, null]],
  );
  assert.deepEqual(
    (await attemptsOf(jti ?? '')).map((row) => [row.attempt, row.httpStatus]),
    [
      [1, 500],
      [2, 202],
    ],
  );
});

test('a connection error on the last attempt → recorded with its error text, the event failed', async () => {
  await subscribe('cli_fail');
  const [jti] = await raise('cli_fail', 1);
  const [claimed] = await claimAll(first, 'cli_fail', T0);
  assert.equal(await recordOne(storeOf(first), claimed as ClaimedPush, attempt(null), { state: 'failed' }), true);
  assert.deepEqual(
    (await eventsOf('cli_fail')).map((row) => [row.pushState, row.nextPushAt]),
    [['failed', null]],
  );
  assert.deepEqual(
    (await attemptsOf(jti ?? '')).map((row) => [row.httpStatus, row.error]),
    [[null, 'ECONNREFUSED: connection refused']],
  );
  assert.deepEqual(await claimAll(first, 'cli_fail', later(10 * 3_600_000)), []);
});

test('a claim that expired and was taken by another process → its result is not recorded; the new claim is', async () => {
  await subscribe('cli_slow');
  const [jti] = await raise('cli_slow', 1);
  const [stale] = await claimAll(first, 'cli_slow', T0);
  const [fresh] = await claimAll(second, 'cli_slow', later(CLAIM_MS + 1));
  assert.equal(await recordOne(storeOf(first), stale as ClaimedPush, attempt(202), { state: 'delivered' }), false);
  assert.deepEqual(await attemptsOf(jti ?? ''), []);
  assert.equal(await recordOne(storeOf(second), fresh as ClaimedPush, attempt(202), { state: 'delivered' }), true);
  assert.deepEqual(
    (await attemptsOf(jti ?? '')).map((row) => row.attempt),
    [1],
  );
});

test("one run's results in one batch: delivered, two retries at different times, failed, stopped, and a lost claim → each recorded as decided, the lost one not at all", async () => {
  await subscribe('cli_batch');
  await raise('cli_batch', 6);
  const claimed = await claimAll(first, 'cli_batch', T0);
  assert.equal(claimed.length, 6);
  const [ok, soon, later60, last, nowhere, lost] = claimed as [ClaimedPush, ClaimedPush, ClaimedPush, ClaimedPush, ClaimedPush, ClaimedPush];
  const taken = { ...lost, claim: 'another-claim' };
  const recorded = await storeOf(first).recordPushResults([
    { push: ok, attempt: attempt(202), decision: { state: 'delivered' } },
    { push: soon, attempt: attempt(500), decision: { state: 'pending', nextPushAt: later(30_000) } },
    { push: later60, attempt: attempt(503), decision: { state: 'pending', nextPushAt: later(60_000) } },
    { push: last, attempt: attempt(null), decision: { state: 'failed' } },
    { push: nowhere, attempt: null, decision: { state: 'none' } },
    { push: taken, attempt: attempt(202), decision: { state: 'delivered' } },
  ]);
  assert.deepEqual([...recorded].sort(), [ok, soon, later60, last, nowhere].map((push) => push.jti).sort());
  const rows = new Map(
    (await eventsOf('cli_batch')).map((row) => [row.jti, [row.pushState, row.pushAttempts, row.nextPushAt?.getTime() ?? null, row.claimedBy]]),
  );
  assert.deepEqual(rows.get(ok.jti), ['delivered', 1, null, null]);
  assert.deepEqual(rows.get(soon.jti), ['pending', 1, later(30_000).getTime(), null]);
  assert.deepEqual(rows.get(later60.jti), ['pending', 1, later(60_000).getTime(), null]);
  assert.deepEqual(rows.get(last.jti), ['failed', 1, null, null]);
  assert.deepEqual(rows.get(nowhere.jti), ['none', 0, null, null]);
  assert.deepEqual(rows.get(lost.jti), ['pending', 0, T0.getTime(), lost.claim], 'the lost claim leaves the event as the other claim holds it');
  for (const push of [ok, soon, later60, last]) assert.equal((await attemptsOf(push.jti)).length, 1);
  for (const push of [nowhere, lost]) assert.deepEqual(await attemptsOf(push.jti), []);
});

test('the subscription deleted, or its callback URL removed, after the event was raised → claimed with no callback; stopping it leaves the event to polling', async () => {
  await subscribe('cli_gone');
  await raise('cli_gone', 1);
  await new TypeOrmEventSubscriptionStore(first.dataSource).delete('cli_gone', 'evs_cli_gone');
  await subscribe('cli_polls');
  await raise('cli_polls', 1);
  await new TypeOrmEventSubscriptionStore(first.dataSource).update({
    id: 'evs_cli_polls',
    clientId: 'cli_polls',
    callbackUrl: null,
    version: '4.0',
    eventTypes: null,
    createdAt: T0,
    updatedAt: T0,
  });
  const claims = await storeOf(first).claimDuePushes(T0, 100, later(CLAIM_MS));
  for (const clientId of ['cli_gone', 'cli_polls']) {
    const claimed = claims.find((push) => push.clientId === clientId);
    assert.equal(claimed?.callbackUrl, null);
    assert.equal((await storeOf(first).recordPushResults([{ push: claimed, attempt: null, decision: { state: 'none' } }])).size, 1);
    assert.deepEqual(
      (await eventsOf(clientId)).map((row) => [row.pushState, row.pushAttempts, row.nextPushAt, row.claimedBy]),
      [['none', 0, null, null]],
    );
  }
});

/** Records one push's attempt as a run of one; true when it was recorded under its claim. */
async function recordOne(store: SqlEventPushStore, push: ClaimedPush | undefined, attempt: PushAttempt, decision: PushDecision): Promise<boolean> {
  assert.ok(push);
  return (await store.recordPushResults([{ push, attempt, decision }])).has(push.jti);
}
