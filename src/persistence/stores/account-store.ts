import { In, type DataSource, type EntityManager } from 'typeorm';
import type { Account, AccountStore } from '../../domain/accounts/account.js';
import type { AccountIdentificationRow, AccountRow } from '../entities/account.entity.js';
import { isStorableId } from '../sql.js';

/** Accounts in the `account` and `account_identification` tables. */
export class TypeOrmAccountStore implements AccountStore {
  constructor(private readonly dataSource: DataSource) {}

  async listByCustomer(customerId: string): Promise<Account[]> {
    if (!isStorableId(customerId)) return [];
    const rows = await this.dataSource.getRepository<AccountRow>('Account').find({ where: { customerId }, order: { openingDate: 'ASC', id: 'ASC' } });
    return this.withIdentifications(rows);
  }

  async listByIds(requested: readonly string[]): Promise<Account[]> {
    const ids = requested.filter(isStorableId);
    if (ids.length === 0) return [];
    const rows = await this.dataSource.getRepository<AccountRow>('Account').findBy({ id: In([...ids]) });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return this.withIdentifications(ids.flatMap((id) => byId.get(id) ?? []));
  }

  async findByIdentification(schemeName: string, identification: string): Promise<Account | null> {
    if (!isStorableId(identification)) return null;
    const found = await this.dataSource.getRepository<AccountIdentificationRow>('AccountIdentification').findOneBy({ schemeName, identification });
    if (!found) return null;
    const [account] = await this.listByIds([found.accountId]);
    return account ?? null;
  }

  private async withIdentifications(rows: AccountRow[]): Promise<Account[]> {
    if (rows.length === 0) return [];
    const identifications = await this.dataSource
      .getRepository<AccountIdentificationRow>('AccountIdentification')
      .find({ where: { accountId: In(rows.map((row) => row.id)) }, order: { schemeName: 'ASC' } });
    return rows.map((row) => toAccount(row, identifications.filter((identification) => identification.accountId === row.id)));
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

function toAccount(row: AccountRow, identifications: AccountIdentificationRow[]): Account {
  return {
    id: row.id,
    holder: row.customerId ? { kind: 'customer', customerId: row.customerId } : { kind: 'bank', purpose: row.bankPurpose as 'clearing' },
    currency: row.currency,
    accountType: row.accountType as Account['accountType'],
    accountSubType: row.accountSubType,
    nickname: row.nickname,
    description: row.description,
    openingDate: row.openingDate,
    status: row.status as Account['status'],
    overdraftLimitMinor: row.overdraftLimitMinor,
    identifications: identifications.map(({ schemeName, identification, name, secondaryIdentification }) => ({
      schemeName,
      identification,
      name,
      secondaryIdentification,
    })),
  };
}
