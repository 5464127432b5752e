import type { ConsentStore } from '../consents/account-access-consent.js';
import { ResourceForbidden } from '../errors.js';
import type { Account } from './account.js';
import { readUnderConsent, type ConsentedAccountReader, type ConsentedResult, type TokenConsent } from './read-under-consent.js';

/**
 * The accounts a customer token's consent shares — all of them (`accountId` null, in the order the consent lists them),
 * or the one asked for — read with the consent in one statement ({@link readUnderConsent}).
 * @throws ResourceForbidden when the consent does not share the account asked for (or it does not exist: not revealed).
 */
export function readConsentedAccounts(
  reader: ConsentedAccountReader,
  consents: ConsentStore,
  token: TokenConsent,
  accountId: string | null,
  now: Date,
): Promise<ConsentedResult<Account[]>> {
  return readUnderConsent(
    consents,
    token,
    now,
    (consentId) => reader.readAccounts(consentId, accountId),
    ({ accountIds }, accounts) => {
      if (accountId !== null) assertAccountConsented(accountIds, accountId);
      const byId = new Map(accounts.map((account) => [account.id, account]));
      const shown = accountId === null ? accountIds : [accountId];
      const listed = shown.flatMap((id) => byId.get(id) ?? []);
      if (accountId !== null && listed.length === 0) throw forbidden(accountId);
      return listed;
    },
  );
}

/**
 * Checks that the consent shares this account.
 * @throws ResourceForbidden when it does not (or the account does not exist: not revealed).
 */
export function assertAccountConsented(consentedAccountIds: readonly string[], accountId: string): void {
  if (!consentedAccountIds.includes(accountId)) throw forbidden(accountId);
}

function forbidden(accountId: string): ResourceForbidden {
  return new ResourceForbidden(`AccountId ${accountId} is not shared under this consent`);
}
