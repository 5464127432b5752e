import type { DataSource } from 'typeorm';
import type { Account } from '../../domain/accounts/account.js';
import type { BalanceSnapshot } from '../../domain/accounts/balances.js';
import type { ConsentedAccountReader, ReadUnderConsent } from '../../domain/accounts/read-under-consent.js';
import type { Dialect } from '../entities/column-types.js';
import { readRows } from '../direct-read.js';
import { isStorableId, sqlTime } from '../sql.js';
import {
  CONSENT_READ_COLUMNS,
  CONSENT_READ_FROM,
  CONSENT_READ_WHERE,
  consentWithAccountsOf,
  type ConsentReadRow,
} from './account-access-consent-sql.js';
import { ACCOUNT_COLUMNS, ACCOUNT_IDENTIFICATION_JOIN, accountsOf, type RawAccountRow } from './account-sql.js';

/** What the balance columns yield (null: the consent shares no account the call asked for). */
interface BalanceRow {
  id: string | null;
  currency: string;
  balance_minor: string | number;
  overdraft_limit_minor: string | number;
  booked_since: string | number | null;
  pending_debits: string | number | null;
}

/**
 * Account data with the consent that shares it, each call in one statement: the consent row (with its shared account
 * ids and its app's standing) outer-joined with its shared accounts — the one asked for, or all — and their data. A
 * consent that is missing yields no row; one that shares nothing asked for yields one row without data. Balances are a
 * consistent snapshot: the booked balance kept on the account, today's booked movements and the pending debits summed
 * in the same statement.
 */
export class SqlConsentedAccountReader implements ConsentedAccountReader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly dialect: Dialect,
  ) {}

  async readBalances(consentId: string, accountId: string | null, cutoff: Date): Promise<ReadUnderConsent<BalanceSnapshot[]>> {
    const rows = await this.read<BalanceRow>(
      `a.id, a.currency, a.balance_minor, a.overdraft_limit_minor,
       (SELECT SUM(e.amount_minor) FROM ledger_entry e WHERE e.account_id = a.id AND e.status = 'BOOK' AND e.booked_at >= ?) AS booked_since,
       (SELECT SUM(e.amount_minor) FROM ledger_entry e WHERE e.account_id = a.id AND e.status = 'PDNG' AND e.amount_minor < 0) AS pending_debits`,
      [sqlTime(this.dialect, cutoff)],
      '',
      consentId,
      accountId,
    );
    const data = rows.flatMap((row) =>
      row.id === null
        ? []
        : [
            {
              accountId: row.id,
              currency: row.currency,
              bookedMinor: BigInt(row.balance_minor),
              bookedSinceCutoffMinor: BigInt(row.booked_since ?? 0),
              pendingDebitsMinor: BigInt(row.pending_debits ?? 0),
              overdraftLimitMinor: BigInt(row.overdraft_limit_minor),
            },
          ],
    );
    return { found: rows[0] ? consentWithAccountsOf(rows[0]) : null, data };
  }

  async readAccounts(consentId: string, accountId: string | null): Promise<ReadUnderConsent<Account[]>> {
    const rows = await this.read<RawAccountRow>(
      ACCOUNT_COLUMNS,
      [],
      ACCOUNT_IDENTIFICATION_JOIN,
      consentId,
      accountId,
      'ORDER BY a.id, i.scheme_name',
    );
    return { found: rows[0] ? consentWithAccountsOf(rows[0]) : null, data: accountsOf(rows) };
  }

  /**
   * The consent `consentId` outer-joined with its shared accounts as `a` (only `accountId` when given) and `join`, with
   * `columns` (taking `columnParameters`) beside the consent's.
   */
  private async read<Row>(
    columns: string,
    columnParameters: readonly unknown[],
    join: string,
    consentId: string,
    accountId: string | null,
    order = '',
  ): Promise<Array<Row & ConsentReadRow>> {
    if (!isStorableId(consentId)) return [];
    // An id that cannot be stored is shared by no consent; '' is no account's id either, and compares without error.
    const shared = accountId === null ? '' : 'AND sa.account_id = ?';
    const accountParameters = accountId === null ? [] : [isStorableId(accountId) ? accountId : ''];
    return readRows<Row & ConsentReadRow>(
      this.dataSource,
      `SELECT ${CONSENT_READ_COLUMNS}, ${columns}
       FROM ${CONSENT_READ_FROM}
       LEFT JOIN consent_account sa ON sa.consent_id = c.id ${shared}
       LEFT JOIN account a ON a.id = sa.account_id ${join}
       WHERE ${CONSENT_READ_WHERE} ${order}`,
      [...columnParameters, ...accountParameters, consentId],
    );
  }
}
