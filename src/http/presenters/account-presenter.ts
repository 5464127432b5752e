import type { Account } from '../../domain/accounts/account.js';

/** An account as an `OBAccount6` item; scheme identifications only with `ReadAccountsDetail`. */
export function presentAccount(account: Account, detail: boolean) {
  return {
    AccountId: account.id,
    Status: account.status,
    Currency: account.currency,
    AccountCategory: account.accountType,
    AccountTypeCode: account.accountSubType,
    ...(account.description ? { Description: account.description } : {}),
    ...(account.nickname ? { Nickname: account.nickname } : {}),
    OpeningDate: `${account.openingDate}T00:00:00+00:00`,
    ...(detail && account.identifications.length > 0
      ? {
          Account: account.identifications.map((identification) => ({
            SchemeName: identification.schemeName,
            Identification: identification.identification,
            ...(identification.name ? { Name: identification.name } : {}),
            ...(identification.secondaryIdentification ? { SecondaryIdentification: identification.secondaryIdentification } : {}),
          })),
        }
      : {}),
  };
}

/** Accounts as `OBReadAccount6`, one page. */
export function presentAccounts(accounts: readonly Account[], detail: boolean, self: string) {
  return { Data: { Account: accounts.map((account) => presentAccount(account, detail)) }, Links: { Self: self }, Meta: { TotalPages: 1 } };
}
