import { DomainError } from '../errors.js';

/** The payment's `Initiation` or `Risk` differs from the consent's (OBIE U008, Path = the first differing field). */
export class ConsentMismatch extends DomainError {
  readonly code = 'ConsentMismatch';
}

/**
 * Asserts that a payment request repeats the consent exactly (NOTES §4): same members, same values, same
 * types — compared on the parsed JSON, so key order and spacing do not matter but `"10.0"` ≠ `"10.00"`.
 * @throws ConsentMismatch naming the first differing field.
 */
export function assertSameAsConsent(consented: unknown, requested: unknown, path: string): void {
  const difference = firstDifference(consented, requested, path);
  if (difference) throw new ConsentMismatch(`${difference} does not match the consent`, difference);
}

function firstDifference(expected: unknown, actual: unknown, path: string): string | null {
  if (Array.isArray(expected) || Array.isArray(actual)) {
    if (!Array.isArray(expected) || !Array.isArray(actual) || expected.length !== actual.length) return path;
    for (let index = 0; index < expected.length; index += 1) {
      const difference = firstDifference(expected[index], actual[index], `${path}[${index}]`);
      if (difference) return difference;
    }
    return null;
  }
  if (isObject(expected) && isObject(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    for (const key of keys) {
      const difference = firstDifference(expected[key], actual[key], `${path}.${key}`);
      if (difference) return difference;
    }
    return null;
  }
  return expected === actual ? null : path;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
