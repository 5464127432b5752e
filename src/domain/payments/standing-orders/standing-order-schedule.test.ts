// Proves how a standing order's schedule is read from its Initiation and unrolled: first, recurring and final amounts
// and dates, NumberOfPayments and FinalPaymentDateTime ending it, and the refusals (U003, U004, U002, U005, U025).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FieldMissing, FieldUnexpected, InvalidDate, InvalidField } from '../../errors.js';
import { UnsupportedFrequency } from './frequency.js';
import { nextInstalment, readStandingOrderSchedule, type ScheduledInstalment, type StandingOrderSchedule } from './standing-order-schedule.js';

const NOW = new Date('2027-01-01T00:00:00Z');
const gbp = (Amount: string) => ({ Amount, Currency: 'GBP' });

function initiation(overrides: Record<string, unknown> = {}, mandate: Record<string, unknown> = {}) {
  return {
    FirstPaymentAmount: gbp('100.00'),
    MandateRelatedInformation: { FirstPaymentDateTime: '2027-01-15T09:00:00Z', Frequency: { Type: 'IntrvlMnthDay:01:15' }, ...mandate },
    ...overrides,
  };
}

function unroll(schedule: StandingOrderSchedule, limit = 10): Array<[string, bigint]> {
  const out: ScheduledInstalment[] = [schedule.first];
  for (let next = nextInstalment(schedule, schedule.first); next && out.length < limit; next = nextInstalment(schedule, next)) out.push(next);
  return out.map((instalment) => [instalment.dueAt.toISOString().slice(0, 10), instalment.amountMinor]);
}

describe('readStandingOrderSchedule and nextInstalment', () => {
  it('NumberOfPayments 3 with first, recurring and final amounts → three payments, monthly, the last of the final amount', () => {
    const schedule = readStandingOrderSchedule(
      initiation({ NumberOfPayments: '3', RecurringPaymentAmount: gbp('50.00'), FinalPaymentAmount: gbp('25.50') }),
      NOW,
    );
    assert.deepEqual(unroll(schedule), [
      ['2027-01-15', 10_000n],
      ['2027-02-15', 5_000n],
      ['2027-03-15', 2_550n],
    ]);
  });

  it('FinalPaymentDateTime → payments up to it, the last one of the final amount; RecurringPaymentDateTime moves the second', () => {
    const schedule = readStandingOrderSchedule(
      initiation(
        { FinalPaymentAmount: gbp('1.00') },
        { RecurringPaymentDateTime: '2027-02-20T09:00:00Z', FinalPaymentDateTime: '2027-04-30T00:00:00Z' },
      ),
      NOW,
    );
    assert.deepEqual(unroll(schedule), [
      ['2027-01-15', 10_000n],
      ['2027-02-20', 10_000n],
      ['2027-03-15', 10_000n],
      ['2027-04-15', 100n],
    ]);
  });

  it('neither NumberOfPayments nor FinalPaymentDateTime → open-ended, every payment of the recurring amount', () => {
    assert.equal(unroll(readStandingOrderSchedule(initiation({}, { Frequency: { Type: 'EvryDay' } }), NOW), 40).length, 40);
  });

  it('refuses: a past first payment (U003), none (U004), a bad NumberOfPayments or another currency (U002), a final amount without an end or CountPerPeriod (U005), an unsupported frequency (U025)', () => {
    const refused = (body: ReturnType<typeof initiation>, type: new (...args: never[]) => Error, path: string) =>
      assert.throws(
        () => readStandingOrderSchedule(body, NOW),
        (error: unknown) => error instanceof type && (error as { path?: string }).path === path,
        path,
      );
    const mandate = 'Data.Initiation.MandateRelatedInformation';
    refused(initiation({}, { FirstPaymentDateTime: '2026-12-31T09:00:00Z' }), InvalidDate, `${mandate}.FirstPaymentDateTime`);
    refused(initiation({}, { FirstPaymentDateTime: undefined }), FieldMissing, `${mandate}.FirstPaymentDateTime`);
    refused(initiation({}, { FinalPaymentDateTime: '2027-01-01T00:00:00Z' }), InvalidDate, `${mandate}.FinalPaymentDateTime`);
    refused(initiation({ NumberOfPayments: '0' }), InvalidField, 'Data.Initiation.NumberOfPayments');
    refused(initiation({ NumberOfPayments: '1.5' }), InvalidField, 'Data.Initiation.NumberOfPayments');
    refused(
      initiation({ RecurringPaymentAmount: { Amount: '1.00', Currency: 'EUR' } }),
      InvalidField,
      'Data.Initiation.RecurringPaymentAmount.Currency',
    );
    refused(initiation({ FinalPaymentAmount: gbp('1.00') }), FieldUnexpected, 'Data.Initiation.FinalPaymentAmount');
    refused(initiation({}, { Frequency: { Type: 'EvryDay', CountPerPeriod: 1 } }), FieldUnexpected, `${mandate}.Frequency.CountPerPeriod`);
    refused(initiation({}, { Frequency: { Type: 'MNTH' } }), UnsupportedFrequency, `${mandate}.Frequency.Type`);
  });

  it('a stored schedule (no now) is read whatever the time', () => {
    assert.equal(readStandingOrderSchedule(initiation(), null).first.dueAt.toISOString(), '2027-01-15T09:00:00.000Z');
  });
});
