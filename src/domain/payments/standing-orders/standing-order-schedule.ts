import { parseRequestDateTime } from '../../dates.js';
import { FieldMissing, FieldUnexpected, InvalidDate, InvalidField } from '../../errors.js';
import { parseAmount } from '../../money.js';
import { textOf } from '../../text.js';
import { nextOccurrence, parseFrequency, type Frequency } from './frequency.js';

const INITIATION = 'Data.Initiation';
const MANDATE = `${INITIATION}.MandateRelatedInformation`;

/** One payment of a standing order: its number (from 1), when it is due and how much it pays. */
export interface ScheduledInstalment {
  readonly number: number;
  readonly dueAt: Date;
  readonly amountMinor: bigint;
}

/**
 * A standing order's schedule, read from its `Initiation` (`OBDomesticStandingOrder3`): the first payment at
 * `FirstPaymentDateTime` of `FirstPaymentAmount`; the second at `RecurringPaymentDateTime` if given, else at the next
 * moment of the frequency, and each later one at the next moment after the one before, of `RecurringPaymentAmount`
 * (else the first amount); the last of `FinalPaymentAmount` if given. It ends after `NumberOfPayments` payments or with
 * the last moment not after `FinalPaymentDateTime` (whichever comes first), or never.
 */
export interface StandingOrderSchedule {
  readonly frequency: Frequency;
  readonly currency: string;
  readonly first: ScheduledInstalment;
  readonly recurringAt: Date | null;
  readonly recurringAmountMinor: bigint;
  readonly finalAt: Date | null;
  readonly finalAmountMinor: bigint | null;
  readonly numberOfPayments: number | null;
}

interface StandingOrderInitiation {
  readonly NumberOfPayments?: unknown;
  readonly FirstPaymentAmount?: { Amount?: unknown; Currency?: unknown };
  readonly RecurringPaymentAmount?: { Amount?: unknown; Currency?: unknown };
  readonly FinalPaymentAmount?: { Amount?: unknown; Currency?: unknown };
  readonly MandateRelatedInformation?: {
    FirstPaymentDateTime?: unknown;
    RecurringPaymentDateTime?: unknown;
    FinalPaymentDateTime?: unknown;
    Frequency?: { Type?: unknown; CountPerPeriod?: unknown; PointInTime?: unknown };
  };
}

/**
 * Reads and checks a standing order's schedule (the `Initiation` is schema-valid). With `now` (a new consent) the first
 * payment must be in the future.
 * @throws UnsupportedFrequency (U025) for a frequency this bank does not run; FieldMissing (U004) without
 *   `FirstPaymentDateTime`; InvalidDate (U003) for a first payment not in the future, or a recurring or final date
 *   before the first; InvalidField (U002) for an amount of zero, of too many decimals or in another currency than the
 *   first, or a `NumberOfPayments` that is not a whole number from 1; FieldUnexpected (U005) for a
 *   `FinalPaymentAmount` without `NumberOfPayments` or `FinalPaymentDateTime`, or `CountPerPeriod`/`PointInTime`
 *   (the schedule code says it all).
 */
export function readStandingOrderSchedule(initiation: StandingOrderInitiation, now: Date | null): StandingOrderSchedule {
  const mandate = initiation.MandateRelatedInformation ?? {};
  const frequency = parseFrequency(textOf(mandate.Frequency?.Type), `${MANDATE}.Frequency.Type`);
  for (const member of ['CountPerPeriod', 'PointInTime'] as const) {
    if (mandate.Frequency?.[member] !== undefined) {
      throw new FieldUnexpected(
        `${member} is not used with a schedule code such as ${textOf(mandate.Frequency.Type)}`,
        `${MANDATE}.Frequency.${member}`,
      );
    }
  }
  const currency = textOf(initiation.FirstPaymentAmount?.Currency);
  const amount = (value: { Amount?: unknown; Currency?: unknown }, member: string): bigint => {
    if (textOf(value.Currency) !== currency)
      throw new InvalidField(`${member} must be in ${currency}, as FirstPaymentAmount`, `${INITIATION}.${member}.Currency`);
    const minor = parseAmount(textOf(value.Amount), currency, `${INITIATION}.${member}.Amount`);
    if (minor <= 0n) throw new InvalidField('The amount must be greater than zero', `${INITIATION}.${member}.Amount`);
    return minor;
  };
  const date = (value: unknown, member: string) => (value === undefined ? null : parseRequestDateTime(textOf(value), `${MANDATE}.${member}`));
  const firstAt = date(mandate.FirstPaymentDateTime, 'FirstPaymentDateTime');
  if (!firstAt) throw new FieldMissing('FirstPaymentDateTime is required: when the first payment is made', `${MANDATE}.FirstPaymentDateTime`);
  if (now && firstAt.getTime() <= now.getTime())
    throw new InvalidDate('FirstPaymentDateTime must be in the future', `${MANDATE}.FirstPaymentDateTime`);
  const recurringAt = date(mandate.RecurringPaymentDateTime, 'RecurringPaymentDateTime');
  if (recurringAt && recurringAt.getTime() <= firstAt.getTime()) {
    throw new InvalidDate('RecurringPaymentDateTime must be after FirstPaymentDateTime', `${MANDATE}.RecurringPaymentDateTime`);
  }
  const finalAt = date(mandate.FinalPaymentDateTime, 'FinalPaymentDateTime');
  if (finalAt && finalAt.getTime() < firstAt.getTime()) {
    throw new InvalidDate('FinalPaymentDateTime must not be before FirstPaymentDateTime', `${MANDATE}.FinalPaymentDateTime`);
  }
  const numberOfPayments = initiation.NumberOfPayments === undefined ? null : Number(initiation.NumberOfPayments);
  if (
    numberOfPayments !== null &&
    !(Number.isSafeInteger(numberOfPayments) && numberOfPayments >= 1 && /^\d+$/.test(textOf(initiation.NumberOfPayments)))
  ) {
    throw new InvalidField('NumberOfPayments must be a whole number from 1', `${INITIATION}.NumberOfPayments`);
  }
  if (initiation.FinalPaymentAmount && numberOfPayments === null && finalAt === null) {
    throw new FieldUnexpected(
      'FinalPaymentAmount needs NumberOfPayments or FinalPaymentDateTime: the last payment must be known',
      `${INITIATION}.FinalPaymentAmount`,
    );
  }
  const firstAmountMinor = amount(initiation.FirstPaymentAmount ?? {}, 'FirstPaymentAmount');
  return {
    frequency,
    currency,
    first: { number: 1, dueAt: firstAt, amountMinor: firstAmountMinor },
    recurringAt,
    recurringAmountMinor: initiation.RecurringPaymentAmount ? amount(initiation.RecurringPaymentAmount, 'RecurringPaymentAmount') : firstAmountMinor,
    finalAt,
    finalAmountMinor: initiation.FinalPaymentAmount ? amount(initiation.FinalPaymentAmount, 'FinalPaymentAmount') : null,
    numberOfPayments,
  };
}

/** The payment after `previous`, or null when `previous` was the last. */
export function nextInstalment(schedule: StandingOrderSchedule, previous: ScheduledInstalment): ScheduledInstalment | null {
  const number = previous.number + 1;
  if (schedule.numberOfPayments !== null && number > schedule.numberOfPayments) return null;
  const dueAt = number === 2 && schedule.recurringAt ? schedule.recurringAt : nextOccurrence(schedule.frequency, previous.dueAt);
  if (schedule.finalAt && dueAt.getTime() > schedule.finalAt.getTime()) return null;
  const last =
    schedule.numberOfPayments === number ||
    (schedule.finalAt !== null && nextOccurrence(schedule.frequency, dueAt).getTime() > schedule.finalAt.getTime());
  return { number, dueAt, amountMinor: last && schedule.finalAmountMinor !== null ? schedule.finalAmountMinor : schedule.recurringAmountMinor };
}
