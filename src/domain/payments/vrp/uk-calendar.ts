/**
 * Days of the UK calendar, the unit of every VRP date rule. The standard disregards the time of day in VRP dates
 * ("The time element of the date should be disregarded in computing the date range and pro-rating",
 * OBDomesticVRPControlParameters), but says nothing of the zone whose calendar counts; a UK bank's customer expects
 * UK local time, so a day here runs from 00:00 to 00:00 in Europe/London (23 hours on the last Sunday of March,
 * 25 on the last Sunday of October). A day is held as a day number: whole days since 1970-01-01, no zone in it.
 */

/** The zone whose calendar VRP days, weeks, months and years follow. */
export const VRP_TIME_ZONE = 'Europe/London';

const MS_PER_DAY = 86_400_000;

const UK_PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: VRP_TIME_ZONE,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
  hourCycle: 'h23',
});

/** A calendar date: `month` 1–12, `day` 1–31. */
export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** The day number of a calendar date (`1970-01-01` → 0). */
export function dayNumberOf(date: CivilDate): number {
  return Date.UTC(date.year, date.month - 1, date.day) / MS_PER_DAY;
}

/** The calendar date of a day number. */
export function civilDateOf(dayNumber: number): CivilDate {
  const date = new Date(dayNumber * MS_PER_DAY);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** ISO weekday of a day number: 1 Monday … 7 Sunday. */
export function isoWeekdayOf(dayNumber: number): number {
  // 1970-01-01 was a Thursday (4).
  return ((((dayNumber + 3) % 7) + 7) % 7) + 1;
}

/** Days in a month of a year (leap years counted). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Wall-clock fields of an instant in UK local time. */
function ukFields(instant: Date): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of UK_PARTS.formatToParts(instant)) {
    if (part.type in fields) fields[part.type as keyof typeof fields] = Number(part.value);
  }
  return fields;
}

/** The UK calendar day an instant falls on. */
export function ukDayOf(instant: Date): number {
  const ms = instant.getTime();
  if (!(ms >= HOURLY_OFFSETS_FROM_MS)) return dayNumberOf(ukFields(instant));
  return Math.floor((ms + ukOffsetMs(instant)) / MS_PER_DAY);
}

/**
 * Since 1981 UK clocks change at 01:00 UTC (Summer Time Order 1980; EU rules from 1996), so from then on UK local time
 * is a whole number of hours ahead of UTC, the same throughout each UTC hour: the offset is worked out once per hour
 * (Intl's formatting is slow, and each VRP payment asks for several days) and kept.
 */
const HOURLY_OFFSETS_FROM_MS = Date.UTC(1981, 0, 1);
const MS_PER_HOUR = 3_600_000;
/** UK offsets by UTC hour number, since {@link HOURLY_OFFSETS_FROM_MS}; emptied when it grows past its bound. */
const offsetsByHour = new Map<number, number>();
const MAX_CACHED_HOURS = 4_096;

/** How far UK local time is ahead of UTC at an instant, in milliseconds (0 in winter, 3 600 000 in summer). */
function ukOffsetMs(instant: Date): number {
  const ms = instant.getTime();
  if (!(ms >= HOURLY_OFFSETS_FROM_MS)) return offsetFromFields(instant);
  const hour = Math.floor(ms / MS_PER_HOUR);
  let offset = offsetsByHour.get(hour);
  if (offset === undefined) {
    offset = offsetFromFields(new Date(hour * MS_PER_HOUR));
    if (offsetsByHour.size >= MAX_CACHED_HOURS) offsetsByHour.clear();
    offsetsByHour.set(hour, offset);
  }
  return offset;
}

/** {@link ukOffsetMs} from the wall-clock fields Intl gives for the instant. */
function offsetFromFields(instant: Date): number {
  const fields = ukFields(instant);
  const wall = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second);
  return wall - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant a UK calendar day begins (00:00 Europe/London; UK clocks never change at midnight). */
export function ukStartOfDay(dayNumber: number): Date {
  const midnightUtc = dayNumber * MS_PER_DAY;
  return new Date(midnightUtc - ukOffsetMs(new Date(midnightUtc)));
}
