import type { Account } from '../../domain/accounts/account.js';

/**
 * The SQL that reads accounts with their identifications, one row per identification (a LEFT JOIN): select
 * {@link ACCOUNT_COLUMNS} from `account a` joined with {@link ACCOUNT_IDENTIFICATION_JOIN}, ordered by account and then
 * `i.scheme_name`, and group the rows with {@link accountsOf}.
 */
export const ACCOUNT_COLUMNS = `a.id, a.customer_id, a.bank_purpose, a.currency, a.account_type, a.account_sub_type, a.nickname, a.description,
  a.opening_date, a.status, a.overdraft_limit_minor, i.scheme_name, i.identification, i.name, i.secondary_identification`;

export const ACCOUNT_IDENTIFICATION_JOIN = 'LEFT JOIN account_identification i ON i.account_id = a.id';

/** An account joined with one of its identifications, as raw SQL returns it (`id` null: an outer join found no account). */
export interface RawAccountRow {
  id: string | null;
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

/** The accounts in rows read with {@link ACCOUNT_COLUMNS}, in the order of their first rows; rows without an account are skipped. */
export function accountsOf(rows: readonly RawAccountRow[]): Account[] {
  const accounts = new Map<string, { row: RawAccountRow; identifications: Account['identifications'][number][] }>();
  for (const row of rows) {
    if (row.id === null) continue;
    const entry = accounts.get(row.id) ?? { row, identifications: [] };
    accounts.set(row.id, entry);
    if (row.scheme_name !== null && row.identification !== null) {
      entry.identifications.push({
        schemeName: row.scheme_name,
        identification: row.identification,
        name: row.name,
        secondaryIdentification: row.secondary_identification,
      });
    }
  }
  return [...accounts.entries()].map(([id, { row, identifications }]) => ({
    id,
    holder: row.customer_id ? { kind: 'customer', customerId: row.customer_id } : { kind: 'bank', purpose: row.bank_purpose as 'clearing' },
    currency: row.currency,
    accountType: row.account_type as Account['accountType'],
    accountSubType: row.account_sub_type,
    nickname: row.nickname,
    description: row.description,
    openingDate: row.opening_date,
    status: row.status as Account['status'],
    overdraftLimitMinor: BigInt(row.overdraft_limit_minor),
    identifications,
  }));
}
