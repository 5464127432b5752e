// Proves on the dialect under test that a sandbox database seeded before the bank had FX positions gains them at start: openMissingBankAccounts opens the bank accounts it lacks, empty, leaves the others (and their balances) as they are, and opens nothing the second time.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { In } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { startOfUtcDay } from '../domain/accounts/balances.js';
import { buildBankAccounts } from '../sandbox/sandbox-accounts.js';
import { buildSandboxSeed } from '../sandbox/sandbox-seed.js';
import { migrateDatabase, openDatabase, type Database } from './data-source.js';
import type { AccountIdentificationRow, AccountRow } from './entities/account.entity.js';
import { openMissingBankAccounts, seedSandboxIfEmpty } from './sandbox-seeder.js';

let testDatabase: TestDatabase;
let database: Database;

before(async () => {
  testDatabase = await createTestDatabase();
  database = await openDatabase(testDatabase.config);
  await migrateDatabase(database);
  await seedSandboxIfEmpty(database, buildSandboxSeed);
});
after(async () => {
  await database.dataSource.destroy();
  await testDatabase.drop();
});

test('a bank seeded without FX positions and USD, CHF, JPY accounts → they are opened empty; the GBP clearing balance untouched; a second run opens nothing', async () => {
  const accounts = database.dataSource.getRepository<AccountRow>('Account');
  const added = [
    'acc_bank_gbp_fx_position',
    'acc_bank_eur_fx_position',
    'acc_bank_usd_fx_position',
    'acc_bank_usd_clearing',
    'acc_bank_jpy_external_funding',
  ];
  await database.dataSource.getRepository<AccountIdentificationRow>('AccountIdentification').delete({ accountId: In(added) });
  await accounts.delete({ id: In(added) });
  const clearing = await accounts.findOneByOrFail({ id: 'acc_bank_gbp_clearing' });

  const bankAccounts = buildBankAccounts(startOfUtcDay(new Date()).getTime());
  assert.deepEqual((await openMissingBankAccounts(database, bankAccounts)).sort(), [...added].sort());
  for (const id of added) {
    const row = await accounts.findOneByOrFail({ id });
    assert.equal(row.balanceMinor, 0n, id);
    const holder = bankAccounts.find((account) => account.id === id)?.holder;
    assert.equal(row.bankPurpose, holder?.kind === 'bank' ? holder.purpose : 'not a bank account', id);
    assert.equal(
      await database.dataSource.getRepository<AccountIdentificationRow>('AccountIdentification').countBy({ accountId: id }),
      1,
      `${id} identified`,
    );
  }
  assert.equal((await accounts.findOneByOrFail({ id: 'acc_bank_gbp_clearing' })).balanceMinor, clearing.balanceMinor);
  assert.deepEqual(await openMissingBankAccounts(database, bankAccounts), []);
});
