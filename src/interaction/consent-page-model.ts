import type { Account } from '../domain/accounts/account.js';
import { accountLabel } from '../web/account-labels.js';
import type { AccountAccessConsent } from '../domain/consents/account-access-consent.js';
import type { ConsentPageModel } from './views/consent-page.js';
import { describePermissions } from '../web/permission-text.js';
import { formatCustomerDate } from '../web/formats.js';

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
  const from = consent.transactionFromAt ? `from ${formatCustomerDate(consent.transactionFromAt)}` : '';
  const to = consent.transactionToAt ? `to ${formatCustomerDate(consent.transactionToAt)}` : '';
  return {
    formAction: input.formAction,
    csrfToken: input.csrfToken,
    partnerName: input.partnerName,
    customerName: input.customerName,
    permissions: describePermissions(consent.permissions),
    expiresAt: consent.expiresAt ? formatCustomerDate(consent.expiresAt) : null,
    transactionWindow: from || to ? [from, to].filter(Boolean).join(' ') : null,
    accounts: input.accounts.map((account) => ({ id: account.id, ...accountLabel(account) })),
    ...(input.selectedAccountIds ? { selectedAccountIds: input.selectedAccountIds } : {}),
    ...(input.error ? { error: input.error } : {}),
  };
}
