import { InvalidField } from '../../errors.js';
import type { PeriodicLimit, PeriodType } from './control-parameters.js';
import { civilDateOf, dayNumberOf, daysInMonth, isoWeekdayOf, ukDayOf, ukStartOfDay, type CivilDate } from './uk-calendar.js';

/** One period of a periodic limit: payments made in `[start, end)` share `limitMinor`. */
export interface LimitPeriod {
  /** 00:00 UK time on the period's first day. */
  readonly start: Date;
  /** 00:00 UK time on the day after the period's last day (exclusive). */
  readonly end: Date;
  /** The limit in this period: the limit's amount, or less in a pro-rated first calendar period. */
  readonly limitMinor: bigint;
}

/** Calendar months in a period of each type that is counted in months. */
const MONTHS: Partial<Record<PeriodType, number>> = { Month: 1, 'Half-year': 6, Year: 12 };
/** Days in a period of each type that is counted in days. */
const DAYS: Partial<Record<PeriodType, number>> = { Day: 1, Week: 7, Fortnight: 14 };

/**
 * The period of `limit` that `now` falls in, for a consent whose periods count from `anchor` (see `periodAnchor`:
 * its `ValidFromDateTime`'s date, else the day it was created; "the period starts on the date of consent creation").
 * Every boundary is 00:00 UK time (Europe/London, see `uk-calendar.ts`), since the standard disregards the time of day.
 * Before the anchor's day, the first period is returned.
 *
 * `Consent` alignment: periods of 1, 7 or 14 days, or 1, 6 or 12 months, follow one another from the anchor's day
 * (domestic-vrp-consents.md, Example 2: created 05-Jun-2021, Month → 05-Jun–04-Jul, 05-Jul–04-Aug). Period n starts
 * n months after the anchor's date; a day the month lacks becomes the month's last day, and later periods return to
 * the anchor's day: from 31 January the periods start 28 (or 29) February, 31 March, 30 April…; from 29 February
 * 2024 the yearly periods start 28 February 2025, 2026, 2027 and 29 February 2028. The full amount applies throughout.
 *
 * `Calendar` alignment: calendar days; ISO weeks from Monday; calendar months; half-years January–June and
 * July–December; calendar years. "If the `PeriodAlignment` is `Calendar`, the limit is pro-rated in the first period
 * to the remaining number of days": the first period runs from the anchor's day to the end of its calendar period,
 * and its limit is `amount × days from the anchor's day to the period's last day, both counted ÷ days in the whole
 * calendar period`, rounded down to the minor unit (a limit never exceeds its share). The spec's Example 1 (Month,
 * £300, starting 06-Jun-2021 → £250.00 = 300 × 25/30) and Example 3's table (Year, £500, starting 06-Jun-2021 →
 * £286.30 = 500 × 209/365) both count the first day; Example 3's heading "created on 05-Jun-2021" disagrees with its
 * own table and with Example 1, so a consent anchored on 5 June gets 500 × 210/365 = £287.67. A Day limit is never
 * pro-rated (a day is the unit).
 * @throws InvalidField for a `Fortnight` limit with `Calendar` alignment (refused when the consent was created).
 */
export function currentPeriod(limit: PeriodicLimit, anchor: Date, now: Date): LimitPeriod {
  const anchorDay = ukDayOf(anchor);
  const today = Math.max(ukDayOf(now), anchorDay);
  const [startDay, endDay] =
    limit.alignment === 'Consent' ? consentPeriod(limit.periodType, anchorDay, today) : calendarPeriod(limit.periodType, today);
  if (startDay >= anchorDay) return { start: ukStartOfDay(startDay), end: ukStartOfDay(endDay), limitMinor: limit.amountMinor };
  const limitMinor = (limit.amountMinor * BigInt(endDay - anchorDay)) / BigInt(endDay - startDay);
  return { start: ukStartOfDay(anchorDay), end: ukStartOfDay(endDay), limitMinor };
}

/** `[first day, day after the last)` of the `Consent`-aligned period holding `today`. */
function consentPeriod(periodType: PeriodType, anchorDay: number, today: number): [number, number] {
  const days = DAYS[periodType];
  if (days !== undefined) {
    const start = anchorDay + Math.floor((today - anchorDay) / days) * days;
    return [start, start + days];
  }
  const months = MONTHS[periodType] ?? 12;
  const anchorDate = civilDateOf(anchorDay);
  const todayDate = civilDateOf(today);
  let index = Math.floor(((todayDate.year - anchorDate.year) * 12 + todayDate.month - anchorDate.month) / months);
  if (addMonths(anchorDate, index * months) > today) index -= 1;
  return [addMonths(anchorDate, index * months), addMonths(anchorDate, (index + 1) * months)];
}

/** `[first day, day after the last)` of the calendar period holding `today`. */
function calendarPeriod(periodType: PeriodType, today: number): [number, number] {
  if (periodType === 'Day') return [today, today + 1];
  if (periodType === 'Week') {
    const monday = today - isoWeekdayOf(today) + 1;
    return [monday, monday + 7];
  }
  if (periodType === 'Fortnight') throw new InvalidField('A Fortnight limit cannot be aligned with the calendar');
  const months = MONTHS[periodType] ?? 12;
  const { year, month } = civilDateOf(today);
  const first = { year, month: month - ((month - 1) % months), day: 1 };
  return [dayNumberOf(first), addMonths(first, months)];
}

/** The day `count` months after `date`, on the same day of the month or, when that month is shorter, its last day. */
function addMonths(date: CivilDate, count: number): number {
  const monthIndex = date.year * 12 + date.month - 1 + count;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12 + 1;
  return dayNumberOf({ year, month, day: Math.min(date.day, daysInMonth(year, month)) });
}
