import { maskIdentification, primaryIdentification, type Account } from '../domain/accounts/account.js';
import type { AccountAccessConsent } from '../domain/consents/account-access-consent.js';
import type { ConsentPageModel } from './views/consent-page.js';
import { describePermissions } from './permission-text.js';

const TYPE_LABELS: Readonly<Record<string, string>> = { CACC: 'Current account', SVGS: 'Savings account', CARD: 'Card account' };

const DATE_FORMAT = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });

/** What the consent page shows for one account-access consent and the customer's shareable accounts. */
export function consentPageModel(input: {
  formAction: string;
  csrfToken: string;
  partnerName: string;
  customerName: string;
  consent: AccountAccessConsent;
  accounts: readonly Account[];
  selectedAccountIds?: readonly string[];
  error?: string;
}): ConsentPageModel {
  const { consent } = input;
  const from = consent.transactionFromAt ? `from ${DATE_FORMAT.format(consent.transactionFromAt)}` : '';
  const to = consent.transactionToAt ? `to ${DATE_FORMAT.format(consent.transactionToAt)}` : '';
  return {
    formAction: input.formAction,
    csrfToken: input.csrfToken,
    partnerName: input.partnerName,
    customerName: input.customerName,
    permissions: describePermissions(consent.permissions),
    expiresAt: consent.expiresAt ? DATE_FORMAT.format(consent.expiresAt) : null,
    transactionWindow: from || to ? [from, to].filter(Boolean).join(' ') : null,
    accounts: input.accounts.map((account) => ({
      id: account.id,
      nickname: account.nickname ?? TYPE_LABELS[account.accountSubType] ?? 'Account',
      maskedIdentification: maskIdentification(primaryIdentification(account)?.identification ?? account.id),
      currency: account.currency,
      typeLabel: TYPE_LABELS[account.accountSubType] ?? account.accountSubType,
    })),
    ...(input.selectedAccountIds ? { selectedAccountIds: input.selectedAccountIds } : {}),
    ...(input.error ? { error: input.error } : {}),
  };
}
