import type { AccountStore } from '../../domain/accounts/account.js';
import type { ConsentStore, GrantRevoker } from '../../domain/consents/account-access-consent.js';

/** What the account-information endpoints call. */
export interface AispServices {
  readonly issuer: string;
  readonly consents: ConsentStore;
  readonly grants: GrantRevoker;
  readonly accounts: AccountStore;
}
