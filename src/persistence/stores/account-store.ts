import type { DataSource, EntityManager } from 'typeorm';
import type { Account, AccountStore } from '../../domain/accounts/account.js';
import type { AccountIdentificationRow, AccountRow } from '../entities/account.entity.js';
import { isStorableId } from '../sql.js';
import { readRows } from '../direct-read.js';
import { ACCOUNT_COLUMNS, ACCOUNT_IDENTIFICATION_JOIN, accountsOf, type RawAccountRow } from './account-sql.js';

/** Accounts in the `account` and `account_identification` tables. */
export class TypeOrmAccountStore implements AccountStore {
  constructor(private readonly dataSource: DataSource) {}

  async listByCustomer(customerId: string): Promise<Account[]> {
    if (!isStorableId(customerId)) return [];
    return this.select('a.customer_id = ?', [customerId], 'a.opening_date, a.id');
  }

  async listByIds(requested: readonly string[]): Promise<Account[]> {
    const ids = requested.filter(isStorableId);
    if (ids.length === 0) return [];
    const byId = new Map((await this.select(`a.id IN (${ids.map(() => '?').join(', ')})`, ids, 'a.id')).map((account) => [account.id, account]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async findByIdentification(schemeName: string, identification: string): Promise<Account | null> {
    if (!isStorableId(identification)) return null;
    const [account] = await this.select(
      'a.id = (SELECT f.account_id FROM account_identification f WHERE f.scheme_name = ? AND f.identification = ?)',
      [schemeName, identification],
      'a.id',
    );
    return account ?? null;
  }

  /** Accounts with their identifications in one statement. */
  private async select(condition: string, parameters: readonly unknown[], order: string): Promise<Account[]> {
    const rows = await readRows<RawAccountRow>(
      this.dataSource,
      `SELECT ${ACCOUNT_COLUMNS} FROM account a ${ACCOUNT_IDENTIFICATION_JOIN} WHERE ${condition} ORDER BY ${order}, i.scheme_name`,
      [...parameters],
    );
    return accountsOf(rows);
  }
}

/** Inserts accounts with their identifications (used by the sandbox seed and, later, account opening). */
export async function insertAccounts(manager: EntityManager, accounts: readonly Account[], now: Date): Promise<void> {
  if (accounts.length === 0) return;
  await manager.getRepository<AccountRow>('Account').insert(accounts.map((account) => toRow(account, now)));
  const identifications = accounts.flatMap((account) =>
    account.identifications.map((identification) => ({ accountId: account.id, ...identification })),
  );
  if (identifications.length > 0) await manager.getRepository<AccountIdentificationRow>('AccountIdentification').insert(identifications);
}

function toRow(account: Account, now: Date): AccountRow {
  return {
    id: account.id,
    customerId: account.holder.kind === 'customer' ? account.holder.customerId : null,
    bankPurpose: account.holder.kind === 'bank' ? account.holder.purpose : null,
    currency: account.currency,
    accountType: account.accountType,
    accountSubType: account.accountSubType,
    nickname: account.nickname,
    description: account.description,
    openingDate: account.openingDate,
    status: account.status,
    overdraftLimitMinor: account.overdraftLimitMinor,
    balanceMinor: 0n,
    createdAt: now,
  };
}
