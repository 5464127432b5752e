import type { AccountStore } from '../../domain/accounts/account.js';
import type { BalanceReader } from '../../domain/accounts/balances.js';
import type { PageCursors } from '../../domain/accounts/page-cursor.js';
import type { TransactionReader } from '../../domain/accounts/transaction.js';
import type { ConsentStore, GrantRevoker } from '../../domain/consents/account-access-consent.js';

/** What the account-information endpoints call. */
export interface AispServices {
  readonly issuer: string;
  readonly consents: ConsentStore;
  readonly grants: GrantRevoker;
  readonly accounts: AccountStore;
  readonly balances: BalanceReader;
  readonly transactions: TransactionReader;
  readonly cursors: PageCursors;
}
