import { InvalidField } from '../errors.js';

/** Decimal places an exchange rate carries: rates are exact decimals of this precision, never floating point. */
export const RATE_DECIMALS = 8;

/** 10^{@link RATE_DECIMALS}, the denominator of {@link ExchangeRate.scaled}. */
export const RATE_SCALE = 10n ** BigInt(RATE_DECIMALS);

/**
 * The price of one unit of `unitCurrency` in `targetCurrency` (OBIE `UnitCurrency` and `ExchangeRate`: in "1 GBP =
 * 1.25 USD" the unit currency is GBP), held exactly as `scaled` / 10^{@link RATE_DECIMALS}.
 */
export interface ExchangeRate {
  readonly unitCurrency: string;
  readonly targetCurrency: string;
  /** The rate times 10^8, > 0. */
  readonly scaled: bigint;
}

/** At most 6 integer digits: with 8 decimals, 14 significant digits, which a JSON number (a double) carries exactly. */
const DECIMAL_PATTERN = /^(\d{1,6})(?:\.(\d+))?$/;

/**
 * Reads a rate written as a decimal (`"1.2534"`) or sent as a JSON number (`1.2534`, read as the shortest decimal that
 * denotes it, which is the decimal the partner wrote: a double carries 15 significant digits exactly).
 * @throws InvalidField for anything but a positive decimal below 1,000,000 with at most {@link RATE_DECIMALS} decimal places.
 */
export function parseExchangeRate(value: number | string, unitCurrency: string, targetCurrency: string, path?: string): ExchangeRate {
  const text = typeof value === 'number' ? String(value) : value;
  const match = DECIMAL_PATTERN.exec(text);
  if (!match) throw new InvalidField(`Exchange rate ${text} is not a positive decimal`, path);
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > RATE_DECIMALS) throw new InvalidField(`Exchange rate ${text} has more than ${RATE_DECIMALS} decimal places`, path);
  const scaled = BigInt((match[1] ?? '0') + fraction.padEnd(RATE_DECIMALS, '0'));
  if (scaled === 0n) throw new InvalidField('An exchange rate must be greater than zero', path);
  return { unitCurrency, targetCurrency, scaled };
}

/** The rate as a decimal without trailing zeros: `125340000n` → `"1.2534"`. */
export function formatExchangeRate(rate: ExchangeRate): string {
  const digits = rate.scaled.toString().padStart(RATE_DECIMALS + 1, '0');
  const whole = digits.slice(0, -RATE_DECIMALS);
  const fraction = digits.slice(-RATE_DECIMALS).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}

/**
 * The rate as the JSON number OBIE's `ExchangeRate` is: the number whose shortest decimal is {@link formatExchangeRate}'s
 * (a rate has at most 14 significant digits, so the number serialises back to exactly that decimal).
 */
export function exchangeRateNumber(rate: ExchangeRate): number {
  return Number(formatExchangeRate(rate));
}

/** Whether two rates are the same price of the same currencies. */
export function sameExchangeRate(a: ExchangeRate, b: ExchangeRate): boolean {
  return a.unitCurrency === b.unitCurrency && a.targetCurrency === b.targetCurrency && a.scaled === b.scaled;
}
