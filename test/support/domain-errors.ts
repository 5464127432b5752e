import assert from 'node:assert/strict';
import type { DomainError } from '../../src/domain/errors.js';

/** A class of business failure, for matching what a domain function throws. */
export type DomainErrorClass = new (...args: never[]) => DomainError;

/**
 * A validator for `assert.throws`/`assert.rejects`: the error is a `expected`, with this `path` (when given) and a
 * message equal to (string) or matching (RegExp) `message` (when given).
 */
export function isDomainError(expected: DomainErrorClass, path?: string, message?: string | RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof expected, `expected ${expected.name}, got ${String(error)}`);
    if (path !== undefined) assert.equal(error.path, path);
    if (typeof message === 'string') assert.equal(error.message, message);
    else if (message) assert.match(error.message, message);
    return true;
  };
}
