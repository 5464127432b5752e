// Proves the bank's charges: the default tariff's bands at their exact boundaries (FPS free below 1,000.00 and 0.50 from it, CHAPS 15.00, BACS and SEPA free, SEPA Instant 0.50, SWIFT 5.00 below 5,000.00 and 10.00 from it in the account's currency), charges borne by the debtor in the payment's currency, and that a PAYMENT_FEE_SCHEDULE that is not a well-formed schedule is refused with InvalidField.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidField } from '../errors.js';
import { chargesFor, DEFAULT_FEE_SCHEDULE, parseFeeSchedule, totalCharges, type FeeSchedule } from './charges.js';
import { LOCAL_INSTRUMENTS } from './payment-instruction.js';

const currencyOf = (instrument: string) =>
  instrument === 'UK.OBIE.SWIFT' ? 'GBP' : Object.entries(LOCAL_INSTRUMENTS).find(([, instruments]) => instruments.includes(instrument))?.[0];

describe('chargesFor with the default tariff', () => {
  const cases: Array<[instrument: string, currency: string, amountMinor: bigint, feeMinor: bigint, type: string]> = [
    ['UK.OBIE.FPS', 'GBP', 1n, 0n, ''],
    ['UK.OBIE.FPS', 'GBP', 99_999n, 0n, ''],
    ['UK.OBIE.FPS', 'GBP', 100_000n, 50n, 'UK.OBIE.FasterPaymentsOut'],
    ['UK.OBIE.FPS', 'GBP', 2_500_000n, 50n, 'UK.OBIE.FasterPaymentsOut'],
    ['UK.OBIE.CHAPS', 'GBP', 1n, 1_500n, 'UK.OBIE.CHAPSOut'],
    ['UK.OBIE.CHAPS', 'GBP', 10_000_000n, 1_500n, 'UK.OBIE.CHAPSOut'],
    ['UK.OBIE.BACS', 'GBP', 10_000_000n, 0n, ''],
    ['UK.OBIE.SEPACreditTransfer', 'EUR', 10_000_000n, 0n, ''],
    ['UK.OBIE.SEPAInstantCreditTransfer', 'EUR', 1n, 50n, 'UK.OBIE.SEPAInstantOut'],
    ['UK.OBIE.SWIFT', 'GBP', 1n, 500n, 'UK.OBIE.SWIFTOut'],
    ['UK.OBIE.SWIFT', 'EUR', 499_999n, 500n, 'UK.OBIE.SWIFTOut'],
    ['UK.OBIE.SWIFT', 'GBP', 500_000n, 1_000n, 'UK.OBIE.SWIFTOut'],
  ];
  for (const [instrument, currency, amountMinor, feeMinor, type] of cases) {
    test(`${instrument} ${amountMinor} minor → ${feeMinor === 0n ? 'no charge' : `${type} ${feeMinor}`}`, () => {
      const charges = chargesFor(DEFAULT_FEE_SCHEDULE, instrument, amountMinor, currency);
      if (feeMinor === 0n) assert.deepEqual(charges, []);
      else assert.deepEqual(charges, [{ type, bearer: 'BorneByDebtor', amountMinor: feeMinor, currency }]);
      assert.equal(totalCharges(charges), feeMinor);
    });
  }

  test('an instrument missing from the schedule → no charge', () => {
    assert.deepEqual(chargesFor(DEFAULT_FEE_SCHEDULE, 'UK.OBIE.Paym', 100_000n, 'GBP'), []);
  });

  test('an instrument without an OBIE charge type of its own → UK.OBIE.PaymentOut', () => {
    const schedule: FeeSchedule = { 'UK.OBIE.Paym': [{ fromMinor: 0n, feeMinor: 25n }] };
    assert.deepEqual(chargesFor(schedule, 'UK.OBIE.Paym', 1n, 'GBP'), [
      { type: 'UK.OBIE.PaymentOut', bearer: 'BorneByDebtor', amountMinor: 25n, currency: 'GBP' },
    ]);
  });

  test('an amount below the first band → no charge', () => {
    const schedule: FeeSchedule = { 'UK.OBIE.FPS': [{ fromMinor: 1_000n, feeMinor: 10n }] };
    assert.deepEqual(chargesFor(schedule, 'UK.OBIE.FPS', 999n, 'GBP'), []);
    assert.equal(totalCharges(chargesFor(schedule, 'UK.OBIE.FPS', 1_000n, 'GBP')), 10n);
  });

  test('totalCharges adds every charge; none → 0', () => {
    assert.equal(totalCharges([]), 0n);
    assert.equal(
      totalCharges([
        { type: 'a', bearer: 'BorneByDebtor', amountMinor: 50n, currency: 'GBP' },
        { type: 'b', bearer: 'BorneByDebtor', amountMinor: 1_500n, currency: 'GBP' },
      ]),
      1_550n,
    );
  });
});

describe('parseFeeSchedule', () => {
  test('a schedule with bands out of order → bands sorted ascending, amounts in minor units of the instrument currency', () => {
    const schedule = parseFeeSchedule(
      JSON.stringify({
        'UK.OBIE.FPS': [
          { from: '1000.00', fee: '0.75' },
          { from: '0', fee: '0.10' },
          { from: '250', fee: '0.2' },
        ],
        'UK.OBIE.SEPAInstantCreditTransfer': [{ from: '0.00', fee: '1.00' }],
      }),
      currencyOf,
    );
    assert.deepEqual(schedule, {
      'UK.OBIE.FPS': [
        { fromMinor: 0n, feeMinor: 10n },
        { fromMinor: 25_000n, feeMinor: 20n },
        { fromMinor: 100_000n, feeMinor: 75n },
      ],
      'UK.OBIE.SEPAInstantCreditTransfer': [{ fromMinor: 0n, feeMinor: 100n }],
    });
    assert.equal(totalCharges(chargesFor(schedule, 'UK.OBIE.FPS', 24_999n, 'GBP')), 10n);
    assert.equal(totalCharges(chargesFor(schedule, 'UK.OBIE.FPS', 25_000n, 'GBP')), 20n);
    assert.equal(totalCharges(chargesFor(schedule, 'UK.OBIE.FPS', 100_000n, 'GBP')), 75n);
  });

  test('the default tariff written as JSON → equal to DEFAULT_FEE_SCHEDULE', () => {
    const json = JSON.stringify({
      'UK.OBIE.FPS': [
        { from: '0.00', fee: '0.00' },
        { from: '1000.00', fee: '0.50' },
      ],
      'UK.OBIE.BACS': [{ from: '0.00', fee: '0.00' }],
      'UK.OBIE.CHAPS': [{ from: '0.00', fee: '15.00' }],
      'UK.OBIE.SEPACreditTransfer': [{ from: '0.00', fee: '0.00' }],
      'UK.OBIE.SEPAInstantCreditTransfer': [{ from: '0.00', fee: '0.50' }],
      'UK.OBIE.SWIFT': [
        { from: '0.00', fee: '5.00' },
        { from: '5000.00', fee: '10.00' },
      ],
    });
    assert.deepEqual(parseFeeSchedule(json, currencyOf), DEFAULT_FEE_SCHEDULE);
  });

  const refused: Array<[what: string, json: string, message: RegExp]> = [
    ['not JSON', '{"UK.OBIE.FPS": [', /not valid JSON/],
    ['a JSON array', '[]', /object keyed by LocalInstrument/],
    ['JSON null', 'null', /object keyed by LocalInstrument/],
    ['a JSON string', '"UK.OBIE.FPS"', /object keyed by LocalInstrument/],
    ['an instrument the bank does not offer', '{"UK.OBIE.Paym": [{"from": "0", "fee": "0"}]}', /UK\.OBIE\.Paym/],
    ['an empty list of bands', '{"UK.OBIE.FPS": []}', /list of bands/],
    ['bands that are not a list', '{"UK.OBIE.FPS": {"from": "0", "fee": "0"}}', /list of bands/],
    ['a fee with more decimals than the currency', '{"UK.OBIE.FPS": [{"from": "0", "fee": "0.001"}]}', /more decimals/],
    ['a negative fee', '{"UK.OBIE.FPS": [{"from": "0", "fee": "-0.50"}]}', /not a decimal amount/],
    ['a band without a fee', '{"UK.OBIE.FPS": [{"from": "0"}]}', /not a decimal amount/],
    ['a band without a from', '{"UK.OBIE.FPS": [{"fee": "0.50"}]}', /not a decimal amount/],
    ['a numeric amount in exponent form', '{"UK.OBIE.FPS": [{"from": 1e21, "fee": "0.50"}]}', /not a decimal amount/],
    ['a band that is null', '{"UK.OBIE.FPS": [null]}', /not a decimal amount/],
    ['a band that is a number', '{"UK.OBIE.FPS": [5]}', /not a decimal amount/],
  ];
  for (const [what, json, message] of refused) {
    test(`${what} → InvalidField`, () => {
      assert.throws(
        () => parseFeeSchedule(json, currencyOf),
        (error: unknown) => error instanceof InvalidField && message.test(error.message),
      );
    });
  }
});
