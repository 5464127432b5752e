// Proves that currentPeriod finds, on a controlled clock, the period of every PeriodType under both alignments: the spec's four examples (£250.00 and £286.30 pro-rated first calendar periods), the instant before, at and after each boundary, month ends and 29 February for consent-aligned months and years, pro-rating rounded down, and UK clock changes (23- and 25-hour days).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidField } from '../../errors.js';
import type { PeriodAlignment, PeriodicLimit, PeriodType } from './control-parameters.js';
import { currentPeriod, type LimitPeriod } from './periods.js';
import { dayNumberOf, ukStartOfDay } from './uk-calendar.js';

/** 00:00 UK time on a date written `YYYY-MM-DD`. */
function ukDay(text: string): Date {
  const [year, month, day] = text.split('-').map(Number) as [number, number, number];
  return ukStartOfDay(dayNumberOf({ year, month, day }));
}

function limit(periodType: PeriodType, alignment: PeriodAlignment, amountMinor: bigint): PeriodicLimit {
  return { periodType, alignment, amountMinor, currency: 'GBP' };
}

function period(start: string, end: string, limitMinor: bigint): LimitPeriod {
  return { start: ukDay(start), end: ukDay(end), limitMinor };
}

const before = (instant: Date): Date => new Date(instant.getTime() - 1);
const after = (instant: Date): Date => new Date(instant.getTime() + 1);

describe('currentPeriod: the examples of domestic-vrp-consents.md', () => {
  test('Example 1: Month, Calendar, £300 from 06-Jun-2021 → £250.00 to 30 June (300 × 25/30), then £300.00 a month', () => {
    const monthly = limit('Month', 'Calendar', 30_000n);
    const anchor = ukDay('2021-06-06');
    assert.deepEqual(currentPeriod(monthly, anchor, new Date('2021-06-06T09:00:00Z')), period('2021-06-06', '2021-07-01', 25_000n));
    assert.deepEqual(currentPeriod(monthly, anchor, new Date('2021-07-15T09:00:00Z')), period('2021-07-01', '2021-08-01', 30_000n));
    assert.deepEqual(currentPeriod(monthly, anchor, new Date('2021-08-31T09:00:00Z')), period('2021-08-01', '2021-09-01', 30_000n));
  });

  test('Example 2: Month, Consent, £500 from 05-Jun-2021 → 05-Jun–04-Jul, 05-Jul–04-Aug, 05-Aug–04-Sep at £500.00', () => {
    const monthly = limit('Month', 'Consent', 50_000n);
    const anchor = ukDay('2021-06-05');
    assert.deepEqual(currentPeriod(monthly, anchor, new Date('2021-07-04T12:00:00Z')), period('2021-06-05', '2021-07-05', 50_000n));
    assert.deepEqual(currentPeriod(monthly, anchor, new Date('2021-07-05T12:00:00Z')), period('2021-07-05', '2021-08-05', 50_000n));
    assert.deepEqual(currentPeriod(monthly, anchor, new Date('2021-09-04T12:00:00Z')), period('2021-08-05', '2021-09-05', 50_000n));
  });

  test('Example 3: Year, Calendar, £500 starting 06-Jun-2021 → £286.30 to 31-Dec-2021 (500 × 209/365, rounded down), then £500.00 a year', () => {
    const yearly = limit('Year', 'Calendar', 50_000n);
    const anchor = ukDay('2021-06-06');
    assert.deepEqual(currentPeriod(yearly, anchor, new Date('2021-06-06T10:00:00Z')), period('2021-06-06', '2022-01-01', 28_630n));
    assert.deepEqual(currentPeriod(yearly, anchor, new Date('2022-06-01T10:00:00Z')), period('2022-01-01', '2023-01-01', 50_000n));
    assert.deepEqual(currentPeriod(yearly, anchor, new Date('2023-12-31T10:00:00Z')), period('2023-01-01', '2024-01-01', 50_000n));
  });

  test('Example 3 anchored on its heading’s 05-Jun-2021 → the first day counts too: £287.67 (500 × 210/365)', () => {
    assert.deepEqual(
      currentPeriod(limit('Year', 'Calendar', 50_000n), ukDay('2021-06-05'), new Date('2021-06-05T10:00:00Z')),
      period('2021-06-05', '2022-01-01', 28_767n),
    );
  });

  test('Example 4: Year, Consent, £500 from 05-Jun-2021 → 05-Jun-2021–04-Jun-2022, and so on, at £500.00', () => {
    const yearly = limit('Year', 'Consent', 50_000n);
    const anchor = ukDay('2021-06-05');
    assert.deepEqual(currentPeriod(yearly, anchor, new Date('2022-06-04T12:00:00Z')), period('2021-06-05', '2022-06-05', 50_000n));
    assert.deepEqual(currentPeriod(yearly, anchor, new Date('2022-06-05T12:00:00Z')), period('2022-06-05', '2023-06-05', 50_000n));
    assert.deepEqual(currentPeriod(yearly, anchor, new Date('2024-01-01T12:00:00Z')), period('2023-06-05', '2024-06-05', 50_000n));
  });
});

describe('currentPeriod: every PeriodType at a boundary (the instant before, at, after), anchored Wednesday 10 January 2024', () => {
  const anchor = new Date('2024-01-10T14:30:00Z');
  const cases: Array<{ type: PeriodType; alignment: PeriodAlignment; boundary: string; before: LimitPeriod; after: LimitPeriod }> = [
    {
      type: 'Day',
      alignment: 'Consent',
      boundary: '2024-01-11',
      before: period('2024-01-10', '2024-01-11', 7_000n),
      after: period('2024-01-11', '2024-01-12', 7_000n),
    },
    {
      type: 'Day',
      alignment: 'Calendar',
      boundary: '2024-01-11',
      before: period('2024-01-10', '2024-01-11', 7_000n),
      after: period('2024-01-11', '2024-01-12', 7_000n),
    },
    {
      type: 'Week',
      alignment: 'Consent',
      boundary: '2024-01-17',
      before: period('2024-01-10', '2024-01-17', 7_000n),
      after: period('2024-01-17', '2024-01-24', 7_000n),
    },
    // Wednesday to Sunday: 5 of the ISO week's 7 days.
    {
      type: 'Week',
      alignment: 'Calendar',
      boundary: '2024-01-15',
      before: period('2024-01-10', '2024-01-15', 5_000n),
      after: period('2024-01-15', '2024-01-22', 7_000n),
    },
    {
      type: 'Fortnight',
      alignment: 'Consent',
      boundary: '2024-01-24',
      before: period('2024-01-10', '2024-01-24', 7_000n),
      after: period('2024-01-24', '2024-02-07', 7_000n),
    },
    {
      type: 'Month',
      alignment: 'Consent',
      boundary: '2024-02-10',
      before: period('2024-01-10', '2024-02-10', 7_000n),
      after: period('2024-02-10', '2024-03-10', 7_000n),
    },
    // 10–31 January: 22 of 31 days → 7000 × 22/31 = 4967.7.
    {
      type: 'Month',
      alignment: 'Calendar',
      boundary: '2024-02-01',
      before: period('2024-01-10', '2024-02-01', 4_967n),
      after: period('2024-02-01', '2024-03-01', 7_000n),
    },
    {
      type: 'Half-year',
      alignment: 'Consent',
      boundary: '2024-07-10',
      before: period('2024-01-10', '2024-07-10', 7_000n),
      after: period('2024-07-10', '2025-01-10', 7_000n),
    },
    // 10 January – 30 June 2024: 173 of the half-year's 182 days → 6653.8; July–December has 184 days.
    {
      type: 'Half-year',
      alignment: 'Calendar',
      boundary: '2024-07-01',
      before: period('2024-01-10', '2024-07-01', 6_653n),
      after: period('2024-07-01', '2025-01-01', 7_000n),
    },
    {
      type: 'Year',
      alignment: 'Consent',
      boundary: '2025-01-10',
      before: period('2024-01-10', '2025-01-10', 7_000n),
      after: period('2025-01-10', '2026-01-10', 7_000n),
    },
    // 10 January – 31 December 2024: 357 of the leap year's 366 days → 6827.8.
    {
      type: 'Year',
      alignment: 'Calendar',
      boundary: '2025-01-01',
      before: period('2024-01-10', '2025-01-01', 6_827n),
      after: period('2025-01-01', '2026-01-01', 7_000n),
    },
  ];
  for (const { type, alignment, boundary, before: earlier, after: later } of cases) {
    test(`${type}, ${alignment}: 1 ms before ${boundary} → ${earlier.limitMinor} to ${boundary}; at and 1 ms after → the next period`, () => {
      const instant = ukDay(boundary);
      const limited = limit(type, alignment, 7_000n);
      assert.deepEqual(currentPeriod(limited, anchor, before(instant)), earlier);
      assert.deepEqual(currentPeriod(limited, anchor, instant), later);
      assert.deepEqual(currentPeriod(limited, anchor, after(instant)), later);
    });
  }
});

describe('currentPeriod: consent-aligned months at month ends and on 29 February', () => {
  test('from 31 January 2025: 31 Jan–27 Feb, 28 Feb–30 Mar, 31 Mar–29 Apr, 30 Apr–30 May (back to the 31st when the month has one)', () => {
    const monthly = limit('Month', 'Consent', 1_000n);
    const anchor = ukDay('2025-01-31');
    assert.deepEqual(currentPeriod(monthly, anchor, before(ukDay('2025-02-28'))), period('2025-01-31', '2025-02-28', 1_000n));
    assert.deepEqual(currentPeriod(monthly, anchor, ukDay('2025-02-28')), period('2025-02-28', '2025-03-31', 1_000n));
    assert.deepEqual(currentPeriod(monthly, anchor, before(ukDay('2025-03-31'))), period('2025-02-28', '2025-03-31', 1_000n));
    assert.deepEqual(currentPeriod(monthly, anchor, ukDay('2025-03-31')), period('2025-03-31', '2025-04-30', 1_000n));
    assert.deepEqual(currentPeriod(monthly, anchor, ukDay('2025-05-15')), period('2025-04-30', '2025-05-31', 1_000n));
  });

  test('from 31 January 2024, a leap year: the second period starts 29 February', () => {
    const monthly = limit('Month', 'Consent', 1_000n);
    assert.deepEqual(currentPeriod(monthly, ukDay('2024-01-31'), ukDay('2024-02-29')), period('2024-02-29', '2024-03-31', 1_000n));
    assert.deepEqual(currentPeriod(monthly, ukDay('2024-01-31'), before(ukDay('2024-02-29'))), period('2024-01-31', '2024-02-29', 1_000n));
  });

  test('from 31 August, half-years: 31 Aug–27 Feb, 28 Feb–30 Aug (2025)', () => {
    const halfYearly = limit('Half-year', 'Consent', 1_000n);
    assert.deepEqual(currentPeriod(halfYearly, ukDay('2024-08-31'), ukDay('2025-02-27')), period('2024-08-31', '2025-02-28', 1_000n));
    assert.deepEqual(currentPeriod(halfYearly, ukDay('2024-08-31'), ukDay('2025-02-28')), period('2025-02-28', '2025-08-31', 1_000n));
  });

  test('from 29 February 2024, years: to 27 Feb 2025, then from 28 February each year, and from 29 February again in 2028', () => {
    const yearly = limit('Year', 'Consent', 1_000n);
    const anchor = ukDay('2024-02-29');
    assert.deepEqual(currentPeriod(yearly, anchor, before(ukDay('2025-02-28'))), period('2024-02-29', '2025-02-28', 1_000n));
    assert.deepEqual(currentPeriod(yearly, anchor, ukDay('2025-02-28')), period('2025-02-28', '2026-02-28', 1_000n));
    assert.deepEqual(currentPeriod(yearly, anchor, ukDay('2027-12-31')), period('2027-02-28', '2028-02-29', 1_000n));
    assert.deepEqual(currentPeriod(yearly, anchor, ukDay('2028-02-29')), period('2028-02-29', '2029-02-28', 1_000n));
  });

  test('calendar periods from 29 February 2024: the month pro-rated to 1/29, the year to 307/366', () => {
    const anchor = ukDay('2024-02-29');
    assert.deepEqual(currentPeriod(limit('Month', 'Calendar', 30_000n), anchor, anchor), period('2024-02-29', '2024-03-01', 1_034n));
    assert.deepEqual(currentPeriod(limit('Year', 'Calendar', 50_000n), anchor, anchor), period('2024-02-29', '2025-01-01', 41_939n));
  });
});

describe('currentPeriod: pro-rating and the edges of the first period', () => {
  test('anchored on the first day of its calendar period → the full amount', () => {
    assert.deepEqual(
      currentPeriod(limit('Month', 'Calendar', 30_000n), ukDay('2024-09-01'), ukDay('2024-09-30')),
      period('2024-09-01', '2024-10-01', 30_000n),
    );
    assert.deepEqual(
      currentPeriod(limit('Week', 'Calendar', 7_000n), ukDay('2024-06-03'), ukDay('2024-06-03')),
      period('2024-06-03', '2024-06-10', 7_000n),
    );
    assert.deepEqual(
      currentPeriod(limit('Half-year', 'Calendar', 7_000n), ukDay('2024-07-01'), ukDay('2024-12-31')),
      period('2024-07-01', '2025-01-01', 7_000n),
    );
  });

  test('anchored on the last day of its calendar period → one day’s share, rounded down', () => {
    assert.deepEqual(
      currentPeriod(limit('Year', 'Calendar', 50_000n), ukDay('2025-12-31'), ukDay('2025-12-31')),
      period('2025-12-31', '2026-01-01', 136n),
    );
    assert.deepEqual(
      currentPeriod(limit('Week', 'Calendar', 100n), ukDay('2024-06-09'), ukDay('2024-06-09')),
      period('2024-06-09', '2024-06-10', 14n),
    );
  });

  test('£1.00 a calendar week from a Tuesday → 85p (100 × 6/7 = 85.7, rounded down)', () => {
    assert.equal(currentPeriod(limit('Week', 'Calendar', 100n), ukDay('2024-06-04'), ukDay('2024-06-04')).limitMinor, 85n);
  });

  test('the time of day of the anchor is disregarded: anchored at 23:59 UK time, the first period still starts that day', () => {
    const lateEvening = new Date('2024-06-05T22:59:00Z'); // 23:59 BST on 5 June
    assert.deepEqual(currentPeriod(limit('Week', 'Consent', 1_000n), lateEvening, lateEvening), period('2024-06-05', '2024-06-12', 1_000n));
  });

  test('before the anchor’s day → the first period', () => {
    assert.deepEqual(
      currentPeriod(limit('Month', 'Calendar', 30_000n), ukDay('2021-06-06'), ukDay('2021-05-01')),
      period('2021-06-06', '2021-07-01', 25_000n),
    );
  });

  test('years after the anchor → the period holding now (3653 days later is day 13 of fortnight 260)', () => {
    assert.deepEqual(
      currentPeriod(limit('Fortnight', 'Consent', 1_000n), ukDay('2024-01-10'), ukDay('2034-01-10')),
      period('2033-12-28', '2034-01-11', 1_000n),
    );
  });

  test('a Fortnight aligned with the calendar → InvalidField', () => {
    assert.throws(() => currentPeriod(limit('Fortnight', 'Calendar', 1_000n), ukDay('2024-01-10'), ukDay('2024-01-10')), InvalidField);
  });
});

describe('currentPeriod: UK clock changes', () => {
  test('the day the clocks go forward (31 March 2024) → 23 hours, 00:00 GMT to 00:00 BST', () => {
    const daily = limit('Day', 'Calendar', 1_000n);
    const found = currentPeriod(daily, ukDay('2024-03-01'), new Date('2024-03-31T12:00:00Z'));
    assert.deepEqual(found, { start: new Date('2024-03-31T00:00:00Z'), end: new Date('2024-03-31T23:00:00Z'), limitMinor: 1_000n });
    assert.deepEqual(currentPeriod(daily, ukDay('2024-03-01'), new Date('2024-03-31T22:59:59.999Z')), found);
    assert.deepEqual(currentPeriod(daily, ukDay('2024-03-01'), new Date('2024-03-31T23:00:00Z')).start, new Date('2024-03-31T23:00:00Z'));
  });

  test('the day the clocks go back (27 October 2024) → 25 hours; 01:30 BST and 01:30 GMT fall in the same day', () => {
    const daily = limit('Day', 'Consent', 1_000n);
    const expected = { start: new Date('2024-10-26T23:00:00Z'), end: new Date('2024-10-28T00:00:00Z'), limitMinor: 1_000n };
    assert.deepEqual(currentPeriod(daily, ukDay('2024-10-01'), new Date('2024-10-27T00:30:00Z')), expected);
    assert.deepEqual(currentPeriod(daily, ukDay('2024-10-01'), new Date('2024-10-27T01:30:00Z')), expected);
    assert.deepEqual(currentPeriod(daily, ukDay('2024-10-01'), new Date('2024-10-27T23:59:59.999Z')), expected);
  });

  test('a week across the spring change starts at 00:00 GMT and ends at 00:00 BST', () => {
    const weekly = limit('Week', 'Calendar', 7_000n);
    assert.deepEqual(currentPeriod(weekly, ukDay('2024-03-01'), new Date('2024-03-28T12:00:00Z')), {
      start: new Date('2024-03-25T00:00:00Z'),
      end: new Date('2024-03-31T23:00:00Z'),
      limitMinor: 7_000n,
    });
  });
});
