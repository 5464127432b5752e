import { In, type DataSource, type EntityManager } from 'typeorm';
import { InvalidField } from '../../domain/errors.js';
import { assertBalancedTransfer, assertFundsAvailable, type LedgerStore, type TransferDraft } from '../../domain/ledger/ledger.js';
import type { AccountRow } from '../entities/account.entity.js';
import type { EntryRow, TransferRow } from '../entities/ledger.entity.js';
import { inTransaction } from '../transactions.js';

const INSERT_CHUNK = 400;

/**
 * The double-entry ledger in `ledger_transfer` / `ledger_entry`. A batch of transfers is posted in one
 * database transaction: the touched accounts are locked, each transfer's net movement per account checked
 * against the overdraft rule (domain `assertFundsAvailable`), running balances computed in order, entries
 * inserted in chunks and each account's cached balance written once.
 */
export class TypeOrmLedgerStore implements LedgerStore {
  constructor(private readonly dataSource: DataSource) {}

  async postTransfers(transfers: readonly TransferDraft[]): Promise<void> {
    await inTransaction(this.dataSource, (manager) => postTransfersWithin(manager, transfers));
  }
}

/** Sum of the pending (card authorisation) debits of each account, ≤ 0. */
async function readPendingDebits(manager: EntityManager, accountIds: readonly string[]): Promise<Map<string, bigint>> {
  const rows: Array<{ accountId: string; total: string | number | null }> = await manager
    .getRepository<EntryRow>('Entry')
    .createQueryBuilder('entry')
    .select('entry.account_id', 'accountId')
    .addSelect('SUM(entry.amount_minor)', 'total')
    .where('entry.account_id IN (:...accountIds) AND entry.status = :status AND entry.amount_minor < 0', { accountIds, status: 'PDNG' })
    .groupBy('entry.account_id')
    .getRawMany();
  return new Map(rows.map((row) => [row.accountId, BigInt(row.total ?? 0)]));
}

/** Entry ids derive from their transfer's id, so a deterministic transfer yields deterministic entries. */
function entryIdFor(transferId: string, index: number): string {
  return `${transferId.replace(/^trf_/, 'ent_')}_${index + 1}`;
}

/** Posts transfers inside a transaction the caller owns (see {@link TypeOrmLedgerStore.postTransfers}). */
export async function postTransfersWithin(manager: EntityManager, transfers: readonly TransferDraft[]): Promise<void> {
  for (const transfer of transfers) assertBalancedTransfer(transfer);
  const accountIds = [...new Set(transfers.flatMap((transfer) => transfer.entries.map((entry) => entry.accountId)))];
  const accounts = await manager
    .getRepository<AccountRow>('Account')
    .find({ where: { id: In(accountIds) }, lock: manager.connection.options.type === 'better-sqlite3' ? undefined : { mode: 'pessimistic_write' } });
  const byId = new Map(accounts.map((account) => [account.id, account]));
  const balances = new Map(accounts.map((account) => [account.id, account.balanceMinor]));
  const pendingDebits = await readPendingDebits(manager, accountIds);
  const now = new Date();
  const transferRows: TransferRow[] = [];
  const entryRows: EntryRow[] = [];
  for (const transfer of transfers) {
    transferRows.push({ ...transfer, createdAt: now });
    const net = new Map<string, bigint>();
    for (const entry of transfer.entries) net.set(entry.accountId, (net.get(entry.accountId) ?? 0n) + entry.amountMinor);
    for (const [accountId, netMinor] of net) {
      const account = byId.get(accountId);
      if (!account) throw new InvalidField(`Account ${accountId} does not exist`);
      if (account.currency !== transfer.currency) throw new InvalidField(`Account ${accountId} is not in ${transfer.currency}`);
      const booked = balances.get(accountId) ?? 0n;
      const pending = pendingDebits.get(accountId) ?? 0n;
      if (account.customerId) assertFundsAvailable(transfer.id, accountId, account.overdraftLimitMinor, booked + pending, netMinor);
      if (transfer.status === 'PDNG' && netMinor < 0n) pendingDebits.set(accountId, pending + netMinor);
    }
    transfer.entries.forEach((entry, index) => {
      let balanceAfterMinor: bigint | null = null;
      if (transfer.status === 'BOOK') {
        balanceAfterMinor = (balances.get(entry.accountId) ?? 0n) + entry.amountMinor;
        balances.set(entry.accountId, balanceAfterMinor);
      }
      entryRows.push({
        id: entryIdFor(transfer.id, index),
        transferId: transfer.id,
        accountId: entry.accountId,
        amountMinor: entry.amountMinor,
        currency: transfer.currency,
        status: transfer.status,
        bookedAt: transfer.bookedAt,
        valueAt: transfer.valueAt,
        information: entry.information,
        counterpartyName: entry.counterparty?.name ?? null,
        counterpartySchemeName: entry.counterparty?.schemeName ?? null,
        counterpartyIdentification: entry.counterparty?.identification ?? null,
        balanceAfterMinor,
      });
    });
  }
  for (let start = 0; start < transferRows.length; start += INSERT_CHUNK) {
    await manager.getRepository<TransferRow>('Transfer').insert(transferRows.slice(start, start + INSERT_CHUNK));
  }
  for (let start = 0; start < entryRows.length; start += INSERT_CHUNK) {
    await manager.getRepository<EntryRow>('Entry').insert(entryRows.slice(start, start + INSERT_CHUNK));
  }
  for (const [accountId, balanceMinor] of balances) {
    if (balanceMinor !== byId.get(accountId)?.balanceMinor) await manager.getRepository<AccountRow>('Account').update({ id: accountId }, { balanceMinor });
  }
}
