import type { Frequency } from '../domain/payments/standing-orders/frequency.js';
import type { StandingOrderSchedule } from '../domain/payments/standing-orders/standing-order-schedule.js';
import { formatCustomerDateTime } from './formats.js';

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const QUARTER_DAYS = {
  ENGLISH: '25 March, 24 June, 29 September and 25 December',
  SCOTTISH: '2 February, 15 May, 1 August and 11 November',
  RECEIVED: '20 March, 19 June, 24 September and 20 December',
};

/** A standing order's frequency as a customer reads it: `every month on day 15`, `every 2 weeks on Friday`. */
export function describeFrequency(frequency: Frequency): string {
  const every = (count: number, unit: string) => (count === 1 ? `every ${unit}` : `every ${count} ${unit}s`);
  switch (frequency.kind) {
    case 'every-day':
      return 'every day';
    case 'every-working-day':
      return 'every working day (Monday to Friday)';
    case 'interval-days':
      return every(frequency.days, 'day');
    case 'interval-weeks':
      return `${every(frequency.weeks, 'week')} on ${WEEKDAYS[frequency.isoWeekday - 1] ?? ''}`;
    case 'interval-months':
      return `${every(frequency.months, 'month')} on ${frequency.dayOfMonth < 0 ? `the ${ordinalFromEnd(-frequency.dayOfMonth)} day` : `day ${frequency.dayOfMonth}`}`;
    case 'quarter-days':
      return `on ${QUARTER_DAYS[frequency.calendar]}`;
  }
}

/** When a standing order pays: `15 January 2027 at 09:00, then every month on day 15 (12 payments in all)`. */
export function describeStandingOrderDates(schedule: StandingOrderSchedule): string {
  const end =
    schedule.numberOfPayments !== null
      ? ` (${schedule.numberOfPayments} ${schedule.numberOfPayments === 1 ? 'payment' : 'payments'} in all)`
      : schedule.finalAt
        ? `, until ${formatCustomerDateTime(schedule.finalAt)}`
        : ', until you cancel it';
  return `${formatCustomerDateTime(schedule.first.dueAt)}, then ${describeFrequency(schedule.frequency)}${end}`;
}

function ordinalFromEnd(days: number): string {
  return days === 1 ? 'last' : `${days === 2 ? '2nd' : days === 3 ? '3rd' : `${days}th`} last`;
}
