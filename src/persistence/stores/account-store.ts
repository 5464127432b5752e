import type { DataSource, EntityManager } from 'typeorm';
import type { Account, AccountStore } from '../../domain/accounts/account.js';
import type { AccountIdentificationRow, AccountRow } from '../entities/account.entity.js';
import { isStorableId } from '../sql.js';
import { readRows } from '../direct-read.js';

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

  /** Accounts with their identifications in one statement (a LEFT JOIN, rows grouped by account). */
  private async select(condition: string, parameters: readonly unknown[], order: string): Promise<Account[]> {
    const rows = await readRows<RawAccountRow>(
      this.dataSource,
      `SELECT a.id, a.customer_id, a.bank_purpose, a.currency, a.account_type, a.account_sub_type, a.nickname, a.description,
              a.opening_date, a.status, a.overdraft_limit_minor, i.scheme_name, i.identification, i.name, i.secondary_identification
       FROM account a LEFT JOIN account_identification i ON i.account_id = a.id
       WHERE ${condition} ORDER BY ${order}, i.scheme_name`,
      [...parameters],
    );
    const accounts = new Map<string, { row: RawAccountRow; identifications: AccountIdentificationRow[] }>();
    for (const row of rows) {
      const entry = accounts.get(row.id) ?? { row, identifications: [] };
      accounts.set(row.id, entry);
      if (row.scheme_name !== null && row.identification !== null) {
        entry.identifications.push({
          accountId: row.id,
          schemeName: row.scheme_name,
          identification: row.identification,
          name: row.name,
          secondaryIdentification: row.secondary_identification,
        });
      }
    }
    return [...accounts.values()].map(({ row, identifications }) =>
      toAccount(
        {
          id: row.id,
          customerId: row.customer_id,
          bankPurpose: row.bank_purpose,
          currency: row.currency,
          accountType: row.account_type,
          accountSubType: row.account_sub_type,
          nickname: row.nickname,
          description: row.description,
          openingDate: row.opening_date,
          status: row.status,
          overdraftLimitMinor: BigInt(row.overdraft_limit_minor),
        },
        identifications,
      ),
    );
  }
}

/** An account joined with one of its identifications, as raw SQL returns it. */
interface RawAccountRow {
  id: string;
  customer_id: string | null;
  bank_purpose: string | null;
  currency: string;
  account_type: string;
  account_sub_type: string;
  nickname: string | null;
  description: string | null;
  opening_date: string;
  status: string;
  overdraft_limit_minor: string | number;
  scheme_name: string | null;
  identification: string | null;
  name: string | null;
  secondary_identification: string | null;
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

function toAccount(row: Omit<AccountRow, 'balanceMinor' | 'createdAt'>, identifications: AccountIdentificationRow[]): Account {
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
