// Proves the ledger's money rules on the database under test: debits cannot take a customer's available
// funds (booked + pending debits) below the overdraft, credits always land, a refused batch writes nothing,
// and after every posting the ledger invariants hold (transfers and currencies sum to zero, each cached
// balance equals the sum of its booked entries).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { InsufficientFunds } from '../../domain/errors.js';
import type { TransferDraft } from '../../domain/ledger/ledger.js';
import { migrateDatabase, openDatabase, type Database } from '../data-source.js';
import type { AccountRow } from '../entities/account.entity.js';
import type { EntryRow } from '../entities/ledger.entity.js';
import { seedSandboxIfEmpty } from '../sandbox-seeder.js';
import { buildSandboxSeed } from '../../sandbox/sandbox-seed.js';
import { TypeOrmLedgerStore } from './ledger-store.js';
import { assertLedgerInvariants } from '../../../test/support/ledger-invariants.js';

let testDatabase: TestDatabase;
let database: Database;
let ledger: TypeOrmLedgerStore;
let sequence = 0;

before(async () => {
  testDatabase = await createTestDatabase();
  database = await openDatabase(testDatabase.config);
  await migrateDatabase(database);
  await seedSandboxIfEmpty(database, buildSandboxSeed);
  ledger = new TypeOrmLedgerStore(database.dataSource);
});
after(async () => {
  await database.dataSource.destroy();
  await testDatabase.drop();
});

const OUTSIDE = 'acc_bank_gbp_external_funding';

function transfer(accountId: string, amountMinor: bigint, status: 'BOOK' | 'PDNG' = 'BOOK'): TransferDraft {
  sequence += 1;
  return {
    id: `trf_test_${sequence}`,
    kind: 'payment',
    currency: 'GBP',
    reference: `test ${sequence}`,
    status,
    bookedAt: new Date(),
    valueAt: new Date(),
    entries: [
      { accountId, amountMinor, information: 'test', counterparty: null },
      { accountId: OUTSIDE, amountMinor: -amountMinor, information: 'test', counterparty: null },
    ],
  };
}

async function account(id: string): Promise<AccountRow> {
  return database.dataSource.getRepository<AccountRow>('Account').findOneByOrFail({ id });
}

/** Available funds: booked balance plus pending debits. */
async function available(id: string): Promise<bigint> {
  const pending = await database.dataSource.getRepository<EntryRow>('Entry').findBy({ accountId: id, status: 'PDNG' });
  return (await account(id)).balanceMinor + pending.filter((entry) => entry.amountMinor < 0n).reduce((sum, entry) => sum + entry.amountMinor, 0n);
}

test('a debit taking available funds exactly to minus the overdraft → posted; one penny more → InsufficientFunds, nothing written', async () => {
  const id = 'acc_carol_current';
  const limit = (await account(id)).overdraftLimitMinor;
  const room = (await available(id)) + limit;
  await ledger.postTransfers([transfer(id, -room)]);
  assert.equal(await available(id), -limit);
  const before = await account(id);
  await assert.rejects(ledger.postTransfers([transfer(id, 100n), transfer(id, -101n)]), InsufficientFunds);
  assert.equal((await account(id)).balanceMinor, before.balanceMinor, 'the refused batch wrote nothing, not even its first transfer');
  await assertLedgerInvariants(database.dataSource);
});

test('a credit to an account at its limit → always lands', async () => {
  await ledger.postTransfers([transfer('acc_carol_current', 2_500n)]);
  await assertLedgerInvariants(database.dataSource);
});

test('a pending card authorisation beyond the available funds → InsufficientFunds; within them → recorded, lowering available funds but not the booked balance', async () => {
  const id = 'acc_dave_current';
  const limit = (await account(id)).overdraftLimitMinor;
  const room = (await available(id)) + limit;
  await assert.rejects(ledger.postTransfers([transfer(id, -(room + 1n), 'PDNG')]), InsufficientFunds);
  const booked = (await account(id)).balanceMinor;
  await ledger.postTransfers([transfer(id, -room, 'PDNG')]);
  assert.equal((await account(id)).balanceMinor, booked);
  assert.equal(await available(id), -limit);
  await assert.rejects(ledger.postTransfers([transfer(id, -1n)]), InsufficientFunds, 'a booked debit respects pending authorisations too');
  await assertLedgerInvariants(database.dataSource);
});
