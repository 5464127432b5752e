// Proves that describeMandate puts a VRP consent's control parameters in the plain words a customer reads: the largest payment, each limit by period and alignment (with the pro-rated first calendar period), and the validity days.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readVrpControlParameters, type ControlParametersJson } from './control-parameters.js';
import { describeMandate } from './mandate-description.js';

const BASE: ControlParametersJson = {
  VRPType: ['UK.OBIE.VRPType.Sweeping'],
  PSUAuthenticationMethods: ['UK.OBIE.SCANotRequired'],
  MaximumIndividualAmount: { Amount: '50.00', Currency: 'GBP' },
};
const ANCHOR = new Date('2024-06-04T23:00:00Z'); // 00:00 BST on 5 June 2024

function limit(PeriodType: string, PeriodAlignment: string, Amount: string) {
  return { PeriodType, PeriodAlignment, Amount, Currency: 'GBP' };
}

describe('describeMandate', () => {
  test('every period type under both alignments, the first calendar period pro-rated, no end date', () => {
    const params = readVrpControlParameters({
      ...BASE,
      PeriodicLimits: [
        limit('Day', 'Consent', '20'),
        limit('Week', 'Consent', '100'),
        limit('Week', 'Calendar', '70'),
        limit('Fortnight', 'Consent', '150'),
        limit('Month', 'Consent', '300'),
        limit('Month', 'Calendar', '300'),
        limit('Half-year', 'Consent', '1000'),
        limit('Half-year', 'Calendar', '1000'),
        limit('Year', 'Consent', '2000'),
        limit('Year', 'Calendar', '500'),
      ],
    });
    assert.deepEqual(describeMandate(params, ANCHOR), [
      'Up to £50.00 per payment',
      'Up to £20.00 per day',
      'Up to £100.00 per week, counted from 5 June 2024',
      'Up to £70.00 per calendar week (Monday to Sunday) (£50.00 until 9 June 2024)',
      'Up to £150.00 per fortnight, counted from 5 June 2024',
      'Up to £300.00 per month, counted from 5 June 2024',
      'Up to £300.00 per calendar month (£260.00 until 30 June 2024)',
      'Up to £1,000.00 per 6 months, counted from 5 June 2024',
      'Up to £1,000.00 per half-year (January to June, July to December) (£142.85 until 30 June 2024)',
      'Up to £2,000.00 per year, counted from 5 June 2024',
      'Up to £500.00 per calendar year (£286.88 until 31 December 2024)',
      'Until you cancel it',
    ]);
  });

  test('a calendar month from its first day → no pro-rated amount; validity from and to', () => {
    const params = readVrpControlParameters({
      ...BASE,
      ValidFromDateTime: '2024-07-01T00:00:00Z',
      ValidToDateTime: '2025-06-30T00:00:00Z',
      PeriodicLimits: [limit('Month', 'Calendar', '300')],
    });
    assert.deepEqual(describeMandate(params, params.validFrom as Date), [
      'Up to £50.00 per payment',
      'Up to £300.00 per calendar month',
      'From 1 July 2024 to 30 June 2025',
    ]);
  });

  test('validity with only a start, or only an end', () => {
    const from = readVrpControlParameters({ ...BASE, ValidFromDateTime: '2024-07-01T00:00:00Z', PeriodicLimits: [limit('Day', 'Calendar', '5')] });
    assert.equal(describeMandate(from, from.validFrom as Date).at(-1), 'From 1 July 2024 until you cancel it');
    const to = readVrpControlParameters({ ...BASE, ValidToDateTime: '2024-12-31T00:00:00Z', PeriodicLimits: [limit('Day', 'Calendar', '5')] });
    assert.equal(describeMandate(to, ANCHOR).at(-1), 'Until 31 December 2024');
  });
});
