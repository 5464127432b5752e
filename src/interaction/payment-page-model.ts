import { SORT_CODE_SCHEME, type Account } from '../domain/accounts/account.js';
import { accountLine } from '../web/account-labels.js';
import { totalCharges } from '../domain/payments/charges.js';
import { formatMoney } from '../web/formats.js';
import type { DomesticPaymentConsent } from '../domain/payments/payment-consent.js';
import { instructionOf } from '../domain/payments/payment-consents.js';
import type { PaymentConsentPageModel } from './views/payment-consent-page.js';

/** A payee account as a customer recognises it: sort code and number, or an IBAN in groups of four. */
export function describePayeeAccount(schemeName: string, identification: string): string {
  if (schemeName === SORT_CODE_SCHEME) {
    return `Sort code ${identification.slice(0, 2)}-${identification.slice(2, 4)}-${identification.slice(4, 6)}, account ${identification.slice(6)}`;
  }
  return `IBAN ${identification.replace(/(.{4})/g, '$1 ').trim()}`;
}

/** What the payment consent page shows for a consent and the accounts the customer may pay it from. */
export function paymentPageModel(input: {
  formAction: string;
  csrfToken: string;
  partnerName: string;
  customerName: string;
  consent: DomesticPaymentConsent;
  accounts: readonly Account[];
  selectedAccountId?: string;
  error?: string;
}): PaymentConsentPageModel {
  const instruction = instructionOf(input.consent);
  const chargesMinor = totalCharges(input.consent.charges);
  return {
    formAction: input.formAction,
    csrfToken: input.csrfToken,
    partnerName: input.partnerName,
    customerName: input.customerName,
    amount: formatMoney(instruction.amountMinor, instruction.currency),
    payeeName: instruction.creditor.name,
    payeeAccount: describePayeeAccount(instruction.creditor.schemeName, instruction.creditor.identification),
    reference: instruction.reference,
    charges: chargesMinor > 0n ? formatMoney(chargesMinor, instruction.currency) : null,
    total: formatMoney(instruction.amountMinor + chargesMinor, instruction.currency),
    accounts: input.accounts.map((account) => ({ id: account.id, label: accountLine(account) })),
    debtorFixed: instruction.debtor !== null,
    ...(input.selectedAccountId ? { selectedAccountId: input.selectedAccountId } : {}),
    ...(input.error ? { error: input.error } : {}),
  };
}
