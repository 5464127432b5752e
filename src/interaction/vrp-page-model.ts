import type { Account } from '../domain/accounts/account.js';
import type { DomesticVrpConsent } from '../domain/payments/vrp/vrp-consent.js';
import { mandateOf } from '../domain/payments/vrp/vrp-consents.js';
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
  accounts: readonly Account[];
  selectedAccountId?: string;
  error?: string;
}): VrpConsentPageModel {
  return {
    formAction: input.formAction,
    csrfToken: input.csrfToken,
    partnerName: input.partnerName,
    customerName: input.customerName,
    ...describeVrpMandate(input.consent.request, input.consent.createdAt),
    accounts: input.accounts.map((account) => ({ id: account.id, label: accountLine(account) })),
    debtorFixed: mandateOf(input.consent).initiation.debtor !== null,
    ...(input.selectedAccountId ? { selectedAccountId: input.selectedAccountId } : {}),
    ...(input.error ? { error: input.error } : {}),
  };
}
