import type { Account } from '../domain/accounts/account.js';
import type { DomesticVrpConsent } from '../domain/payments/vrp/vrp-consent.js';
import { mandateOf, sweepsToSomeoneElse } from '../domain/payments/vrp/vrp-consents.js';
import { accountLine } from '../web/account-labels.js';
import { describeVrpMandate } from '../web/mandate-text.js';
import type { VrpConsentPageModel } from './views/vrp-consent-page.js';

/** What the VRP consent page shows for a consent and the accounts the customer may pay it from. */
export function vrpPageModel(input: {
  formAction: string;
  csrfToken: string;
  partnerName: string;
  customerName: string;
  consent: DomesticVrpConsent;
  /** All the customer's accounts (to tell whether a sweeping mandate really pays into one of them). */
  customerAccounts: readonly Account[];
  /** The accounts the customer may pay it from. */
  accounts: readonly Account[];
  selectedAccountId?: string;
  error?: string;
}): VrpConsentPageModel {
  const words = describeVrpMandate(input.consent.request, input.consent.createdAt);
  const notOwn = sweepsToSomeoneElse(input.consent, input.customerAccounts);
  const error = notOwn
    ? `${input.partnerName} says these payments move money between your own accounts, but the account they pay into is not one of yours, so you cannot agree to them.`
    : input.error;
  return {
    formAction: input.formAction,
    csrfToken: input.csrfToken,
    partnerName: input.partnerName,
    customerName: input.customerName,
    ...words,
    ...(notOwn ? { sweeping: false, payeeName: mandateOf(input.consent).initiation.creditor.name } : {}),
    accounts: input.accounts.map((account) => ({ id: account.id, label: accountLine(account) })),
    debtorFixed: mandateOf(input.consent).initiation.debtor !== null,
    ...(input.selectedAccountId ? { selectedAccountId: input.selectedAccountId } : {}),
    ...(error ? { error } : {}),
  };
}
