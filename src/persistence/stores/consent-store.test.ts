// Proves on the database under test that a customer can stop sharing an account under their authorised consent but never the last one, even under concurrent removals, and that cancelling a client's consents moves exactly its live account-access consents to CANC and returns their grants.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import type { AccountAccessConsent } from '../../domain/consents/account-access-consent.js';
import type { ConsentStatus } from '../../domain/consents/consent-status.js';
import { newId } from '../../domain/ids.js';
import { migrateDatabase, openDatabase, type Database } from '../data-source.js';
import type { ConsentAccountRow, ConsentRow } from '../entities/consent.entity.js';
import { seedSandboxIfEmpty } from '../sandbox-seeder.js';
import { buildSandboxSeed } from '../../sandbox/sandbox-seed.js';
import { TypeOrmConsentStore } from './consent-store.js';
import { testEventOutbox } from '../../../test/support/event-outbox.js';

const ALICE = 'cus_sandbox_alice';
const BOB = 'cus_sandbox_bob';
const ALICE_ACCOUNTS = ['acc_alice_current', 'acc_alice_eur', 'acc_alice_savings'];
const CANCELLED = { code: 'U026', description: 'The app was deregistered' };

let testDatabase: TestDatabase;
let database: Database;
let store: TypeOrmConsentStore;

before(async () => {
  testDatabase = await createTestDatabase();
  database = await openDatabase(testDatabase.config, { poolSize: 10 });
  await migrateDatabase(database);
  await seedSandboxIfEmpty(database, buildSandboxSeed);
  store = new TypeOrmConsentStore(database.dataSource, await testEventOutbox());
});
after(async () => {
  await database.dataSource.destroy();
  await testDatabase.drop();
});

/** Stores a new AWAU account-access consent of `clientId`. */
async function createConsent(clientId: string): Promise<AccountAccessConsent> {
  const now = new Date();
  const consent: AccountAccessConsent = {
    id: newId('aac'),
    clientId,
    status: 'AWAU',
    statusReason: null,
    permissions: ['ReadAccountsBasic', 'ReadBalances'],
    expiresAt: null,
    transactionFromAt: null,
    transactionToAt: null,
    customerId: null,
    grantId: null,
    authorisedAt: null,
    createdAt: now,
    statusUpdatedAt: now,
    request: { ExpirationDateTime: null, TransactionFromDateTime: null, TransactionToDateTime: null },
  };
  await store.insert(consent);
  return consent;
}

/** Stores a consent of `clientId` authorised by `customerId` for `accountIds`; returns it with its grant id. */
async function createAuthorisedConsent(
  clientId: string,
  customerId: string,
  accountIds: readonly string[],
): Promise<{ id: string; grantId: string }> {
  const { id } = await createConsent(clientId);
  const grantId = `grant-${id}`;
  assert.equal(await store.authorise(id, { customerId, accountIds, grantId }, new Date()), true);
  return { id, grantId };
}

/** Stores a payment consent of `clientId` in the shared table, as the payment consent store does. */
async function createPaymentConsent(clientId: string, status: ConsentStatus): Promise<string> {
  const id = newId('pmc');
  const now = new Date();
  await database.dataSource.getRepository<ConsentRow>('Consent').insert({
    id,
    kind: 'domestic-payment',
    clientId,
    status,
    statusReasonCode: null,
    statusReasonDescription: null,
    permissions: [],
    expiresAt: new Date(now.getTime() + 3600_000),
    transactionFromAt: null,
    transactionToAt: null,
    customerId: status === 'AUTH' ? ALICE : null,
    grantId: status === 'AUTH' ? `grant-${id}` : null,
    authorisedAt: status === 'AUTH' ? now : null,
    createdAt: now,
    statusUpdatedAt: now,
    request: { body: {}, charges: [] },
    lastUsedAt: null,
    validFromAt: null,
    deletedAt: null,
  });
  return id;
}

async function sharedAccounts(consentId: string): Promise<string[]> {
  const rows = await database.dataSource.getRepository<ConsentAccountRow>('ConsentAccount').findBy({ consentId });
  return rows.map((row) => row.accountId).sort();
}

async function consentRow(id: string): Promise<ConsentRow> {
  return database.dataSource.getRepository<ConsentRow>('Consent').findOneByOrFail({ id });
}

test('removeSharedAccount by the customer of an AUTH consent sharing two accounts → true, the other account stays shared', async () => {
  const { id } = await createAuthorisedConsent('cli_remove_1', ALICE, ['acc_alice_current', 'acc_alice_savings']);
  assert.equal(await store.removeSharedAccount(id, ALICE, 'acc_alice_current', [], new Date()), true);
  assert.deepEqual(await sharedAccounts(id), ['acc_alice_savings']);
  assert.equal((await store.findById(id))?.status, 'AUTH');
});

test('removeSharedAccount of the last shared account → false, it stays shared', async () => {
  const { id } = await createAuthorisedConsent('cli_remove_2', ALICE, ['acc_alice_current']);
  assert.equal(await store.removeSharedAccount(id, ALICE, 'acc_alice_current', [], new Date()), false);
  assert.deepEqual(await sharedAccounts(id), ['acc_alice_current']);
});

test('removeSharedAccount by another customer → false, nothing removed', async () => {
  const { id } = await createAuthorisedConsent('cli_remove_3', ALICE, ['acc_alice_current', 'acc_alice_savings']);
  assert.equal(await store.removeSharedAccount(id, BOB, 'acc_alice_current', [], new Date()), false);
  assert.deepEqual(await sharedAccounts(id), ['acc_alice_current', 'acc_alice_savings']);
});

test('removeSharedAccount of an account the consent does not share → false, nothing removed', async () => {
  const { id } = await createAuthorisedConsent('cli_remove_4', ALICE, ['acc_alice_current', 'acc_alice_savings']);
  assert.equal(await store.removeSharedAccount(id, ALICE, 'acc_alice_eur', [], new Date()), false);
  assert.equal(await store.removeSharedAccount(id, ALICE, 'acc_ünknown', [], new Date()), false);
  assert.deepEqual(await sharedAccounts(id), ['acc_alice_current', 'acc_alice_savings']);
});

test('removeSharedAccount on a consent that is not AUTH (AWAU, CANC, unknown) → false, nothing removed', async () => {
  const awaiting = await createConsent('cli_remove_5');
  assert.equal(await store.removeSharedAccount(awaiting.id, ALICE, 'acc_alice_current', [], new Date()), false);
  const { id } = await createAuthorisedConsent('cli_remove_5', ALICE, ['acc_alice_current', 'acc_alice_savings']);
  assert.equal(await store.transition(id, ['AUTH'], 'CANC', new Date()), true);
  assert.equal(await store.removeSharedAccount(id, ALICE, 'acc_alice_current', [], new Date()), false);
  assert.deepEqual(await sharedAccounts(id), ['acc_alice_current', 'acc_alice_savings']);
  assert.equal(await store.removeSharedAccount('aac_unknown', ALICE, 'acc_alice_current', [], new Date()), false);
});

test('removeSharedAccount of a payment consent → false (account-access consents only)', async () => {
  const id = await createPaymentConsent('cli_remove_6', 'AUTH');
  await database.dataSource.getRepository<ConsentAccountRow>('ConsentAccount').insert([
    { consentId: id, accountId: 'acc_alice_current' },
    { consentId: id, accountId: 'acc_alice_savings' },
  ]);
  assert.equal(await store.removeSharedAccount(id, ALICE, 'acc_alice_current', [], new Date()), false);
  assert.deepEqual(await sharedAccounts(id), ['acc_alice_current', 'acc_alice_savings']);
});

test('10 concurrent removals on a consent sharing 3 accounts → exactly 2 succeed and exactly 1 account stays shared', async () => {
  const { id } = await createAuthorisedConsent('cli_remove_race', ALICE, ALICE_ACCOUNTS);
  const results = await Promise.all(
    Array.from({ length: 10 }, (_, index) => store.removeSharedAccount(id, ALICE, ALICE_ACCOUNTS[index % 3] as string, [], new Date())),
  );
  assert.equal(results.filter(Boolean).length, 2);
  const remaining = await sharedAccounts(id);
  assert.equal(remaining.length, 1);
  assert.ok(ALICE_ACCOUNTS.includes(remaining[0] as string));
  assert.deepEqual((await store.findWithAccountIds(id))?.accountIds, remaining);
});

test('cancelAllOfClient → its AWAU and AUTH account-access consents CANC with the reason and time, their grant ids returned; other statuses, clients and payment consents untouched', async () => {
  const client = 'cli_cancel_all';
  const awaiting = await createConsent(client);
  const authorised = await createAuthorisedConsent(client, ALICE, ['acc_alice_current']);
  const authorisedToo = await createAuthorisedConsent(client, BOB, ['acc_bob_current']);
  const rejected = await createConsent(client);
  assert.equal(await store.transition(rejected.id, ['AWAU'], 'RJCT', new Date()), true);
  const otherClient = await createAuthorisedConsent('cli_cancel_other', ALICE, ['acc_alice_current']);
  const otherAwaiting = await createConsent('cli_cancel_other');
  const paymentAwaiting = await createPaymentConsent(client, 'AWAU');
  const paymentAuthorised = await createPaymentConsent(client, 'AUTH');

  const at = new Date('2025-11-25T12:34:56.789Z');
  const grants = await store.cancelAllOfClient(client, at, CANCELLED);

  assert.deepEqual(grants.sort(), [authorised.grantId, authorisedToo.grantId].sort());
  for (const id of [awaiting.id, authorised.id, authorisedToo.id]) {
    const row = await consentRow(id);
    assert.equal(row.status, 'CANC', id);
    assert.equal(row.statusReasonCode, CANCELLED.code);
    assert.equal(row.statusReasonDescription, CANCELLED.description);
    assert.equal(row.statusUpdatedAt.getTime(), at.getTime());
  }
  assert.equal((await consentRow(rejected.id)).status, 'RJCT');
  assert.equal((await consentRow(otherClient.id)).status, 'AUTH');
  assert.equal((await consentRow(otherAwaiting.id)).status, 'AWAU');
  assert.equal((await consentRow(paymentAwaiting)).status, 'AWAU');
  assert.equal((await consentRow(paymentAuthorised)).status, 'AUTH');
});

test('cancelAllOfClient again, or for a client without live consents → [] and nothing changed', async () => {
  const client = 'cli_cancel_twice';
  const { id } = await createAuthorisedConsent(client, ALICE, ['acc_alice_current']);
  const first = new Date('2025-11-25T00:00:00.000Z');
  assert.equal((await store.cancelAllOfClient(client, first, CANCELLED)).length, 1);
  assert.deepEqual(await store.cancelAllOfClient(client, new Date('2025-11-26T00:00:00.000Z'), CANCELLED), []);
  assert.equal((await consentRow(id)).statusUpdatedAt.getTime(), first.getTime());
  assert.deepEqual(await store.cancelAllOfClient('cli_without_consents', first, CANCELLED), []);
  assert.deepEqual(await store.cancelAllOfClient('cli_ünïcode', first, CANCELLED), []);
});
