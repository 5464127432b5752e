import { parseRequestDateTime } from '../../dates.js';
import { InvalidDate } from '../../errors.js';

const PATH = 'Data.Initiation.RequestedExecutionDateTime';

/**
 * A scheduled payment's `RequestedExecutionDateTime` (schema-valid: present, a date-time), which must be in the future
 * when the consent is created (NOTES §7.2 U003).
 * @throws InvalidDate (U003, with its path) when it is not after `now`.
 */
export function requestedExecutionOf(initiation: Readonly<Record<string, unknown>>, now: Date): Date {
  const requested = parseRequestDateTime(String(initiation.RequestedExecutionDateTime), PATH);
  if (requested.getTime() <= now.getTime()) throw new InvalidDate('RequestedExecutionDateTime must be in the future', PATH);
  return requested;
}

/** The execution date of a stored (already validated) scheduled payment initiation. */
export function storedExecutionOf(initiation: Readonly<Record<string, unknown>>): Date {
  return parseRequestDateTime(String(initiation.RequestedExecutionDateTime), PATH);
}
