import { currencyExponent } from '../money.js';
import { RATE_SCALE, type ExchangeRate } from './exchange-rate.js';

/**
 * A conversion of money from the account's currency (the rate's unit currency) into the currency of a transfer (its
 * target currency), as the bank books it: the debtor pays `debitMinor`, the creditor receives `creditMinor`.
 */
export interface CurrencyConversion {
  readonly rate: ExchangeRate;
  readonly debitMinor: bigint;
  readonly creditMinor: bigint;
}

/**
 * The rounding rule, in one place: the exact value of `debitMinor × rate` in the target currency's minor units is the
 * fraction `numerator / denominator` (both > 0), scaled by the currencies' ISO 4217 exponents.
 */
function creditFraction(rate: ExchangeRate, debitMinor: bigint): { numerator: bigint; denominator: bigint } {
  const unitExponent = BigInt(currencyExponent(rate.unitCurrency));
  const targetExponent = BigInt(currencyExponent(rate.targetCurrency));
  return { numerator: debitMinor * rate.scaled * 10n ** targetExponent, denominator: RATE_SCALE * 10n ** unitExponent };
}

/**
 * Converts an amount fixed in the account's currency: the creditor receives `debitMinor × rate`, **rounded down** to the
 * target currency's minor unit (the bank never pays out more than the rate buys; the creditor loses under one minor
 * unit). A result of zero is the caller's to refuse.
 */
export function convertDebit(rate: ExchangeRate, debitMinor: bigint): CurrencyConversion {
  const { numerator, denominator } = creditFraction(rate, debitMinor);
  return { rate, debitMinor, creditMinor: numerator / denominator };
}

/**
 * Converts an amount fixed in the transfer's currency: the debtor pays the least amount of the account's currency that
 * buys `creditMinor` at the rate, that is `creditMinor / rate` **rounded up** to the account currency's minor unit (the
 * debtor pays under one minor unit more than the exact price).
 */
export function convertCredit(rate: ExchangeRate, creditMinor: bigint): CurrencyConversion {
  const unitExponent = BigInt(currencyExponent(rate.unitCurrency));
  const targetExponent = BigInt(currencyExponent(rate.targetCurrency));
  const numerator = creditMinor * RATE_SCALE * 10n ** unitExponent;
  const denominator = rate.scaled * 10n ** targetExponent;
  return { rate, debitMinor: (numerator + denominator - 1n) / denominator, creditMinor };
}
