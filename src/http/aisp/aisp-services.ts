import type { PageCursors } from '../../domain/accounts/page-cursor.js';
import type { ConsentedAccountReader } from '../../domain/accounts/read-under-consent.js';
import type { TransactionReader } from '../../domain/accounts/transaction.js';
import type { ConsentStore, GrantRevoker } from '../../domain/consents/account-access-consent.js';
import type { AppStandingLookup } from '../middleware/require-active-app.js';

/** What the account-information endpoints call. */
export interface AispServices {
  readonly issuer: string;
  readonly consents: ConsentStore;
  readonly grants: GrantRevoker;
  /** Accounts and balances, each read with the consent of the customer token in one statement. */
  readonly reads: ConsentedAccountReader;
  readonly transactions: TransactionReader;
  readonly cursors: PageCursors;
  /** Read only to word the refusal of a customer token whose consent cannot be used. */
  readonly findAppStanding: AppStandingLookup;
}
