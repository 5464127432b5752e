// Proves on the database under test that browser sessions are stored, found only under their kind, extended and deleted, and that housekeeping purges expired sessions and sandbox mail older than 30 days while keeping the rest.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import type { SessionKind, WebSession } from '../../domain/auth/web-session.js';
import { newId } from '../../domain/ids.js';
import { migrateDatabase, openDatabase, type Database } from '../data-source.js';
import type { OutboundMailRow } from '../entities/portal.entity.js';
import { purgeExpiredRows } from '../housekeeping.js';
import { TypeOrmMailOutbox } from './mail-outbox.js';
import { TypeOrmWebSessionStore } from './web-session-store.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

let testDatabase: TestDatabase;
let database: Database;
let sessions: TypeOrmWebSessionStore;

before(async () => {
  testDatabase = await createTestDatabase();
  database = await openDatabase(testDatabase.config);
  await migrateDatabase(database);
  sessions = new TypeOrmWebSessionStore(database.dataSource);
});
after(async () => {
  await database.dataSource.destroy();
  await testDatabase.drop();
});

/** A session created at `createdAt` that ends `lifetimeMs` later (idle expiry 10 minutes in, capped by it). */
function session(kind: SessionKind, createdAt: Date, lifetimeMs = HOUR_MS): WebSession {
  return {
    idHash: newId('key').slice(4),
    kind,
    subjectId: kind === 'partner' ? newId('usr') : 'cus_sandbox_alice',
    createdAt,
    expiresAt: new Date(createdAt.getTime() + lifetimeMs),
    idleExpiresAt: new Date(createdAt.getTime() + Math.min(10 * MINUTE_MS, lifetimeMs)),
  };
}

test('insert then find with its kind → the session with every field; with the other kind or an unknown hash → null', async () => {
  const partner = session('partner', new Date('2025-11-20T10:00:00.125Z'));
  await sessions.insert(partner);
  assert.deepEqual(await sessions.find(partner.idHash, 'partner'), partner);
  assert.equal(await sessions.find(partner.idHash, 'customer'), null);
  assert.equal(await sessions.find('unknown-hash', 'partner'), null);
});

test('extend → only the idle expiry moves', async () => {
  const customer = session('customer', new Date('2025-11-20T10:00:00.000Z'));
  await sessions.insert(customer);
  const idleExpiresAt = new Date('2025-11-20T10:20:00.500Z');
  await sessions.extend(customer.idHash, idleExpiresAt);
  assert.deepEqual(await sessions.find(customer.idHash, 'customer'), { ...customer, idleExpiresAt });
});

test('delete → the session is gone; deleting it again or an unknown hash → no error', async () => {
  const partner = session('partner', new Date());
  const other = session('partner', new Date());
  await sessions.insert(partner);
  await sessions.insert(other);
  await sessions.delete(partner.idHash);
  assert.equal(await sessions.find(partner.idHash, 'partner'), null);
  await sessions.delete(partner.idHash);
  await sessions.delete('unknown-hash');
  assert.deepEqual(await sessions.find(other.idHash, 'partner'), other, 'other sessions are kept');
});

test('purgeExpiredRows → web sessions that ended over an hour ago deleted, live ones kept', async () => {
  const now = new Date();
  const longExpired = session('partner', new Date(now.getTime() - 3 * HOUR_MS), HOUR_MS);
  const live = session('customer', new Date(now.getTime() - 30 * MINUTE_MS), HOUR_MS);
  for (const item of [longExpired, live]) await sessions.insert(item);
  const deleted = await purgeExpiredRows(database, now);
  assert.ok(deleted >= 1);
  assert.equal(await sessions.find(longExpired.idHash, 'partner'), null);
  assert.deepEqual(await sessions.find(live.idHash, 'customer'), live);
});

test('purgeExpiredRows → sandbox mail older than 30 days deleted, younger mail kept', async () => {
  const now = new Date();
  const outbox = new TypeOrmMailOutbox(database.dataSource);
  const mail = (id: string, ageMs: number) => ({
    id,
    recipient: 'dev@partner.example.com',
    subject: 'Confirm',
    text: 'Hello',
    createdAt: new Date(now.getTime() - ageMs),
  });
  await outbox.send(mail('msg_old', 30 * DAY_MS + MINUTE_MS));
  await outbox.send(mail('msg_very_old', 90 * DAY_MS));
  await outbox.send(mail('msg_recent', 30 * DAY_MS - MINUTE_MS));
  await outbox.send(mail('msg_today', HOUR_MS));
  await purgeExpiredRows(database, now);
  const left = await database.dataSource.getRepository<OutboundMailRow>('OutboundMail').find({ order: { id: 'ASC' } });
  assert.deepEqual(
    left.map((row) => row.id),
    ['msg_recent', 'msg_today'],
  );
  assert.deepEqual(
    (await outbox.listFor('dev@partner.example.com', 10)).map((row) => row.id),
    ['msg_today', 'msg_recent'],
  );
});

test('purgeExpiredRows with a batch size smaller than the rows to delete → every expired row deleted', async () => {
  const now = new Date();
  const expired = Array.from({ length: 7 }, () => session('partner', new Date(now.getTime() - 5 * HOUR_MS), HOUR_MS));
  for (const item of expired) await sessions.insert(item);
  const deleted = await purgeExpiredRows(database, now, { batchSize: 2 });
  assert.ok(deleted >= 7, String(deleted));
  for (const item of expired) assert.equal(await sessions.find(item.idHash, 'partner'), null);
});
