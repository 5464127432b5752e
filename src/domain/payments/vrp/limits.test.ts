// Proves that assessVrpPayment alone decides whether a VRP payment keeps to its consent, from the control parameters and the amounts the store read for the windows usageWindows gave it: outside the validity days, another currency, above the largest payment, above what is left of any periodic limit (pro-rated first calendar periods included) — each a breach naming the control parameter and stating limit, used and left — and exactly reaching a limit is allowed; periodUsage reports used and left per limit.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readVrpControlParameters, type ControlParametersJson, type VrpControlParameters } from './control-parameters.js';
import { assessVrpPayment, ControlParametersBreached, periodUsage, usageWindows } from './limits.js';

/** £50 a payment, £100 a Consent-aligned week, £300 a calendar month; valid 5 June – 31 December 2024. */
const RAW: ControlParametersJson = {
  VRPType: ['UK.OBIE.VRPType.Sweeping'],
  PSUAuthenticationMethods: ['UK.OBIE.SCANotRequired'],
  ValidFromDateTime: '2024-06-05T00:00:00Z',
  ValidToDateTime: '2024-12-31T00:00:00Z',
  MaximumIndividualAmount: { Amount: '50.00', Currency: 'GBP' },
  PeriodicLimits: [
    { PeriodType: 'Week', PeriodAlignment: 'Consent', Amount: '100.00', Currency: 'GBP' },
    { PeriodType: 'Month', PeriodAlignment: 'Calendar', Amount: '300.00', Currency: 'GBP' },
  ],
};
const PARAMS: VrpControlParameters = readVrpControlParameters(RAW);
const ANCHOR = PARAMS.validFrom as Date; // 00:00 BST on Wednesday 5 June 2024
const NOW = new Date('2024-06-07T10:00:00Z');
const gbp = (amountMinor: bigint) => ({ amountMinor, currency: 'GBP' });

describe('usageWindows', () => {
  test('one window per periodic limit, in order: the Consent week from Wednesday, the calendar month pro-rated from 5 June', () => {
    assert.deepEqual(usageWindows(PARAMS, ANCHOR, NOW), [
      { limitIndex: 0, start: new Date('2024-06-04T23:00:00Z'), end: new Date('2024-06-11T23:00:00Z'), limitMinor: 10_000n },
      // 5–30 June: 26 of 30 days → £260.00.
      { limitIndex: 1, start: new Date('2024-06-04T23:00:00Z'), end: new Date('2024-06-30T23:00:00Z'), limitMinor: 26_000n },
    ]);
  });
});

describe('assessVrpPayment', () => {
  test('within every limit → null', () => {
    assert.equal(assessVrpPayment(PARAMS, ANCHOR, NOW, gbp(5_000n), [0n, 0n]), null);
  });

  test('exactly what is left of the week → null; 1p more → breach of PeriodicLimits[0] stating limit, used and left', () => {
    assert.equal(assessVrpPayment(PARAMS, ANCHOR, NOW, gbp(4_000n), [6_000n, 6_000n]), null);
    assert.deepEqual(assessVrpPayment(PARAMS, ANCHOR, NOW, gbp(4_001n), [6_000n, 6_000n]), {
      path: 'Data.ControlParameters.PeriodicLimits[0]',
      message:
        'The payment of 40.01 GBP exceeds the Week limit (Consent alignment) of 100.00 GBP for 2024-06-05 to 2024-06-11: 60.00 GBP used, 40.00 GBP left',
    });
  });

  test('above the pro-rated first calendar month (£260.00) but within the full £300 → breach of PeriodicLimits[1]', () => {
    assert.deepEqual(assessVrpPayment(PARAMS, ANCHOR, NOW, gbp(1_000n), [0n, 25_100n]), {
      path: 'Data.ControlParameters.PeriodicLimits[1]',
      message:
        'The payment of 10.00 GBP exceeds the Month limit (Calendar alignment) of 260.00 GBP for 2024-06-05 to 2024-06-30: 251.00 GBP used, 9.00 GBP left',
    });
  });

  test('in July the month limit is the full £300.00', () => {
    assert.equal(assessVrpPayment(PARAMS, ANCHOR, new Date('2024-07-01T09:00:00Z'), gbp(1_000n), [0n, 29_000n]), null);
  });

  test('more already used than the limit (a limit that shrank) → breach with nothing left', () => {
    const breach = assessVrpPayment(PARAMS, ANCHOR, NOW, gbp(1n), [12_000n, 0n]);
    assert.equal(breach?.path, 'Data.ControlParameters.PeriodicLimits[0]');
    assert.match(breach?.message ?? '', /120\.00 GBP used, 0\.00 GBP left$/);
  });

  test('above MaximumIndividualAmount → its breach, before the periodic limits', () => {
    assert.deepEqual(assessVrpPayment(PARAMS, ANCHOR, NOW, gbp(5_001n), [10_000n, 26_000n]), {
      path: 'Data.ControlParameters.MaximumIndividualAmount',
      message: 'The payment of 50.01 GBP exceeds the largest payment the consent allows, 50.00 GBP',
    });
  });

  test('in another currency → breach of MaximumIndividualAmount.Currency, before the amounts', () => {
    assert.deepEqual(assessVrpPayment(PARAMS, ANCHOR, NOW, { amountMinor: 100n, currency: 'EUR' }, [0n, 0n]), {
      path: 'Data.ControlParameters.MaximumIndividualAmount.Currency',
      message: 'The payment is in EUR; the consent allows payments in GBP only',
    });
  });

  test('1 ms before the first valid day → breach of ValidFromDateTime; at its start → allowed', () => {
    const start = new Date('2024-06-04T23:00:00Z');
    assert.deepEqual(assessVrpPayment(PARAMS, ANCHOR, new Date(start.getTime() - 1), gbp(100n), [0n, 0n]), {
      path: 'Data.ControlParameters.ValidFromDateTime',
      message: 'The consent is valid from 2024-06-05; no payment may be made before',
    });
    assert.equal(assessVrpPayment(PARAMS, ANCHOR, start, gbp(100n), [0n, 0n]), null);
  });

  test('the last instant of the last valid day → allowed; 00:00 the day after → breach of ValidToDateTime', () => {
    const end = new Date('2025-01-01T00:00:00Z');
    assert.equal(assessVrpPayment(PARAMS, ANCHOR, new Date(end.getTime() - 1), gbp(100n), [0n, 0n]), null);
    assert.deepEqual(assessVrpPayment(PARAMS, ANCHOR, end, gbp(100n), [0n, 0n]), {
      path: 'Data.ControlParameters.ValidToDateTime',
      message: "The consent's last valid day was 2024-12-31; no payment may be made after it",
    });
  });

  test('without validity dates → no validity breach however late', () => {
    const open = readVrpControlParameters({ ...RAW, ValidFromDateTime: undefined, ValidToDateTime: undefined });
    assert.equal(assessVrpPayment(open, ANCHOR, new Date('2040-01-01T00:00:00Z'), gbp(100n), [0n, 0n]), null);
  });

  test('the £500 calendar year from 6 June 2021 → £286.30 allowed in 2021, 1p more refused', () => {
    const yearly = readVrpControlParameters({
      ...RAW,
      ValidFromDateTime: '2021-06-06T00:00:00Z',
      ValidToDateTime: undefined,
      MaximumIndividualAmount: { Amount: '500.00', Currency: 'GBP' },
      PeriodicLimits: [{ PeriodType: 'Year', PeriodAlignment: 'Calendar', Amount: '500.00', Currency: 'GBP' }],
    });
    const anchor = yearly.validFrom as Date;
    const now = new Date('2021-12-31T12:00:00Z');
    assert.equal(assessVrpPayment(yearly, anchor, now, gbp(28_630n), [0n]), null);
    assert.match(assessVrpPayment(yearly, anchor, now, gbp(28_631n), [0n])?.message ?? '', /of 286\.30 GBP for 2021-06-06 to 2021-12-31/);
  });

  test('a used amount missing for a limit → a programming error, not a decision', () => {
    assert.throws(() => assessVrpPayment(PARAMS, ANCHOR, NOW, gbp(1n), [0n]), /Expected 2 used amounts/);
  });

  test('a breach thrown as ControlParametersBreached → a DomainError with its code and path (http maps it to 400 U014)', () => {
    const breach = assessVrpPayment(PARAMS, ANCHOR, NOW, gbp(5_001n), [0n, 0n]);
    const error = new ControlParametersBreached(breach?.message ?? '', breach?.path);
    assert.equal(error.code, 'ControlParametersBreached');
    assert.equal(error.path, 'Data.ControlParameters.MaximumIndividualAmount');
  });
});

describe('periodUsage', () => {
  test('per limit: its current period, used and left (never below zero)', () => {
    assert.deepEqual(
      periodUsage(PARAMS, ANCHOR, NOW, [3_500n, 27_000n]).map(({ limitIndex, limitMinor, usedMinor, leftMinor, limit }) => ({
        limitIndex,
        periodType: limit.periodType,
        limitMinor,
        usedMinor,
        leftMinor,
      })),
      [
        { limitIndex: 0, periodType: 'Week', limitMinor: 10_000n, usedMinor: 3_500n, leftMinor: 6_500n },
        { limitIndex: 1, periodType: 'Month', limitMinor: 26_000n, usedMinor: 27_000n, leftMinor: 0n },
      ],
    );
  });
});
