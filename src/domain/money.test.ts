// Proves, over a few hundred seeded random amounts per currency, that formatAmount and parseAmount are inverse and that excess decimals are refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidField } from './errors.js';
import { currencyExponent, formatAmount, parseAmount } from './money.js';

const CASES_PER_CURRENCY = 300;
const CURRENCIES = ['GBP', 'EUR', 'JPY', 'BHD'] as const;
const MAX_WHOLE_DIGITS = 13;

/** mulberry32: a tiny deterministic PRNG, so every run checks the same cases. */
function seededRandom(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below);
  };
}

function randomDigits(random: (below: number) => number, count: number): string {
  let digits = '';
  for (let index = 0; index < count; index += 1) digits += String(random(10));
  return digits;
}

/** A random non-negative amount in minor units that fits the OBIE pattern (at most 13 whole digits). */
function randomMinor(random: (below: number) => number, exponent: number): bigint {
  const length = 1 + random(MAX_WHOLE_DIGITS + exponent);
  return BigInt(randomDigits(random, length));
}

describe('formatAmount / parseAmount', () => {
  for (const currency of CURRENCIES) {
    const exponent = currencyExponent(currency);

    it(`${currency}: format then parse a random amount → the absolute amount again`, () => {
      const random = seededRandom(0x5eed + exponent);
      for (let index = 0; index < CASES_PER_CURRENCY; index += 1) {
        const minor = randomMinor(random, exponent);
        const signed = random(2) === 0 ? minor : -minor;
        const text = formatAmount(signed, currency);
        assert.match(text, exponent === 0 ? /^\d+$/ : new RegExp(`^\\d+\\.\\d{${exponent}}$`));
        assert.equal(parseAmount(text, currency), minor, `${signed} ${currency} → ${text}`);
      }
    });

    it(`${currency}: parse a random amount written with fewer or zero-padded decimals → the expected minor units`, () => {
      const random = seededRandom(0xa11ce + exponent);
      for (let index = 0; index < CASES_PER_CURRENCY; index += 1) {
        const whole = randomDigits(random, 1 + random(MAX_WHOLE_DIGITS)).replace(/^0+(?=\d)/, '');
        const decimals = random(Math.min(exponent, 5) + 1);
        const fraction = randomDigits(random, decimals);
        const padding = '0'.repeat(random(5 - decimals + 1));
        const text = fraction + padding === '' ? whole : `${whole}.${fraction}${padding}`;
        const expected = BigInt(whole + fraction.padEnd(exponent, '0'));
        assert.equal(parseAmount(text, currency), expected, `${text} ${currency}`);
        assert.equal(parseAmount(formatAmount(expected, currency), currency), expected);
      }
    });

    it(`${currency}: an amount with more significant decimals than ${exponent} → InvalidField`, () => {
      const random = seededRandom(0xbad + exponent);
      for (let index = 0; index < CASES_PER_CURRENCY; index += 1) {
        const whole = randomDigits(random, 1 + random(MAX_WHOLE_DIGITS));
        const extra = 1 + random(5 - exponent);
        const fraction = randomDigits(random, exponent + extra - 1) + String(1 + random(9));
        const text = `${whole}.${fraction}`;
        assert.throws(
          () => parseAmount(text, currency, 'Data.Amount'),
          (error: unknown) => {
            return error instanceof InvalidField && error.path === 'Data.Amount';
          },
          text,
        );
      }
    });
  }

  it('GBP examples: 1234n → "12.34", 5n → "0.05", "1.500" → 150n, "12.3" → 1230n', () => {
    assert.equal(formatAmount(1234n, 'GBP'), '12.34');
    assert.equal(formatAmount(-5n, 'GBP'), '0.05');
    assert.equal(parseAmount('1.500', 'GBP'), 150n);
    assert.equal(parseAmount('12.3', 'GBP'), 1230n);
  });

  it('not a decimal amount (sign, exponent, comma, empty, 14 whole digits) → InvalidField', () => {
    for (const text of ['-1.00', '+1', '1e3', '1,00', '', '.5', '1.', '12345678901234', '1.123456']) {
      assert.throws(() => parseAmount(text, 'GBP'), InvalidField, text);
    }
  });

  it('unsupported currency → InvalidField from both functions', () => {
    assert.throws(() => formatAmount(1n, 'XYZ'), InvalidField);
    assert.throws(() => parseAmount('1', 'XYZ'), InvalidField);
  });
});
