// Proves on the database under test that signing up stores an organisation and its first portal user all or nothing, that an email confirmation works once and only before it expires or is replaced, and that login attempts are counted atomically.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { newId } from '../../domain/ids.js';
import type { Partner } from '../../domain/partners/partner-app.js';
import type { EmailConfirmation, PartnerUser } from '../../domain/partners/partner-users.js';
import { migrateDatabase, openDatabase, type Database } from '../data-source.js';
import { TypeOrmPartnerStore } from './partner-store.js';
import { TypeOrmPartnerUserStore } from './partner-user-store.js';

const HOUR_MS = 3600_000;

let testDatabase: TestDatabase;
let database: Database;
let users: TypeOrmPartnerUserStore;
let sequence = 0;

before(async () => {
  testDatabase = await createTestDatabase();
  database = await openDatabase(testDatabase.config, { poolSize: 10 });
  await migrateDatabase(database);
  users = new TypeOrmPartnerUserStore(database.dataSource);
});
after(async () => {
  await database.dataSource.destroy();
  await testDatabase.drop();
});

/** A new organisation and its first user, with a unique email unless one is given. */
function signUp(email?: string): { partner: Partner; user: PartnerUser } {
  sequence += 1;
  const createdAt = new Date('2025-11-20T10:00:00.250Z');
  const partner: Partner = { id: newId('ptn'), name: `Partner ${sequence}`, status: 'active', createdAt };
  const user: PartnerUser = {
    id: newId('usr'),
    partnerId: partner.id,
    email: email ?? `dev${sequence}@partner.example.com`,
    passwordHash: 'scrypt$32768$8$1$salt$hash',
    emailConfirmedAt: null,
    failedLoginCount: 0,
    lockedUntil: null,
    createdAt,
  };
  return { partner, user };
}

/** A pending confirmation with a unique token hash, expiring `ttlMs` after `now`. */
function confirmation(now: Date, ttlMs = 24 * HOUR_MS): EmailConfirmation {
  sequence += 1;
  return { tokenHash: `hash-${sequence}-${newId('msg').slice(4)}`, expiresAt: new Date(now.getTime() + ttlMs) };
}

async function storedUser(id: string): Promise<PartnerUser> {
  const user = await users.findById(id);
  assert.ok(user, id);
  return user;
}

test('insertWithPartner → true; the user found by email and by id (without its token), the partner stored', async () => {
  const { partner, user } = signUp();
  assert.equal(await users.insertWithPartner(partner, user, confirmation(new Date())), true);
  assert.deepEqual(await users.findByEmail(user.email), user);
  assert.deepEqual(await users.findById(user.id), user);
  assert.deepEqual(await new TypeOrmPartnerStore(database.dataSource).findPartner(partner.id), partner);
  assert.equal(await users.findByEmail('nobody@partner.example.com'), null);
  assert.equal(await users.findById('usr_ünïcode'), null);
});

test('insertWithPartner with an email already registered → false, and the new partner row is not left behind', async () => {
  const first = signUp('taken@partner.example.com');
  assert.equal(await users.insertWithPartner(first.partner, first.user, confirmation(new Date())), true);
  const second = signUp('taken@partner.example.com');
  assert.equal(await users.insertWithPartner(second.partner, second.user, confirmation(new Date())), false);
  assert.equal(await new TypeOrmPartnerStore(database.dataSource).findPartner(second.partner.id), null);
  assert.equal(await users.findById(second.user.id), null);
  assert.equal((await users.findByEmail('taken@partner.example.com'))?.id, first.user.id);
});

test('confirmEmail with the pending hash → the user id and the address confirmed; the same hash again → null', async () => {
  const now = new Date();
  const { partner, user } = signUp();
  const pending = confirmation(now);
  await users.insertWithPartner(partner, user, pending);
  assert.equal(await users.confirmEmail(pending.tokenHash, now), user.id);
  assert.equal((await storedUser(user.id)).emailConfirmedAt?.getTime(), now.getTime());
  assert.equal(await users.confirmEmail(pending.tokenHash, new Date(now.getTime() + 1000)), null);
  assert.equal((await storedUser(user.id)).emailConfirmedAt?.getTime(), now.getTime(), 'the first confirmation time stays');
});

test('confirmEmail at or after the expiry → null, the address stays unconfirmed', async () => {
  const now = new Date();
  const { partner, user } = signUp();
  const pending = confirmation(now, HOUR_MS);
  await users.insertWithPartner(partner, user, pending);
  assert.equal(await users.confirmEmail(pending.tokenHash, pending.expiresAt), null);
  assert.equal(await users.confirmEmail(pending.tokenHash, new Date(pending.expiresAt.getTime() + 1)), null);
  assert.equal((await storedUser(user.id)).emailConfirmedAt, null);
  assert.equal(await users.confirmEmail(pending.tokenHash, new Date(pending.expiresAt.getTime() - 1)), user.id, 'a millisecond before, it works');
});

test('confirmEmail with an unknown hash → null', async () => {
  assert.equal(await users.confirmEmail('hash-that-was-never-mailed', new Date()), null);
});

test('replaceConfirmation → the old hash no longer confirms, the new one does', async () => {
  const now = new Date();
  const { partner, user } = signUp();
  const old = confirmation(now);
  await users.insertWithPartner(partner, user, old);
  const fresh = confirmation(now);
  await users.replaceConfirmation(user.id, fresh);
  assert.equal(await users.confirmEmail(old.tokenHash, now), null);
  assert.equal((await storedUser(user.id)).emailConfirmedAt, null);
  assert.equal(await users.confirmEmail(fresh.tokenHash, now), user.id);
});

test('5 concurrent confirmEmail with the same hash → exactly one returns the user id', async () => {
  const now = new Date();
  const { partner, user } = signUp();
  const pending = confirmation(now);
  await users.insertWithPartner(partner, user, pending);
  const results = await Promise.all(Array.from({ length: 5 }, () => users.confirmEmail(pending.tokenHash, now)));
  assert.deepEqual(
    results.filter((result) => result !== null),
    [user.id],
  );
});

test('20 concurrent login attempts with 5 allowed → exactly 5 reserved; exhausting them locks with a fresh count; a success clears the count', async () => {
  const now = new Date();
  const { partner, user } = signUp();
  await users.insertWithPartner(partner, user, confirmation(now));
  const reserved = await Promise.all(Array.from({ length: 20 }, () => users.reserveLoginAttempt(user.id, now, 5)));
  assert.equal(reserved.filter(Boolean).length, 5);
  assert.equal((await storedUser(user.id)).failedLoginCount, 5);

  const lockUntil = new Date(now.getTime() + 15 * 60_000);
  assert.equal(await users.lockIfAttemptsExhausted(user.id, 5, lockUntil), true);
  const locked = await storedUser(user.id);
  assert.equal(locked.failedLoginCount, 0);
  assert.equal(locked.lockedUntil?.getTime(), lockUntil.getTime());
  assert.equal(await users.reserveLoginAttempt(user.id, now, 5), false, 'locked');
  assert.equal(await users.reserveLoginAttempt(user.id, lockUntil, 5), true, 'the lock has ended');

  await users.recordSuccessfulLogin(user.id);
  const cleared = await storedUser(user.id);
  assert.equal(cleared.failedLoginCount, 0);
  assert.equal(cleared.lockedUntil, null);
});

test('lockIfAttemptsExhausted with attempts left → false, no lock', async () => {
  const now = new Date();
  const { partner, user } = signUp();
  await users.insertWithPartner(partner, user, confirmation(now));
  assert.equal(await users.reserveLoginAttempt(user.id, now, 5), true);
  assert.equal(await users.lockIfAttemptsExhausted(user.id, 5, new Date(now.getTime() + 60_000)), false);
  const stored = await storedUser(user.id);
  assert.equal(stored.failedLoginCount, 1);
  assert.equal(stored.lockedUntil, null);
});
