import { maskPan, PAN_SCHEME, type Account } from '../../domain/accounts/account.js';

/** What the consent lets the partner see of an account. */
export interface AccountVisibility {
  /** `ReadAccountsDetail`: scheme identifications. */
  readonly detail: boolean;
  /** `ReadPAN`: card numbers in clear; without it they are masked. */
  readonly pan: boolean;
}

/**
 * An account as an `OBAccount6` item; scheme identifications only with `ReadAccountsDetail` (card numbers
 * last, masked without `ReadPAN`).
 */
export function presentAccount(account: Account, visibility: AccountVisibility) {
  const identifications = [...account.identifications].sort((a, b) => Number(a.schemeName === PAN_SCHEME) - Number(b.schemeName === PAN_SCHEME));
  return {
    AccountId: account.id,
    Status: account.status,
    Currency: account.currency,
    AccountCategory: account.accountType,
    AccountTypeCode: account.accountSubType,
    ...(account.description ? { Description: account.description } : {}),
    ...(account.nickname ? { Nickname: account.nickname } : {}),
    OpeningDate: `${account.openingDate}T00:00:00+00:00`,
    ...(visibility.detail && identifications.length > 0
      ? {
          Account: identifications.map((identification) => ({
            SchemeName: identification.schemeName,
            Identification:
              identification.schemeName === PAN_SCHEME && !visibility.pan ? maskPan(identification.identification) : identification.identification,
            ...(identification.name ? { Name: identification.name } : {}),
            ...(identification.secondaryIdentification ? { SecondaryIdentification: identification.secondaryIdentification } : {}),
          })),
        }
      : {}),
  };
}

/** Accounts as `OBReadAccount6`, one page. */
export function presentAccounts(accounts: readonly Account[], visibility: AccountVisibility, self: string) {
  return { Data: { Account: accounts.map((account) => presentAccount(account, visibility)) }, Links: { Self: self }, Meta: { TotalPages: 1 } };
}
