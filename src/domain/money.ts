import { InvalidField } from './errors.js';

/**
 * Money is held as integer minor units (`bigint`) with the ISO 4217 exponent of its currency; OBIE decimal
 * strings exist only at the edge. No floating point is ever used.
 */
export interface Money {
  readonly amountMinor: bigint;
  readonly currency: string;
}

/** ISO 4217 minor-unit exponents of the currencies this bank holds or accepts. */
const EXPONENTS: Readonly<Record<string, number>> = { GBP: 2, EUR: 2, USD: 2, CHF: 2, JPY: 0, BHD: 3 };

/** Minor-unit exponent of a supported currency. @throws InvalidField for an unsupported currency. */
export function currencyExponent(currency: string): number {
  const exponent = EXPONENTS[currency];
  if (exponent === undefined) throw new InvalidField(`Unsupported currency ${currency}`);
  return exponent;
}

/** `1234n GBP` → `"12.34"`: the absolute value as an OBIE amount string (the sign travels separately). */
export function formatAmount(amountMinor: bigint, currency: string): string {
  const exponent = currencyExponent(currency);
  const absolute = amountMinor < 0n ? -amountMinor : amountMinor;
  if (exponent === 0) return absolute.toString();
  const digits = absolute.toString().padStart(exponent + 1, '0');
  return `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

const AMOUNT_PATTERN = /^(\d{1,13})(?:\.(\d{1,5}))?$/;

/**
 * `"12.3" GBP` → `1230n`. Rejects anything that is not an OBIE amount string or that has more decimals
 * than the currency allows (trailing zeros beyond the exponent are accepted: `"1.500"` GBP → 150n).
 * @throws InvalidField
 */
export function parseAmount(amount: string, currency: string, path?: string): bigint {
  const match = AMOUNT_PATTERN.exec(amount);
  if (!match) throw new InvalidField(`Amount ${amount} is not a decimal amount`, path);
  const exponent = currencyExponent(currency);
  const whole = match[1] ?? '0';
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > exponent) {
    throw new InvalidField(`Amount ${amount} has more decimals than ${currency} allows (${exponent})`, path);
  }
  return BigInt(whole + fraction.padEnd(exponent, '0'));
}
