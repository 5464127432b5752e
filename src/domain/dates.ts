import { InvalidDate } from './errors.js';

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parses an ISO 8601 date-time as OBIE requests carry it. Without a zone designator the time is read as
 * UTC (documented for partners); with one, the zone is honoured.
 * @throws InvalidDate (with `path`) for anything that is not a valid date-time.
 */
export function parseRequestDateTime(value: string, path: string): Date {
  const match = ISO_DATE_TIME.exec(value);
  if (!match) throw new InvalidDate(`${path} is not an ISO 8601 date-time`, path);
  const date = new Date(match[1] ? value : `${value}Z`);
  if (Number.isNaN(date.getTime()) || !isCalendarDate(value)) throw new InvalidDate(`${path} is not a valid date-time`, path);
  return date;
}

/** True when the `YYYY-MM-DD` the value starts with exists (no 30 February rolling over into March). */
function isCalendarDate(value: string): boolean {
  const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const FILTER_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parses a booking-date filter (`fromBookingDateTime`, `toBookingDateTime`). OBIE sends these without a zone;
 * a zone, if present, is ignored and the time is read in the accounts' zone, which is UTC (NOTES §1, §5.4).
 * A date without a time means its start (00:00:00).
 * @throws InvalidDate (with `path`) for anything that is not a valid date-time.
 */
export function parseFilterDateTime(value: string, path: string): Date {
  const match = FILTER_DATE_TIME.exec(value);
  if (!match) throw new InvalidDate(`${path} must be a date-time such as 2026-01-31T00:00:00`, path);
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = ''] = match;
  const date = new Date(
    Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), Number(fraction.padEnd(3, '0').slice(0, 3))),
  );
  if (!isCalendarDate(value) || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59)
    throw new InvalidDate(`${path} is not a valid date-time`, path);
  return date;
}
