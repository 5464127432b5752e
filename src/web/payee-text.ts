import { SORT_CODE_SCHEME } from '../domain/accounts/account.js';

/** A payee account as a customer recognises it: sort code and number, or an IBAN in groups of four. */
export function describePayeeAccount(schemeName: string, identification: string): string {
  if (schemeName === SORT_CODE_SCHEME) {
    return `Sort code ${identification.slice(0, 2)}-${identification.slice(2, 4)}-${identification.slice(4, 6)}, account ${identification.slice(6)}`;
  }
  return `IBAN ${identification.replace(/(.{4})/g, '$1 ').trim()}`;
}
