import { ResourceForbidden } from '../errors.js';
import type { Account, AccountStore } from './account.js';

/** The accounts a consent shares, in the order the consent lists them. */
export async function listConsentedAccounts(store: AccountStore, consentedAccountIds: readonly string[]): Promise<Account[]> {
  return store.listByIds(consentedAccountIds);
}

/**
 * One account, if the consent shares it.
 * @throws ResourceForbidden when the account is not shared by the consent (or does not exist: not revealed).
 */
export async function getConsentedAccount(store: AccountStore, consentedAccountIds: readonly string[], accountId: string): Promise<Account> {
  const account = consentedAccountIds.includes(accountId) ? (await store.listByIds([accountId]))[0] : undefined;
  if (!account) throw new ResourceForbidden(`AccountId ${accountId} is not shared under this consent`);
  return account;
}

/**
 * Checks that the consent shares this account, without reading it (for endpoints that read only balances).
 * @throws ResourceForbidden when it does not (or the account does not exist: not revealed).
 */
export function assertAccountConsented(consentedAccountIds: readonly string[], accountId: string): void {
  if (!consentedAccountIds.includes(accountId)) throw new ResourceForbidden(`AccountId ${accountId} is not shared under this consent`);
}
