// Proves the oidc-provider adapter's storage guarantees on the database under test: single-use consume under
// concurrent redemption, case-sensitive ids, replay detection in one step of the replay store (no row, no read), consumed markers that upserts
// never clear, grant-wide revocation, and the purge of expired rows.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { errors } from 'oidc-provider';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { migrateDatabase, openDatabase, type Database } from './data-source.js';
import { purgeExpiredRows } from './housekeeping.js';
import { createOidcAdapter } from './oidc-adapter.js';
import { ReplayGuardStore } from './stores/replay-guard-store.js';
import type { OidcModelRow } from './entities/oidc-model.entity.js';

let testDatabase: TestDatabase;
let database: Database;
let Adapter: ReturnType<typeof createOidcAdapter>;

before(async () => {
  testDatabase = await createTestDatabase();
  database = await openDatabase(testDatabase.config, { poolSize: 10 });
  await migrateDatabase(database);
  Adapter = createOidcAdapter(database.dataSource, new ReplayGuardStore(database.dataSource, database.dialect));
});
after(async () => {
  await database.dataSource.destroy();
  await testDatabase.drop();
});

test('consume of one authorization code by 10 concurrent redemptions → exactly one succeeds, the rest invalid_grant', async () => {
  const codes = new Adapter('AuthorizationCode');
  await codes.upsert('code-race-1', { jti: 'code-race-1', grantId: 'grant-1', kind: 'AuthorizationCode' }, 60);
  const results = await Promise.allSettled(Array.from({ length: 10 }, () => codes.consume('code-race-1')));
  assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
  for (const result of results.filter((item) => item.status === 'rejected')) {
    assert.ok(result.reason instanceof errors.InvalidGrant);
  }
  assert.ok((await codes.find('code-race-1'))?.consumed);
});

test('upsert after consume → the consumed marker stays', async () => {
  const tokens = new Adapter('RefreshToken');
  await tokens.upsert('rt-1', { jti: 'rt-1', grantId: 'grant-2', kind: 'RefreshToken' }, 60);
  await tokens.consume('rt-1');
  await tokens.upsert('rt-1', { jti: 'rt-1', grantId: 'grant-2', kind: 'RefreshToken', iat: 1 }, 60);
  const found = await tokens.find('rt-1');
  assert.ok(found?.consumed);
  assert.equal(found?.iat, 1);
});

test('find with a case variant of an id → nothing (ids are case-sensitive on every dialect)', async () => {
  const grants = new Adapter('Grant');
  await grants.upsert('AbCdEf123', { jti: 'AbCdEf123', kind: 'Grant' }, 60);
  assert.ok(await grants.find('AbCdEf123'));
  assert.equal(await grants.find('ABCDEF123'), undefined);
  assert.equal(await grants.find('abcdef123'), undefined);
});

test('the same ReplayDetection id saved twice, even concurrently → exactly one save succeeds, and never a read or an oidc_model row', async () => {
  const replay = new Adapter('ReplayDetection');
  const results = await Promise.allSettled(Array.from({ length: 5 }, () => replay.upsert('jti-hash-1', { jti: 'jti-hash-1', iss: 'client' }, 60)));
  assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
  for (const result of results.filter((item) => item.status === 'rejected')) {
    assert.ok(result.reason instanceof errors.InvalidRequest);
  }
  await assert.rejects(replay.upsert('jti-hash-1', { jti: 'jti-hash-1', iss: 'client' }, 60), errors.InvalidRequest);
  assert.equal(await replay.find('jti-hash-1'), undefined, 'the check is the save itself: find has nothing to read');
  const rows = await database.dataSource.query("SELECT COUNT(*) AS n FROM oidc_model WHERE model = 'ReplayDetection'");
  assert.equal(Number((rows as Array<{ n: number | string }>)[0]?.n), 0);
});

test('findByUid → the session with that uid', async () => {
  const sessions = new Adapter('Session');
  await sessions.upsert('session-1', { jti: 'session-1', uid: 'uid-XYZ', kind: 'Session' }, 60);
  assert.equal((await sessions.findByUid('uid-XYZ'))?.jti, 'session-1');
  assert.equal(await sessions.findByUid('UID-xyz'), undefined);
});

test('revokeByGrantId → every row of that model and grant removed, others kept', async () => {
  const codes = new Adapter('AuthorizationCode');
  await codes.upsert('code-a', { jti: 'code-a', grantId: 'grant-9', kind: 'AuthorizationCode' }, 60);
  await codes.upsert('code-b', { jti: 'code-b', grantId: 'grant-9', kind: 'AuthorizationCode' }, 60);
  await codes.upsert('code-c', { jti: 'code-c', grantId: 'grant-10', kind: 'AuthorizationCode' }, 60);
  await codes.revokeByGrantId('grant-9');
  assert.equal(await codes.find('code-a'), undefined);
  assert.equal(await codes.find('code-b'), undefined);
  assert.ok(await codes.find('code-c'));
});

test('purgeExpiredRows → rows expired beyond the grace period deleted; live and non-expiring rows kept', async () => {
  const repository = database.dataSource.getRepository<OidcModelRow>('OidcModel');
  const base = { payload: {}, grantId: null, userCode: null, uid: null, consumedAt: null };
  await repository.insert([
    { ...base, model: 'Session', id: 'old', expiresAt: new Date(Date.now() - 3 * 3600_000) },
    { ...base, model: 'Session', id: 'live', expiresAt: new Date(Date.now() + 3600_000) },
    { ...base, model: 'Client', id: 'forever', expiresAt: null },
  ]);
  const deleted = await purgeExpiredRows(database);
  assert.ok(deleted >= 1);
  assert.equal(await repository.findOneBy({ model: 'Session', id: 'old' }), null);
  assert.ok(await repository.findOneBy({ model: 'Session', id: 'live' }));
  assert.ok(await repository.findOneBy({ model: 'Client', id: 'forever' }));
});
