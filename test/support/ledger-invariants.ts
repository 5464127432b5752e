import assert from 'node:assert/strict';
import { In, type DataSource } from 'typeorm';
import type { AccountRow } from '../../src/persistence/entities/account.entity.js';
import type { EntryRow } from '../../src/persistence/entities/ledger.entity.js';
import type { PaymentRow } from '../../src/persistence/entities/payment.entity.js';

/**
 * The ledger invariants: every transfer sums to zero, the entries of each currency sum to zero, every entry is in its
 * account's currency, each account's `balance_minor` is the sum of its booked entries, no customer account is below its
 * overdraft limit — and cross-currency money passes only through the FX positions: the FX position account of each
 * currency holds exactly what the international payments standing (not rejected) bought into it (their debits in that
 * currency) less what they sold out of it (their credits in that currency).
 */
export async function assertLedgerInvariants(dataSource: DataSource): Promise<void> {
  const entries = await dataSource.getRepository<EntryRow>('Entry').find();
  const accounts = await dataSource.getRepository<AccountRow>('Account').find();
  const currencyOf = new Map(accounts.map((account) => [account.id, account.currency]));
  for (const entry of entries)
    assert.equal(entry.currency, currencyOf.get(entry.accountId), `entry ${entry.id} is in the currency of ${entry.accountId}`);
  const byTransfer = new Map<string, bigint>();
  const byCurrency = new Map<string, bigint>();
  const bookedByAccount = new Map<string, bigint>();
  for (const entry of entries) {
    byTransfer.set(entry.transferId, (byTransfer.get(entry.transferId) ?? 0n) + entry.amountMinor);
    byCurrency.set(entry.currency, (byCurrency.get(entry.currency) ?? 0n) + entry.amountMinor);
    if (entry.status === 'BOOK') bookedByAccount.set(entry.accountId, (bookedByAccount.get(entry.accountId) ?? 0n) + entry.amountMinor);
  }
  for (const [transferId, sum] of byTransfer) assert.equal(sum, 0n, `transfer ${transferId} sums to zero`);
  for (const [currency, sum] of byCurrency) assert.equal(sum, 0n, `${currency} entries sum to zero`);
  for (const row of accounts) {
    assert.equal(row.balanceMinor, bookedByAccount.get(row.id) ?? 0n, `balance of ${row.id} is the sum of its booked entries`);
    if (row.customerId) assert.ok(row.balanceMinor >= -row.overdraftLimitMinor, `${row.id} within its overdraft`);
  }
  const positions = new Map<string, bigint>();
  const standing = await dataSource.getRepository<PaymentRow>('Payment').find({ where: { kind: 'international', status: In(['ACSP', 'ACSC']) } });
  for (const payment of standing) {
    assert.ok(
      payment.transferCurrency && payment.transferAmountMinor !== null && payment.exchangeRate,
      `payment ${payment.id} records its conversion`,
    );
    positions.set(payment.currency, (positions.get(payment.currency) ?? 0n) + payment.amountMinor);
    positions.set(payment.transferCurrency, (positions.get(payment.transferCurrency) ?? 0n) - payment.transferAmountMinor);
  }
  for (const row of accounts.filter((account) => account.bankPurpose === 'fx-position')) {
    assert.equal(row.balanceMinor, positions.get(row.currency) ?? 0n, `${row.id} holds the conversions of the international payments standing`);
  }
}

/** What the ledger holds at a moment: how many transfers and entries, and every account's cached balance. */
export interface LedgerSnapshot {
  readonly transfers: bigint;
  readonly entries: bigint;
  readonly balances: Map<string, bigint>;
}

/** Takes a {@link LedgerSnapshot}, to assert afterwards that nothing moved (or exactly what did). */
export async function snapshotLedger(dataSource: DataSource): Promise<LedgerSnapshot> {
  const count = async (table: string) => {
    const [row] = await dataSource.query<Array<{ n: string | number }>>(`SELECT COUNT(*) AS n FROM ${table}`);
    return BigInt(row?.n ?? 0);
  };
  const accounts = await dataSource.getRepository<AccountRow>('Account').find({ order: { id: 'ASC' } });
  return {
    transfers: await count('ledger_transfer'),
    entries: await count('ledger_entry'),
    balances: new Map(accounts.map((account) => [account.id, account.balanceMinor])),
  };
}
