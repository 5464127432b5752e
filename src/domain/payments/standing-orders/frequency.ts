import { DomainError } from '../../errors.js';
import { civilDateOf, dayNumberOf, daysInMonth, isoWeekdayOf } from '../vrp/uk-calendar.js';

/** A `Frequency.Type` this bank does not run standing orders at (OBIE U025, `UK.OBIE.Unsupported.Frequency`). */
export class UnsupportedFrequency extends DomainError {
  readonly code = 'UnsupportedFrequency';
}

/**
 * A standing order's frequency, parsed from the OBIE schedule-code grammar of `Frequency.Type` (`Frequency_1`):
 * every day, every working day (Monday to Friday), every N days, every N weeks on a weekday, every N months on a day
 * of the month (a negative day counts from the month's end), or on the quarter days of the English, Scottish or
 * "received" calendar.
 */
export type Frequency =
  | { readonly kind: 'every-day' }
  | { readonly kind: 'every-working-day' }
  | { readonly kind: 'interval-days'; readonly days: number }
  | { readonly kind: 'interval-weeks'; readonly weeks: number; readonly isoWeekday: number }
  | { readonly kind: 'interval-months'; readonly months: number; readonly dayOfMonth: number }
  | { readonly kind: 'quarter-days'; readonly calendar: 'ENGLISH' | 'SCOTTISH' | 'RECEIVED' };

/** The quarter days of each calendar, as [month, day]. */
const QUARTER_DAYS: Readonly<Record<'ENGLISH' | 'SCOTTISH' | 'RECEIVED', ReadonlyArray<readonly [number, number]>>> = {
  ENGLISH: [
    [3, 25],
    [6, 24],
    [9, 29],
    [12, 25],
  ],
  SCOTTISH: [
    [2, 2],
    [5, 15],
    [8, 1],
    [11, 11],
  ],
  RECEIVED: [
    [3, 20],
    [6, 19],
    [9, 24],
    [12, 20],
  ],
};

const SCHEDULE_CODES: ReadonlyArray<readonly [RegExp, (match: RegExpExecArray) => Frequency]> = [
  [/^EvryDay$/, () => ({ kind: 'every-day' })],
  [/^EvryWorkgDay$/, () => ({ kind: 'every-working-day' })],
  [/^IntrvlDay:(0[2-9]|[12][0-9]|3[01])$/, (match) => ({ kind: 'interval-days', days: Number(match[1]) })],
  [/^IntrvlWkDay:(0[1-9]):(0[1-7])$/, (match) => ({ kind: 'interval-weeks', weeks: Number(match[1]), isoWeekday: Number(match[2]) })],
  [
    /^IntrvlMnthDay:(0[1-6]|12|24):(-0[1-5]|0[1-9]|[12][0-9]|3[01])$/,
    (match) => ({ kind: 'interval-months', months: Number(match[1]), dayOfMonth: Number(match[2]) }),
  ],
  [/^QtrDay:(ENGLISH|SCOTTISH|RECEIVED)$/, (match) => ({ kind: 'quarter-days', calendar: match[1] as 'ENGLISH' | 'SCOTTISH' | 'RECEIVED' })],
];

/**
 * Parses `Frequency.Type`.
 * @throws UnsupportedFrequency (U025, with `path`) for `NotKnown`, `WkInMnthDay:…` and the ISO `OBFrequency6Code`
 *   values (`MNTH`, `WEEK`, …), which this bank does not run, and for anything outside the grammar.
 */
export function parseFrequency(type: string, path: string): Frequency {
  for (const [pattern, build] of SCHEDULE_CODES) {
    const match = pattern.exec(type);
    if (match) return build(match);
  }
  throw new UnsupportedFrequency(
    `Frequency ${type} is not supported; use EvryDay, EvryWorkgDay, IntrvlDay:NN, IntrvlWkDay:NN:0D, IntrvlMnthDay:NN:DD or QtrDay:ENGLISH|SCOTTISH|RECEIVED`,
    path,
  );
}

const MS_PER_DAY = 86_400_000;

/**
 * The first moment of the frequency strictly after `after`, at the same UTC time of day: the next day, the next
 * Monday-to-Friday day, N days on, the next of the weekday N-1 weeks on, the day of the month (the last day of a
 * shorter month) in the month or N, 2N … months on, or the next quarter day.
 */
export function nextOccurrence(frequency: Frequency, after: Date): Date {
  const day = Math.floor(after.getTime() / MS_PER_DAY);
  const timeOfDayMs = after.getTime() - day * MS_PER_DAY;
  const at = (dayNumber: number) => new Date(dayNumber * MS_PER_DAY + timeOfDayMs);
  switch (frequency.kind) {
    case 'every-day':
      return at(day + 1);
    case 'every-working-day': {
      let next = day + 1;
      while (isoWeekdayOf(next) > 5) next += 1;
      return at(next);
    }
    case 'interval-days':
      return at(day + frequency.days);
    case 'interval-weeks': {
      let next = day + 1 + 7 * (frequency.weeks - 1);
      while (isoWeekdayOf(next) !== frequency.isoWeekday) next += 1;
      return at(next);
    }
    case 'interval-months': {
      const { year, month } = civilDateOf(day);
      for (let step = 0; ; step += frequency.months) {
        const monthIndex = year * 12 + (month - 1) + step;
        const candidate = dayOfMonth(Math.floor(monthIndex / 12), (monthIndex % 12) + 1, frequency.dayOfMonth);
        if (candidate > day) return at(candidate);
      }
    }
    case 'quarter-days': {
      const { year } = civilDateOf(day);
      for (let candidateYear = year; ; candidateYear += 1) {
        for (const [month, dayInMonth] of QUARTER_DAYS[frequency.calendar]) {
          const candidate = dayNumberOf({ year: candidateYear, month, day: dayInMonth });
          if (candidate > day) return at(candidate);
        }
      }
    }
  }
}

/** The day number of `day` of a month: 31 in a 30-day month is its last day; -1 is the last day, -2 the day before. */
function dayOfMonth(year: number, month: number, day: number): number {
  const length = daysInMonth(year, month);
  const inMonth = day < 0 ? length + 1 + day : Math.min(day, length);
  return dayNumberOf({ year, month, day: inMonth });
}
