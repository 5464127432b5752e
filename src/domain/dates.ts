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
  if (Number.isNaN(date.getTime())) throw new InvalidDate(`${path} is not a valid date-time`, path);
  return date;
}
