// Proves on the database under test that the API call log stores calls (with their reason, cut to 300 characters), lists an app's newest first, keeps only each app's newest 100 calls without touching other apps, and only ever moves a consent's "last used" time forward.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { newId } from '../../domain/ids.js';
import { API_CALLS_KEPT_PER_APP, type ApiCall } from '../../domain/partners/api-calls.js';
import { migrateDatabase, openDatabase, type Database } from '../data-source.js';
import type { ConsentRow } from '../entities/consent.entity.js';
import { SqlApiCallLog } from './api-call-log.js';
import { TypeOrmConsentStore } from './consent-store.js';
import { testEventOutbox } from '../../../test/support/event-outbox.js';

const BASE_MS = Date.parse('2025-11-20T00:00:00.000Z');

let testDatabase: TestDatabase;
let database: Database;
let log: SqlApiCallLog;

before(async () => {
  testDatabase = await createTestDatabase();
  database = await openDatabase(testDatabase.config, { poolSize: 10 });
  await migrateDatabase(database);
  log = new SqlApiCallLog(database.dataSource, database.dialect);
});
after(async () => {
  await database.dataSource.destroy();
  await testDatabase.drop();
});

/** A call of `clientId` made `secondsAfterBase` after a fixed instant (distinct instants keep the order unambiguous). */
function call(clientId: string, secondsAfterBase: number, consentId: string | null = null): ApiCall {
  return {
    clientId,
    at: new Date(BASE_MS + secondsAfterBase * 1000 + 123),
    method: 'GET',
    path: `/open-banking/v4.0/aisp/accounts/${secondsAfterBase}`,
    status: 200,
    interactionId: `interaction-${clientId}-${secondsAfterBase}`,
    consentId,
    reason: null,
  };
}

async function countCalls(clientId: string): Promise<number> {
  const rows: Array<{ n: number | string }> = await database.dataSource.query('SELECT COUNT(*) AS n FROM api_call WHERE client_id = ?', [clientId]);
  return Number(rows[0]?.n);
}

async function createConsent(): Promise<string> {
  const id = newId('aac');
  const now = new Date();
  await new TypeOrmConsentStore(database.dataSource, await testEventOutbox()).insert({
    id,
    clientId: 'cli_consent_user',
    status: 'AUTH',
    statusReason: null,
    permissions: ['ReadAccountsBasic'],
    expiresAt: null,
    transactionFromAt: null,
    transactionToAt: null,
    customerId: 'cus_sandbox_alice',
    grantId: `grant-${id}`,
    authorisedAt: now,
    createdAt: now,
    statusUpdatedAt: now,
    request: { ExpirationDateTime: null, TransactionFromDateTime: null, TransactionToDateTime: null },
  });
  return id;
}

async function lastUsedAt(consentId: string): Promise<Date | null> {
  return (await database.dataSource.getRepository<ConsentRow>('Consent').findOneByOrFail({ id: consentId })).lastUsedAt;
}

test('append then listRecent → the calls with every field, newest first, at most `limit` of them', async () => {
  const calls = [call('cli_list', 1), { ...call('cli_list', 3), status: 101, reason: 'Stream opened after sequence 41' }, call('cli_list', 2)];
  await log.append(calls);
  const byNewest = [calls[1], calls[2], calls[0]].map((item) => ({ ...item, consentId: null }));
  assert.deepEqual(await log.listRecent('cli_list', 10), byNewest);
  assert.deepEqual(await log.listRecent('cli_list', 2), byNewest.slice(0, 2));
  assert.deepEqual(await log.listRecent('cli_nobody', 10), []);
  assert.deepEqual(await log.listRecent('cli_ünïcode', 10), []);
});

test('append of nothing → no error, nothing written', async () => {
  await log.append([]);
  assert.deepEqual(await log.listRecent('cli_list_empty', 10), []);
});

test('append of a path longer than 500 characters → stored cut to 500', async () => {
  await log.append([{ ...call('cli_long_path', 1), path: `/${'a'.repeat(700)}` }]);
  assert.equal((await log.listRecent('cli_long_path', 1))[0]?.path.length, 500);
});

test('append of a reason longer than 300 characters → stored cut to 300', async () => {
  await log.append([{ ...call('cli_long_reason', 1), status: 429, reason: `U000: ${'b'.repeat(400)}` }]);
  assert.equal((await log.listRecent('cli_long_reason', 1))[0]?.reason?.length, 300);
});

test(`150 calls appended in batches → that app keeps exactly its newest ${API_CALLS_KEPT_PER_APP}; another app's calls are untouched`, async () => {
  const other = Array.from({ length: 5 }, (_, index) => call('cli_trim_other', index));
  await log.append(other);
  const calls = Array.from({ length: 150 }, (_, index) => call('cli_trim', index));
  await log.append(calls.slice(0, 60));
  await log.append([...calls.slice(60, 110), call('cli_trim_other', 99)]);
  await log.append(calls.slice(110));
  assert.equal(await countCalls('cli_trim'), API_CALLS_KEPT_PER_APP);
  const kept = await log.listRecent('cli_trim', 1000);
  assert.deepEqual(
    kept.map((item) => item.at.getTime()),
    calls
      .slice(-API_CALLS_KEPT_PER_APP)
      .map((item) => item.at.getTime())
      .reverse(),
  );
  assert.equal(await countCalls('cli_trim_other'), 6);
});

test('a batch naming a consent → its last_used_at set to the newest call of the batch; consents not named stay NULL', async () => {
  const used = await createConsent();
  const unused = await createConsent();
  await log.append([call('cli_consent_user', 10, used), call('cli_consent_user', 30, used), call('cli_consent_user', 20, null)]);
  assert.equal((await lastUsedAt(used))?.getTime(), call('x', 30).at.getTime());
  assert.equal(await lastUsedAt(unused), null);
});

test('a later batch with older calls → last_used_at stays; with newer calls → moves forward', async () => {
  const consentId = await createConsent();
  await log.append([call('cli_consent_user', 100, consentId)]);
  await log.append([call('cli_consent_user', 50, consentId)]);
  assert.equal((await lastUsedAt(consentId))?.getTime(), call('x', 100).at.getTime(), 'never moves backwards');
  await log.append([call('cli_consent_user', 200, consentId)]);
  assert.equal((await lastUsedAt(consentId))?.getTime(), call('x', 200).at.getTime());
});

test('concurrent batches with different times for one consent → last_used_at is the newest of them all', async () => {
  const consentId = await createConsent();
  const seconds = [300, 900, 100, 700, 500, 200, 800, 400, 600, 1000];
  await Promise.all(seconds.map((second) => log.append([call('cli_consent_user', second, consentId)])));
  assert.equal((await lastUsedAt(consentId))?.getTime(), call('x', 1000).at.getTime());
});
