// Proves the exchange arithmetic on seeded random amounts and rates: a rate round-trips exactly through OBIE's JSON number, the customer's rate is the mid cross rate less the spread rounded down, a conversion from the account's currency pays out the amount rounded down and one to a fixed transfer amount debits the least amount that buys it (each off the exact value by under one minor unit), for currencies of 0, 2 and 3 decimals.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SeededRandom } from '../../sandbox/seeded-random.js';
import { InvalidField } from '../errors.js';
import { currencyExponent } from '../money.js';
import { convertCredit, convertDebit } from './currency-conversion.js';
import { exchangeRateNumber, formatExchangeRate, parseExchangeRate, RATE_SCALE, type ExchangeRate } from './exchange-rate.js';
import { customerRate, parseRateTable, SANDBOX_RATE_TABLE } from './rate-table.js';

const CURRENCIES = ['GBP', 'EUR', 'USD', 'CHF', 'JPY', 'BHD'];
const RUNS = 2_000;

function randomRate(random: SeededRandom): ExchangeRate {
  const unitCurrency = random.pick(CURRENCIES);
  const targetCurrency = random.pick(CURRENCIES.filter((currency) => currency !== unitCurrency));
  return { unitCurrency, targetCurrency, scaled: random.amount(1n, 500n * RATE_SCALE) };
}

/** `minor` of `currency` as a fraction of one whole unit: minor / 10^exponent. */
function scaleOf(currency: string): bigint {
  return 10n ** BigInt(currencyExponent(currency));
}

describe('exchange rates as exact decimals', () => {
  test('a rate → its JSON number → the same rate, for random rates of up to 8 decimals', () => {
    const random = new SeededRandom(0xf00d);
    for (let run = 0; run < RUNS; run += 1) {
      const rate = randomRate(random);
      const back = parseExchangeRate(exchangeRateNumber(rate), rate.unitCurrency, rate.targetCurrency);
      assert.equal(back.scaled, rate.scaled, formatExchangeRate(rate));
      assert.equal(JSON.stringify(exchangeRateNumber(rate)), formatExchangeRate(rate));
    }
  });

  test('"1.25" → 125000000 scaled; "0.00000001" → 1; trailing zeros are ignored', () => {
    assert.equal(parseExchangeRate('1.25', 'GBP', 'USD').scaled, 125_000_000n);
    assert.equal(parseExchangeRate('0.00000001', 'GBP', 'USD').scaled, 1n);
    assert.equal(parseExchangeRate('1.2500000000', 'GBP', 'USD').scaled, 125_000_000n);
    assert.equal(formatExchangeRate({ unitCurrency: 'GBP', targetCurrency: 'USD', scaled: 125_000_000n }), '1.25');
    assert.equal(formatExchangeRate({ unitCurrency: 'GBP', targetCurrency: 'JPY', scaled: 19_000_000_000n }), '190');
  });

  for (const value of [0, -1.2, 1e-9, 0.000000001, 1234567, 1.123456789, 'abc', '1,2']) {
    test(`${JSON.stringify(value)} → InvalidField`, () => {
      assert.throws(() => parseExchangeRate(value, 'GBP', 'USD', 'Data.Initiation.ExchangeRateInformation.ExchangeRate'), InvalidField);
    });
  }
});

describe('converting money', () => {
  test('convertDebit: the credit is the exact value rounded down (credit ≤ debit × rate < credit + 1 minor unit)', () => {
    const random = new SeededRandom(0xbeef);
    for (let run = 0; run < RUNS; run += 1) {
      const rate = randomRate(random);
      const debitMinor = random.amount(1n, 10_000_000_000n);
      const { creditMinor } = convertDebit(rate, debitMinor);
      // exact credit in target minor units = debit × scaled × scale(target) / (RATE_SCALE × scale(unit))
      const exact = debitMinor * rate.scaled * scaleOf(rate.targetCurrency);
      const unit = RATE_SCALE * scaleOf(rate.unitCurrency);
      assert.ok(creditMinor * unit <= exact, `${debitMinor} at ${formatExchangeRate(rate)}: ${creditMinor} is not above the exact value`);
      assert.ok(exact < (creditMinor + 1n) * unit, `${debitMinor} at ${formatExchangeRate(rate)}: ${creditMinor} is under one minor unit below`);
    }
  });

  test('convertCredit: the debit is the least that buys the credit ((debit − 1) × rate < credit ≤ debit × rate)', () => {
    const random = new SeededRandom(0xcafe);
    for (let run = 0; run < RUNS; run += 1) {
      const rate = randomRate(random);
      const creditMinor = random.amount(1n, 10_000_000_000n);
      const { debitMinor } = convertCredit(rate, creditMinor);
      const value = (debit: bigint) => debit * rate.scaled * scaleOf(rate.targetCurrency);
      const wanted = creditMinor * RATE_SCALE * scaleOf(rate.unitCurrency);
      assert.ok(value(debitMinor) >= wanted, `${debitMinor} buys ${creditMinor} at ${formatExchangeRate(rate)}`);
      assert.ok(value(debitMinor - 1n) < wanted, `${debitMinor - 1n} would not buy ${creditMinor} at ${formatExchangeRate(rate)}`);
    }
  });

  test('£100.00 at 1.263650 → $126.36; $100.00 at 1.263650 → £79.14 (79.137...)', () => {
    const rate = parseExchangeRate('1.26365', 'GBP', 'USD');
    assert.equal(convertDebit(rate, 10_000n).creditMinor, 12_636n);
    assert.equal(convertCredit(rate, 10_000n).debitMinor, 7_914n);
  });

  test('JPY has no decimals, BHD three: £10.00 at 190 → ¥1900; ¥1 at 190 → £0.01; £1.00 at 0.478 → BHD 0.478', () => {
    assert.equal(convertDebit(parseExchangeRate('190', 'GBP', 'JPY'), 1_000n).creditMinor, 1_900n);
    assert.equal(convertCredit(parseExchangeRate('190', 'GBP', 'JPY'), 1n).debitMinor, 1n);
    assert.equal(convertDebit(parseExchangeRate('0.478', 'GBP', 'BHD'), 100n).creditMinor, 478n);
  });
});

describe('the customer rate: the mid rate less the spread', () => {
  test('sandbox GBP → USD: 1.27 less 0.50% = 1.263650; EUR → USD: 1.27 / 1.16 less 0.50% rounded down', () => {
    assert.equal(formatExchangeRate(customerRate(SANDBOX_RATE_TABLE, 'GBP', 'USD')), '1.26365');
    assert.equal(formatExchangeRate(customerRate(SANDBOX_RATE_TABLE, 'EUR', 'USD')), '1.08935344');
  });

  test('random tables: rate ≤ mid × (1 − spread) < rate + 10^-8', () => {
    const random = new SeededRandom(0xabc);
    for (let run = 0; run < RUNS; run += 1) {
      const unitMid = random.amount(1n, 1_000n * RATE_SCALE);
      const targetMid = random.amount(1n, 1_000n * RATE_SCALE);
      const spreadBasisPoints = BigInt(random.int(0, 500));
      const table = { baseCurrency: 'GBP', midScaledByCurrency: { GBP: RATE_SCALE, USD: unitMid, JPY: targetMid }, spreadBasisPoints };
      const { scaled } = customerRate(table, 'USD', 'JPY');
      const exact = targetMid * RATE_SCALE * (10_000n - spreadBasisPoints); // over unitMid × 10,000
      assert.ok(scaled * unitMid * 10_000n <= exact);
      assert.ok(exact < (scaled + 1n) * unitMid * 10_000n);
    }
  });

  test('a currency the table does not quote → InvalidField', () => {
    assert.throws(() => customerRate(SANDBOX_RATE_TABLE, 'GBP', 'BHD'), InvalidField);
  });
});

describe('parseRateTable (FX_RATES_FILE)', () => {
  test('a well-formed table → the base at 1 and each mid rate exactly', () => {
    const table = parseRateTable('{"baseCurrency":"GBP","spreadBasisPoints":25,"midRates":{"USD":"1.3","JPY":"201.5"}}');
    assert.deepEqual(table, {
      baseCurrency: 'GBP',
      midScaledByCurrency: { GBP: 100_000_000n, USD: 130_000_000n, JPY: 20_150_000_000n },
      spreadBasisPoints: 25n,
    });
  });

  for (const json of [
    'not json',
    '[]',
    '{"baseCurrency":"XXX","spreadBasisPoints":0,"midRates":{}}',
    '{"baseCurrency":"GBP","spreadBasisPoints":10000,"midRates":{}}',
    '{"baseCurrency":"GBP","spreadBasisPoints":1.5,"midRates":{}}',
    '{"baseCurrency":"GBP","spreadBasisPoints":0,"midRates":{"USD":1.27}}',
    '{"baseCurrency":"GBP","spreadBasisPoints":0,"midRates":{"USD":"0"}}',
    '{"baseCurrency":"GBP","spreadBasisPoints":0,"midRates":{"ZZZ":"1"}}',
    '{"baseCurrency":"GBP","spreadBasisPoints":0}',
  ]) {
    test(`${json} → InvalidField`, () => assert.throws(() => parseRateTable(json), InvalidField));
  }
});
