import { textOf } from '../text.js';
import { InvalidField } from '../errors.js';
import { parseExchangeRate, RATE_SCALE, type ExchangeRate } from './exchange-rate.js';

/**
 * Where the bank's exchange rates come from: mid-market rates as the price of one unit of `baseCurrency` in each
 * currency, and the spread the bank takes off the mid rate when it sells a currency to a customer.
 */
export interface RateTable {
  readonly baseCurrency: string;
  /** Per currency (the base included, at 1): the mid rate, the price of one `baseCurrency` in it, times 10^8. */
  readonly midScaledByCurrency: Readonly<Record<string, bigint>>;
  /** The bank's margin in basis points (1/100 of a percent), 0 ≤ spread < 10,000. */
  readonly spreadBasisPoints: bigint;
}

/**
 * The currencies the bank exchanges: it holds an FX position, a clearing and an external-funding account in each. A
 * rate table may quote only these.
 */
export const EXCHANGED_CURRENCIES: readonly string[] = ['GBP', 'EUR', 'USD', 'CHF', 'JPY'];

/** A rate source: the table in force at a moment (the sandbox's is fixed; a live bank's follows the market). */
export type RateSource = (at: Date) => RateTable;

/**
 * The sandbox's rates, fixed so that every example and test gives the same figures: mid rates against GBP of
 * 1 GBP = 1.16 EUR = 1.27 USD = 1.12 CHF = 190 JPY, and a spread of 0.50%. Operators replace the table with
 * `FX_RATES_FILE` (see the international payments guide).
 */
export const SANDBOX_RATE_TABLE: RateTable = {
  baseCurrency: 'GBP',
  midScaledByCurrency: { GBP: 100_000_000n, EUR: 116_000_000n, USD: 127_000_000n, CHF: 112_000_000n, JPY: 19_000_000_000n },
  spreadBasisPoints: 50n,
};

/** Whether the table quotes this currency. */
export function quotesCurrency(table: RateTable, currency: string): boolean {
  return table.midScaledByCurrency[currency] !== undefined;
}

/**
 * The rate at which the bank sells `targetCurrency` for `unitCurrency`: the mid cross rate `mid(target) / mid(unit)` less
 * the spread, **rounded down** to {@link RATE_SCALE} (in the bank's favour, by less than 10^-8), computed in one exact
 * division: `floor(mid(target) × 10^8 × (10,000 − spread) / (mid(unit) × 10,000))`.
 * @throws InvalidField when the table does not quote one of the currencies.
 */
export function customerRate(table: RateTable, unitCurrency: string, targetCurrency: string): ExchangeRate {
  const unitMid = table.midScaledByCurrency[unitCurrency];
  const targetMid = table.midScaledByCurrency[targetCurrency];
  if (unitMid === undefined || targetMid === undefined) {
    throw new InvalidField(`The bank does not exchange ${unitCurrency} for ${targetCurrency}`);
  }
  const scaled = (targetMid * RATE_SCALE * (10_000n - table.spreadBasisPoints)) / (unitMid * 10_000n);
  return { unitCurrency, targetCurrency, scaled };
}

/**
 * Reads a rate table written as JSON, as `FX_RATES_FILE` holds it:
 * `{"baseCurrency": "GBP", "spreadBasisPoints": 50, "midRates": {"EUR": "1.16", "USD": "1.27"}}` — mid rates as decimal
 * strings (the price of one unit of the base currency), for {@link EXCHANGED_CURRENCIES} only.
 * @throws InvalidField for anything else.
 */
export function parseRateTable(json: string): RateTable {
  let parsed: { baseCurrency?: unknown; spreadBasisPoints?: unknown; midRates?: unknown } | null;
  try {
    parsed = JSON.parse(json) as typeof parsed;
  } catch {
    throw new InvalidField('is not valid JSON');
  }
  if (!parsed || typeof parsed !== 'object') throw new InvalidField('must be an object with baseCurrency, spreadBasisPoints and midRates');
  const baseCurrency = exchangedCurrency(textOf(parsed.baseCurrency));
  const spread = parsed.spreadBasisPoints;
  if (typeof spread !== 'number' || !Number.isInteger(spread) || spread < 0 || spread >= 10_000) {
    throw new InvalidField('spreadBasisPoints must be a whole number from 0 to 9999');
  }
  const midRates = parsed.midRates;
  if (!midRates || typeof midRates !== 'object' || Array.isArray(midRates)) throw new InvalidField('midRates must map currencies to decimal rates');
  const midScaledByCurrency: Record<string, bigint> = { [baseCurrency]: RATE_SCALE };
  for (const [currency, rate] of Object.entries(midRates as Record<string, unknown>)) {
    exchangedCurrency(currency);
    if (typeof rate !== 'string') throw new InvalidField(`midRates.${currency} must be a decimal string, e.g. "1.27"`);
    midScaledByCurrency[currency] = parseExchangeRate(rate, baseCurrency, currency, `midRates.${currency}`).scaled;
  }
  return { baseCurrency, midScaledByCurrency, spreadBasisPoints: BigInt(spread) };
}

function exchangedCurrency(currency: string): string {
  if (!EXCHANGED_CURRENCIES.includes(currency))
    throw new InvalidField(`${currency} is not one of the currencies the bank exchanges (${EXCHANGED_CURRENCIES.join(', ')})`);
  return currency;
}
