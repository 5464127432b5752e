// Proves on the database under test that events are written only with the change they report (a rolled-back transaction leaves none), numbered per app after their commit without gap or duplicate even under concurrent writers (which, on MySQL, do not wait for each other), numbered by the sweep when their process died before numbering them, filtered by the app's subscription, pending a push only where there is a callback URL, and signed as valid SETs.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { jwtVerify, type CryptoKey } from 'jose';
import type { EventDraft } from '../../domain/events/event-notification.js';
import { EventType } from '../../domain/events/event-types.js';
import { SchemaRegistry } from '../../validation/schema-registry.js';
import { TEST_EVENT_ISSUER, testEventSigning } from '../../../test/support/event-outbox.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { migrateDatabase, openDatabase, type Database } from '../data-source.js';
import type { EventNotificationRow } from '../entities/event.entity.js';
import { inTransaction } from '../transactions.js';
import type { EventOutboxWriter } from './event-outbox-writer.js';
import { TypeOrmEventSubscriptionStore } from './event-subscription-store.js';

let testDatabase: TestDatabase;
let database: Database;
let outbox: EventOutboxWriter;
let verifyKey: CryptoKey;
const schemas = SchemaRegistry.load();

before(async () => {
  testDatabase = await createTestDatabase();
  database = await openDatabase(testDatabase.config, { poolSize: 10 });
  await migrateDatabase(database);
  ({ outbox, verifyKey } = await testEventSigning());
});
after(async () => {
  await database.dataSource.destroy();
  await testDatabase.drop();
});

function draft(clientId: string, events: EventDraft['events'] = [EventType.ResourceUpdate], id = 'pmt_1'): EventDraft {
  return { clientId, resource: { type: 'domestic-payment', id }, events, interactionId: null, occurredAt: new Date('2030-01-01T00:00:00Z') };
}

function append(drafts: EventDraft[]): Promise<void> {
  return inTransaction(database.dataSource, (manager) => outbox.appendWithin(manager, drafts, new Date()));
}

function eventsOf(clientId: string): Promise<EventNotificationRow[]> {
  return database.dataSource.getRepository<EventNotificationRow>('EventNotification').find({ where: { clientId }, order: { sequence: 'ASC' } });
}

test('two events for one app and one for another → sequences 1, 2 and 1; each a SET signed PS256 with typ secevent+jwt, valid against the data dictionary', async () => {
  await append([draft('cli_a'), draft('cli_b'), draft('cli_a', [EventType.ResourceUpdate], 'pmt_2')]);
  const events = await eventsOf('cli_a');
  assert.deepEqual(
    events.map((event) => [Number(event.sequence), event.resourceId, event.pushState]),
    [
      [1, 'pmt_1', 'none'],
      [2, 'pmt_2', 'none'],
    ],
  );
  assert.deepEqual(
    (await eventsOf('cli_b')).map((event) => Number(event.sequence)),
    [1],
  );
  const { payload, protectedHeader } = await jwtVerify(events[0]?.token ?? '', verifyKey, {
    issuer: TEST_EVENT_ISSUER,
    audience: 'cli_a',
    typ: 'secevent+jwt',
  });
  assert.equal(protectedHeader.alg, 'PS256');
  assert.equal(payload.jti, events[0]?.jti);
  assert.equal(payload.txn, payload.jti);
  assert.equal(payload.sub, `${TEST_EVENT_ISSUER}/open-banking/v4.0/pisp/domestic-payments/pmt_1`);
  assert.equal(payload.toe, Date.parse('2030-01-01T00:00:00Z') / 1000);
  assert.deepEqual(schemas.validateResponse('OBEventNotification2', payload), []);
});

test('a transaction that rolls back after writing an event → no event, and the next one takes the number it would have had', async () => {
  await assert.rejects(
    inTransaction(database.dataSource, async (manager) => {
      await outbox.appendWithin(manager, [draft('cli_rollback')], new Date());
      throw new Error('the change failed');
    }),
    /the change failed/,
  );
  assert.deepEqual(await eventsOf('cli_rollback'), []);
  await append([draft('cli_rollback')]);
  assert.deepEqual(
    (await eventsOf('cli_rollback')).map((event) => Number(event.sequence)),
    [1],
  );
});

test('40 concurrent transactions writing events for one app → sequences 1…40, each once', async () => {
  await Promise.all(Array.from({ length: 40 }, (_, index) => append([draft('cli_busy', [EventType.ResourceUpdate], `pmt_${index}`)])));
  assert.deepEqual(
    (await eventsOf('cli_busy')).map((event) => Number(event.sequence)),
    Array.from({ length: 40 }, (_, index) => index + 1),
  );
});

test('an app subscribed to Resource-Update only, with a callback URL → a revocation is not written; a resource update is, due for a push now', async () => {
  const subscriptions = new TypeOrmEventSubscriptionStore(database.dataSource);
  const now = new Date();
  await subscriptions.insert({
    id: 'evs_1',
    clientId: 'cli_subscribed',
    callbackUrl: 'https://partner.example/open-banking/v4.0/event-notifications',
    version: '4.0',
    eventTypes: ['UK.OBIE.Resource-Update'],
    createdAt: now,
    updatedAt: now,
  });
  await append([
    draft('cli_subscribed', [EventType.ConsentAuthorizationRevoked]),
    draft('cli_subscribed', [EventType.ResourceUpdate, EventType.ConsentAuthorizationRevoked]),
  ]);
  const events = await eventsOf('cli_subscribed');
  assert.equal(events.length, 1);
  assert.equal(events[0]?.eventTypes, 'UK.OBIE.Resource-Update');
  assert.equal(events[0]?.pushState, 'pending');
  assert.ok(events[0]?.nextPushAt);
});

test(
  'a transaction that wrote an event is still open → another one writes an event of the same app and commits meanwhile; each is numbered in commit order',
  { skip: process.env.TEST_DATABASE_URL ? false : 'SQLite runs one transaction at a time' },
  async () => {
    let finish: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (finish = resolve));
    let written: () => void = () => undefined;
    const wroteFirst = new Promise<void>((resolve) => (written = resolve));
    const slow = inTransaction(database.dataSource, async (manager) => {
      await outbox.appendWithin(manager, [draft('cli_parallel', [EventType.ResourceUpdate], 'pmt_slow')], new Date());
      written();
      await held;
    });
    await wroteFirst;
    const quick = append([draft('cli_parallel', [EventType.ResourceUpdate], 'pmt_quick')]);
    const outcome = await Promise.race([quick.then(() => 'committed'), new Promise((resolve) => setTimeout(() => resolve('waited'), 3_000))]);
    finish();
    await Promise.all([slow, quick]);
    assert.equal(outcome, 'committed');
    assert.deepEqual(
      (await eventsOf('cli_parallel')).map((event) => [Number(event.sequence), event.resourceId]),
      [
        [1, 'pmt_quick'],
        [2, 'pmt_slow'],
      ],
    );
  },
);

test('an event committed but left unnumbered (its process died first) → the sweep numbers it after the app’s others', async () => {
  await append([draft('cli_straggler', [EventType.ResourceUpdate], 'pmt_numbered')]);
  const [numbered] = await eventsOf('cli_straggler');
  assert.ok(numbered);
  await database.dataSource
    .getRepository<EventNotificationRow>('EventNotification')
    .insert({ ...numbered, sequence: null, jti: 'evt_left_unnumbered', resourceId: 'pmt_unnumbered' });
  assert.ok((await outbox.sequencerOf(database.dataSource).sequenceStragglers()) >= 1);
  assert.deepEqual(
    (await eventsOf('cli_straggler')).map((event) => [Number(event.sequence), event.resourceId]),
    [
      [1, 'pmt_numbered'],
      [2, 'pmt_unnumbered'],
    ],
  );
});
