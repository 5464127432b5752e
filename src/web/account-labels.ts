import { maskIdentification, primaryIdentification, type Account } from '../domain/accounts/account.js';

const TYPE_LABELS: Readonly<Record<string, string>> = { CACC: 'Current account', SVGS: 'Savings account', CARD: 'Card account' };

/** How a customer recognises one of their accounts on a page. */
export interface AccountLabel {
  /** The account's nickname, or its type when it has none. */
  readonly nickname: string;
  /** Its main number with all but the last digits hidden. */
  readonly maskedIdentification: string;
  readonly typeLabel: string;
  readonly currency: string;
}

/** The words a page uses for an account. */
export function accountLabel(account: Account): AccountLabel {
  const typeLabel = TYPE_LABELS[account.accountSubType] ?? account.accountSubType;
  return {
    nickname: account.nickname ?? TYPE_LABELS[account.accountSubType] ?? 'Account',
    maskedIdentification: maskIdentification(primaryIdentification(account)?.identification ?? account.id),
    typeLabel,
    currency: account.currency,
  };
}

/** An account on one line, e.g. `Main account ••••5678 · GBP`. */
export function accountLine(account: Account): string {
  const { nickname, maskedIdentification, currency } = accountLabel(account);
  return `${nickname} ${maskedIdentification} · ${currency}`;
}
