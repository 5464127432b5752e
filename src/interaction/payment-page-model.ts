import type { Account } from '../domain/accounts/account.js';
import { describePayeeAccount } from '../web/payee-text.js';
import { accountLine } from '../web/account-labels.js';
import { totalCharges } from '../domain/payments/charges.js';
import { formatCustomerDateTime, formatMoney } from '../web/formats.js';
import { storedExecutionOf } from '../domain/payments/scheduled/requested-execution.js';
import { readStandingOrderSchedule, type StandingOrderSchedule } from '../domain/payments/standing-orders/standing-order-schedule.js';
import { describeStandingOrderDates } from '../web/frequency-text.js';
import type { DomesticPaymentConsent } from '../domain/payments/payment-consent.js';
import { instructionOf } from '../domain/payments/payment-consents.js';
import type { PaymentConsentPageModel } from './views/payment-consent-page.js';
import { formatExchangeRate } from '../domain/fx/exchange-rate.js';
import type { ExchangeQuote } from '../domain/payments/international/exchange-quote.js';
import { quotedConversionOf } from '../domain/payments/international/international-debit.js';
import { RateType } from '../domain/payments/international/international-instruction.js';

export { describePayeeAccount };

/** When the payment is made, for a consent that does not pay at once. */
function paidOnOf(consent: DomesticPaymentConsent): string | null {
  const initiation = consent.request.Data.Initiation;
  if (consent.kind === 'domestic-scheduled-payment') return formatCustomerDateTime(storedExecutionOf(initiation));
  if (consent.kind === 'domestic-standing-order') return describeStandingOrderDates(readStandingOrderSchedule(initiation, null));
  return null;
}

/**
 * What each payment of a standing order pays: `£75.00 each time`, `£100.00 first, then £50.00 each time`, and
 * `; £25.00 the last time` when the last differs.
 */
export function describeStandingOrderAmounts(schedule: StandingOrderSchedule): string {
  const money = (minor: bigint) => formatMoney(minor, schedule.currency);
  if (schedule.numberOfPayments === 1) return money(schedule.first.amountMinor);
  const recurring =
    schedule.recurringAmountMinor === schedule.first.amountMinor
      ? `${money(schedule.first.amountMinor)} each time`
      : `${money(schedule.first.amountMinor)} first, then ${money(schedule.recurringAmountMinor)} each time`;
  const final =
    schedule.finalAmountMinor !== null && schedule.finalAmountMinor !== schedule.recurringAmountMinor
      ? `; ${money(schedule.finalAmountMinor)} the last time`
      : '';
  return `${recurring}${final}`;
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
    kind:
      input.consent.kind === 'domestic-scheduled-payment'
        ? 'scheduled-payment'
        : input.consent.kind === 'domestic-standing-order'
          ? 'standing-order'
          : 'payment',
    ...(input.consent.kind === 'domestic-standing-order'
      ? { standingOrderAmounts: describeStandingOrderAmounts(readStandingOrderSchedule(input.consent.request.Data.Initiation, null)) }
      : {}),
    paidOn: paidOnOf(input.consent),
    ...(input.consent.international ? { exchange: exchangeLine(input.consent.request.Data.Initiation, input.consent.international.quote) } : {}),
    accounts: input.accounts.map((account) => ({ id: account.id, label: accountLine(account) })),
    debtorFixed: instruction.debtor !== null,
    ...(input.selectedAccountId ? { selectedAccountId: input.selectedAccountId } : {}),
    ...(input.error ? { error: input.error } : {}),
  };
}

/**
 * What the payee of an international payment receives, and at which rate, in plain words: exactly, with the time an
 * Actual rate holds until, or "about" for an Indicative rate (the rate when the payment is made applies).
 */
function exchangeLine(initiation: Readonly<Record<string, unknown>>, quote: ExchangeQuote): string {
  const conversion = quotedConversionOf(initiation, quote);
  const received = formatMoney(conversion.creditMinor, quote.rate.targetCurrency);
  const rate = `1 ${quote.rate.unitCurrency} = ${formatExchangeRate(quote.rate)} ${quote.rate.targetCurrency}`;
  if (quote.rateType === RateType.Indicative) return `About ${received}, at today's rate of ${rate}; the rate when the payment is made applies`;
  const until = quote.expiresAt ? ` (this rate holds until ${quote.expiresAt.toISOString().slice(11, 16)} UTC)` : '';
  return `${received}, at ${rate}${until}`;
}
