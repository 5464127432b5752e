// Proves on the database under test that a customer call's data is read with its consent in one call of the reader: the
// consent as the consent store reads it (status, shared accounts, app standing) beside the balances or accounts of the
// shared accounts only — the one asked for or all — nothing for an account the consent does not share, and no consent
// for an unknown id; balances are the account's booked balance, today's booked movements and the pending debits.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { testEventOutbox } from '../../../test/support/event-outbox.js';
import { startOfUtcDay } from '../../domain/accounts/balances.js';
import type { AccountAccessConsent } from '../../domain/consents/account-access-consent.js';
import { newId } from '../../domain/ids.js';
import { buildSandboxSeed } from '../../sandbox/sandbox-seed.js';
import { migrateDatabase, openDatabase, type Database } from '../data-source.js';
import type { AccountRow } from '../entities/account.entity.js';
import type { EntryRow } from '../entities/ledger.entity.js';
import { seedSandboxIfEmpty } from '../sandbox-seeder.js';
import { TypeOrmAccountStore } from './account-store.js';
import { TypeOrmConsentStore } from './consent-store.js';
import { SqlConsentedAccountReader } from './consented-account-reader.js';

const ALICE = 'cus_sandbox_alice';
const SHARED = ['acc_alice_current', 'acc_alice_eur'];

let testDatabase: TestDatabase;
let database: Database;
let consents: TypeOrmConsentStore;
let reader: SqlConsentedAccountReader;
let consentId: string;

before(async () => {
  testDatabase = await createTestDatabase();
  database = await openDatabase(testDatabase.config, { poolSize: 10 });
  await migrateDatabase(database);
  await seedSandboxIfEmpty(database, buildSandboxSeed);
  consents = new TypeOrmConsentStore(database.dataSource, await testEventOutbox());
  reader = new SqlConsentedAccountReader(database.dataSource, database.dialect);
  const now = new Date();
  const consent: AccountAccessConsent = {
    id: newId('aac'),
    clientId: 'cli_reader',
    status: 'AWAU',
    statusReason: null,
    permissions: ['ReadAccountsDetail', 'ReadBalances'],
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
  await consents.insert(consent);
  assert.equal(await consents.authorise(consent.id, { customerId: ALICE, accountIds: SHARED, grantId: 'grant_reader' }, now), true);
  consentId = consent.id;
});
after(async () => {
  await database.dataSource.destroy();
  await testDatabase.drop();
});

/** What the ledger says about an account, summed in JavaScript from its rows. */
async function expectedSnapshot(accountId: string, cutoff: Date) {
  const account = await database.dataSource.getRepository<AccountRow>('Account').findOneByOrFail({ id: accountId });
  const entries = await database.dataSource.getRepository<EntryRow>('Entry').findBy({ accountId });
  const sum = (rows: EntryRow[]) => rows.reduce((total, entry) => total + BigInt(entry.amountMinor), 0n);
  return {
    accountId,
    currency: account.currency,
    bookedMinor: BigInt(account.balanceMinor),
    bookedSinceCutoffMinor: sum(entries.filter((entry) => entry.status === 'BOOK' && entry.bookedAt >= cutoff)),
    pendingDebitsMinor: sum(entries.filter((entry) => entry.status === 'PDNG' && BigInt(entry.amountMinor) < 0n)),
    overdraftLimitMinor: BigInt(account.overdraftLimitMinor),
  };
}

test('readBalances of a shared account → the consent as the consent store reads it, and that account’s snapshot only', async () => {
  const cutoff = startOfUtcDay(new Date());
  const read = await reader.readBalances(consentId, 'acc_alice_current', cutoff);
  assert.deepEqual(read.found, await consents.findWithAccountIds(consentId));
  assert.equal(read.found?.consent.status, 'AUTH');
  assert.deepEqual(read.found?.accountIds, SHARED);
  assert.equal(read.found?.app, null, 'no app is registered as cli_reader');
  assert.deepEqual(read.data, [await expectedSnapshot('acc_alice_current', cutoff)]);
  assert.ok(read.data[0]?.pendingDebitsMinor !== 0n, 'the seed has pending card authorisations on this account');
});

test('readBalances of every shared account (null) → a snapshot per shared account, none of the unshared one', async () => {
  const cutoff = new Date(Date.now() - 30 * 86_400_000);
  const read = await reader.readBalances(consentId, null, cutoff);
  const byAccount = new Map(read.data.map((snapshot) => [snapshot.accountId, snapshot]));
  assert.deepEqual([...byAccount.keys()].sort(), SHARED);
  for (const accountId of SHARED) assert.deepEqual(byAccount.get(accountId), await expectedSnapshot(accountId, cutoff));
});

test('readBalances and readAccounts of an account the consent does not share, or that does not exist → the consent, no data', async () => {
  for (const accountId of ['acc_alice_savings', 'acc_bob_current', 'acc_unknown', 'acc_ünicode']) {
    const balances = await reader.readBalances(consentId, accountId, new Date());
    assert.equal(balances.found?.consent.id, consentId, accountId);
    assert.deepEqual(balances.data, [], accountId);
    const accounts = await reader.readAccounts(consentId, accountId);
    assert.equal(accounts.found?.consent.id, consentId, accountId);
    assert.deepEqual(accounts.data, [], accountId);
  }
});

test('readAccounts → the shared accounts with their identifications, as the account store reads them', async () => {
  const store = new TypeOrmAccountStore(database.dataSource);
  const all = await reader.readAccounts(consentId, null);
  assert.deepEqual(all.found, await consents.findWithAccountIds(consentId));
  assert.deepEqual(all.data, await store.listByIds(SHARED));
  const one = await reader.readAccounts(consentId, 'acc_alice_eur');
  assert.deepEqual(one.data, await store.listByIds(['acc_alice_eur']));
});

test('an unknown consent, or one of another kind → nothing found, no data', async () => {
  for (const id of ['aac_unknown', 'aac_ünicode']) {
    assert.deepEqual(await reader.readBalances(id, 'acc_alice_current', new Date()), { found: null, data: [] });
    assert.deepEqual(await reader.readAccounts(id, null), { found: null, data: [] });
  }
});
