import type { DataSource } from 'typeorm';
import { InvalidField } from '../../domain/errors.js';
import { assertFundsAvailable, type AccountFunds } from '../../domain/ledger/funds.js';
import { assertBalancedTransfer, type LedgerStore, type TransferDraft } from '../../domain/ledger/ledger.js';
import { sqlTime } from '../sql.js';
import { inSqlTransaction, type TransactionSql } from '../transaction-sql.js';

const INSERT_CHUNK = 400;

/**
 * The double-entry ledger in `ledger_transfer` / `ledger_entry`. A batch of transfers is posted in one
 * database transaction: the touched accounts are locked, each transfer's net movement per account checked
 * against the funds rule (domain `assertFundsAvailable`), running balances computed in order, entries
 * inserted in chunks and each account's cached balance written once.
 */
export class TypeOrmLedgerStore implements LedgerStore {
  constructor(private readonly dataSource: DataSource) {}

  async postTransfers(transfers: readonly TransferDraft[]): Promise<void> {
    await inSqlTransaction(this.dataSource, (manager) => postTransfersWithin(manager, transfers));
  }
}

/** An account locked for a posting: who holds it, its currency and its funds as the ledger holds them. */
export interface LockedAccount {
  readonly customerId: string | null;
  readonly currency: string;
  readonly funds: AccountFunds;
}

/** The accounts of a posting, locked for the rest of the transaction, by id. */
export type LockedAccounts = ReadonlyMap<string, LockedAccount>;

function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

/** An account row as its lock reads it. */
export interface AccountLockRow {
  readonly id: string;
  readonly customer_id: string | null;
  readonly currency: string;
  readonly overdraft_limit_minor: string | number;
  readonly balance_minor: string | number;
}

/**
 * Locks the accounts for the rest of the transaction and reads their funds: on MySQL one statement locks the
 * rows in primary-key order, so concurrent postings cannot deadlock on each other's accounts (SQLite
 * transactions are serialised); then one statement sums their pending debits. Unknown ids are left out.
 * The pending debits are the transaction's first plain read, so on MySQL (REPEATABLE READ fixes its snapshot
 * there) every plain read that follows sees the state under these locks.
 */
export async function lockAccounts(manager: TransactionSql, accountIds: readonly string[]): Promise<LockedAccounts> {
  const rows = await lockAccountRows(manager, accountIds);
  const pending: Array<{ account_id: string; total: string | number | null }> = await manager.query(
    `SELECT account_id, SUM(amount_minor) AS total FROM ledger_entry
     WHERE account_id IN (${placeholders(accountIds.length)}) AND status = 'PDNG' AND amount_minor < 0 GROUP BY account_id`,
    [...accountIds],
  );
  return lockedAccountsOf(rows, new Map(pending.map((row) => [row.account_id, BigInt(row.total ?? 0)])));
}

/**
 * Locks the accounts' rows for the rest of the transaction (MySQL: one statement, in primary-key order, so concurrent
 * postings cannot deadlock on each other's accounts; SQLite transactions are serialised) and returns them, without
 * their pending debits: a caller that reads other facts under the same locks sums those in its own statement
 * ({@link pendingDebitsColumn}) and builds the accounts with {@link lockedAccountsOf}. Unknown ids are left out.
 */
export async function lockAccountRows(manager: TransactionSql, accountIds: readonly string[]): Promise<AccountLockRow[]> {
  const lock = manager.dialect === 'mysql' ? ' FOR UPDATE' : '';
  return manager.query(
    `SELECT id, customer_id, currency, overdraft_limit_minor, balance_minor FROM account WHERE id IN (${placeholders(accountIds.length)}) ORDER BY id${lock}`,
    [...accountIds],
  );
}

/** A scalar subquery: the pending debits of the account given as its one parameter (a negative sum, or 0). */
export const pendingDebitsColumn = `(SELECT COALESCE(SUM(amount_minor), 0) FROM ledger_entry WHERE account_id = ? AND status = 'PDNG' AND amount_minor < 0)`;

/** The locked accounts of {@link lockAccountRows}' rows, with their pending debits (absent: none), by id. */
export function lockedAccountsOf(rows: readonly AccountLockRow[], pendingDebits: ReadonlyMap<string, bigint>): LockedAccounts {
  return new Map(
    rows.map((row) => [
      row.id,
      {
        customerId: row.customer_id,
        currency: row.currency,
        funds: {
          balanceMinor: BigInt(row.balance_minor),
          pendingDebitsMinor: pendingDebits.get(row.id) ?? 0n,
          overdraftLimitMinor: BigInt(row.overdraft_limit_minor),
        },
      },
    ]),
  );
}

/** Entry ids derive from their transfer's id, so a deterministic transfer yields deterministic entries. */
function entryIdFor(transferId: string, index: number): string {
  return `${transferId.replace(/^trf_/, 'ent_')}_${index + 1}`;
}

/** Inserts rows of `columns` in multi-row INSERTs of at most {@link INSERT_CHUNK} rows. */
async function insertRows(
  manager: TransactionSql,
  table: string,
  columns: readonly string[],
  rows: ReadonlyArray<readonly unknown[]>,
): Promise<void> {
  const row = `(${placeholders(columns.length)})`;
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    const chunk = rows.slice(start, start + INSERT_CHUNK);
    await manager.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${chunk.map(() => row).join(', ')}`, chunk.flat());
  }
}

/** Posts transfers inside a transaction the caller owns (see {@link TypeOrmLedgerStore.postTransfers}). */
export async function postTransfersWithin(manager: TransactionSql, transfers: readonly TransferDraft[]): Promise<void> {
  const accountIds = [...new Set(transfers.flatMap((transfer) => transfer.entries.map((entry) => entry.accountId)))];
  await postTransfersToLocked(manager, transfers, await lockAccounts(manager, accountIds));
}

/**
 * Posts transfers on accounts the caller has locked with {@link lockAccounts} in this transaction, each
 * transfer's net movement on a customer account guarded by the domain's funds rule.
 * @throws InsufficientFunds (nothing written); InvalidField for an unbalanced transfer, or an account not locked
 *   or in another currency.
 */
export async function postTransfersToLocked(manager: TransactionSql, transfers: readonly TransferDraft[], accounts: LockedAccounts): Promise<void> {
  for (const transfer of transfers) assertBalancedTransfer(transfer);
  const time = (date: Date) => sqlTime(manager.dialect, date);
  const stored = new Map([...accounts].map(([accountId, account]) => [accountId, account.funds.balanceMinor]));
  const balances = new Map(stored);
  const pendingDebits = new Map([...accounts].map(([accountId, account]) => [accountId, account.funds.pendingDebitsMinor]));
  const now = time(new Date());
  const transferRows: unknown[][] = [];
  const entryRows: unknown[][] = [];
  for (const transfer of transfers) {
    transferRows.push([
      transfer.id,
      transfer.kind,
      transfer.currency,
      transfer.reference,
      transfer.status,
      time(transfer.bookedAt),
      time(transfer.valueAt),
      now,
    ]);
    const net = new Map<string, bigint>();
    for (const entry of transfer.entries) net.set(entry.accountId, (net.get(entry.accountId) ?? 0n) + entry.amountMinor);
    for (const [accountId, netMinor] of net) {
      const account = accounts.get(accountId);
      if (!account) throw new InvalidField(`Account ${accountId} does not exist`);
      if (account.currency !== transfer.currency) throw new InvalidField(`Account ${accountId} is not in ${transfer.currency}`);
      const pending = pendingDebits.get(accountId) ?? 0n;
      const funds = { ...account.funds, balanceMinor: balances.get(accountId) ?? 0n, pendingDebitsMinor: pending };
      if (account.customerId) assertFundsAvailable(transfer.id, accountId, funds, netMinor);
      if (transfer.status === 'PDNG' && netMinor < 0n) pendingDebits.set(accountId, pending + netMinor);
    }
    transfer.entries.forEach((entry, index) => {
      let balanceAfterMinor: string | null = null;
      if (transfer.status === 'BOOK') {
        const after = (balances.get(entry.accountId) ?? 0n) + entry.amountMinor;
        balances.set(entry.accountId, after);
        balanceAfterMinor = after.toString();
      }
      entryRows.push([
        entryIdFor(transfer.id, index),
        transfer.id,
        entry.accountId,
        entry.amountMinor.toString(),
        transfer.currency,
        transfer.status,
        time(transfer.bookedAt),
        time(transfer.valueAt),
        entry.information,
        entry.counterparty?.name ?? null,
        entry.counterparty?.schemeName ?? null,
        entry.counterparty?.identification ?? null,
        balanceAfterMinor,
      ]);
    });
  }
  await insertRows(
    manager,
    'ledger_transfer',
    ['id', 'kind', 'currency', 'reference', 'status', 'booked_at', 'value_at', 'created_at'],
    transferRows,
  );
  await insertRows(
    manager,
    'ledger_entry',
    [
      'id',
      'transfer_id',
      'account_id',
      'amount_minor',
      'currency',
      'status',
      'booked_at',
      'value_at',
      'information',
      'counterparty_name',
      'counterparty_scheme_name',
      'counterparty_identification',
      'balance_after_minor',
    ],
    entryRows,
  );
  const changed = [...balances].filter(([accountId, balanceMinor]) => balanceMinor !== stored.get(accountId));
  if (changed.length > 0) {
    await manager.query(
      `UPDATE account SET balance_minor = CASE id ${changed.map(() => 'WHEN ? THEN ?').join(' ')} END WHERE id IN (${placeholders(changed.length)})`,
      [...changed.flatMap(([accountId, balanceMinor]) => [accountId, balanceMinor.toString()]), ...changed.map(([accountId]) => accountId)],
    );
  }
}
