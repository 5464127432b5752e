import { formatAmount } from '../../domain/money.js';

/** A signed minor-unit amount as OBIE `Amount` + `CreditDebitIndicator` (the sign travels in the indicator). */
export function presentSignedAmount(amountMinor: bigint, currency: string) {
  return {
    CreditDebitIndicator: amountMinor < 0n ? ('Debit' as const) : ('Credit' as const),
    Amount: presentAmount(amountMinor, currency),
  };
}

/** An amount as OBIE `{Amount, Currency}` (never negative). */
export function presentAmount(amountMinor: bigint, currency: string) {
  return { Amount: formatAmount(amountMinor, currency), Currency: currency };
}
