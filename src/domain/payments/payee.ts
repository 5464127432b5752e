import { BANK_CODE, BANK_SORT_CODE, bankAccountId, type AccountStore } from '../accounts/account.js';
import { IBAN_SCHEME, SORT_CODE_SCHEME, type PaymentAccount } from './payment-instruction.js';
import type { StatusReason } from './risk-policy.js';

/** Whether an account identification belongs to this bank (our sort code, or our bank code and sort code in an IBAN). */
export function isOurAccount(account: PaymentAccount): boolean {
  if (account.schemeName === SORT_CODE_SCHEME) return account.identification.startsWith(BANK_SORT_CODE);
  if (account.schemeName === IBAN_SCHEME) return account.identification.slice(4).startsWith(`${BANK_CODE}${BANK_SORT_CODE}`);
  return false;
}

/** Where a payment's money lands. */
export type PayeeResolution =
  /** A customer's account at this bank, and whose it is. */
  | { readonly route: 'internal'; readonly accountId: string; readonly customerId: string }
  | { readonly route: 'external' }
  /** A payee at this bank that cannot receive this payment: the payment is rejected with this reason. */
  | { readonly route: 'refused'; readonly reason: StatusReason };

/** Finds the payee: an enabled account of ours in the payment's currency, or an account elsewhere. */
export async function resolvePayee(accounts: AccountStore, creditor: PaymentAccount, currency: string): Promise<PayeeResolution> {
  if (!isOurAccount(creditor)) return { route: 'external' };
  const account = await accounts.findByIdentification(creditor.schemeName, creditor.identification);
  if (!account || account.status !== 'Enabled') {
    return { route: 'refused', reason: { code: 'AC01', description: 'The payee account does not exist at this bank' } };
  }
  if (account.holder.kind !== 'customer') {
    return { route: 'refused', reason: { code: 'AC03', description: "The payee account is one of the bank's own accounts and cannot be paid" } };
  }
  if (account.currency !== currency) {
    return { route: 'refused', reason: { code: 'AM03', description: `The payee account does not take ${currency}` } };
  }
  return { route: 'internal', accountId: account.id, customerId: account.holder.customerId };
}

/**
 * The sandbox payment scheme's answer for a payee at another bank. Payees on sort code 990399 are refused, so
 * partners can test rejections (documented in the payments guide):
 * - `99039911111111` → `AC04` closed account;
 * - `99039922222222` → `AC06` blocked account;
 * - any other `990399…` → `AC01` incorrect account number.
 * Every other payee settles.
 */
export function sandboxSchemeAnswer(creditor: PaymentAccount): StatusReason | null {
  if (creditor.schemeName !== SORT_CODE_SCHEME || !creditor.identification.startsWith('990399')) return null;
  if (creditor.identification === '99039911111111') return { code: 'AC04', description: 'The payee account is closed' };
  if (creditor.identification === '99039922222222') return { code: 'AC06', description: 'The payee account is blocked' };
  return { code: 'AC01', description: 'The payee account number is not valid' };
}

/** The bank's clearing account of a currency: external payments wait there until the scheme settles them. */
export function clearingAccountId(currency: string): string {
  return bankAccountId(currency, 'clearing');
}

/** The bank's fee-income account of a currency. */
export function feeIncomeAccountId(currency: string): string {
  return bankAccountId(currency, 'fee-income');
}

/** The account standing for the rest of the world: settled external payments leave the bank through it. */
export function externalAccountId(currency: string): string {
  return bankAccountId(currency, 'external-funding');
}

/** The bank's FX position account of a currency: every conversion into or out of the currency passes through it. */
export function fxPositionAccountId(currency: string): string {
  return bankAccountId(currency, 'fx-position');
}
