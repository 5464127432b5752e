import { In } from './typeorm.js';
import type { Account } from '../domain/accounts/account.js';
import { startOfUtcDay } from '../domain/accounts/balances.js';
import { hashPassword } from '../domain/auth/password-hash.js';
import type { TransferDraft } from '../domain/ledger/ledger.js';
import type { Database } from './data-source.js';
import type { AccountRow } from './entities/account.entity.js';
import type { CustomerRow } from './entities/customer.entity.js';
import { insertAccounts } from './stores/account-store.js';
import { postTransfersWithin } from './stores/ledger-store.js';
import { transactionSqlOf } from './transaction-sql.js';
import { isDuplicateKeyError } from './sql.js';

/**
 * What the seeder writes: customers (their passwords are hashed on the way in), their and the bank's accounts,
 * and the ledger history (balanced transfers in booking order). The sandbox generator (src/sandbox) builds it;
 * the composition roots hand it over.
 */
export interface BankSeed {
  readonly customers: ReadonlyArray<{
    readonly id: string;
    readonly username: string;
    readonly password: string;
    readonly displayName: string;
    readonly email: string | null;
  }>;
  readonly accounts: readonly Account[];
  readonly transfers: readonly TransferDraft[];
}

/**
 * Loads the sandbox bank that `build` describes, with its history up to the start of the current UTC day, into an
 * empty database, in one transaction. A database that already has customers is left untouched (nothing is
 * built), and a process that loses a race to seed with another one steps aside.
 * @returns whether the seed was written.
 */
export async function seedSandboxIfEmpty(database: Database, build: (anchor: Date) => BankSeed, now = new Date()): Promise<boolean> {
  const { dataSource } = database;
  if ((await dataSource.getRepository<CustomerRow>('Customer').count()) > 0) return false;
  const seed = build(startOfUtcDay(now));
  const customers: CustomerRow[] = await Promise.all(
    seed.customers.map(async (customer) => ({
      id: customer.id,
      username: customer.username.toLowerCase(),
      displayName: customer.displayName,
      email: customer.email,
      passwordHash: await hashPassword(customer.password),
      failedLoginCount: 0,
      lockedUntil: null,
      environment: 'sandbox',
      createdAt: now,
    })),
  );
  try {
    await dataSource.transaction(async (manager) => {
      await manager.getRepository<CustomerRow>('Customer').insert(customers);
      await insertAccounts(manager, seed.accounts, now);
      await postTransfersWithin(transactionSqlOf(manager), seed.transfers);
    });
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
  return true;
}

/**
 * Opens, empty, the bank's own accounts that a database seeded by an earlier version lacks (e.g. the FX positions and
 * the clearing accounts of the currencies international payments pay out in), so that it can post to them. Accounts
 * that exist are left as they are; a process that loses a race to open them with another one steps aside.
 * @returns the ids of the accounts it opened.
 */
export async function openMissingBankAccounts(database: Database, bankAccounts: readonly Account[], now = new Date()): Promise<string[]> {
  const { dataSource } = database;
  const existing = await dataSource
    .getRepository<AccountRow>('Account')
    .find({ select: { id: true }, where: { id: In(bankAccounts.map((account) => account.id)) } });
  const known = new Set(existing.map((row) => row.id));
  const missing = bankAccounts.filter((account) => !known.has(account.id));
  if (missing.length === 0) return [];
  try {
    await dataSource.transaction((manager) => insertAccounts(manager, missing, now));
  } catch (error) {
    if (isDuplicateKeyError(error)) return [];
    throw error;
  }
  return missing.map((account) => account.id);
}
