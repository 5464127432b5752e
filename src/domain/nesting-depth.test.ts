// Proves the nesting limit: documents up to MAX_NESTING_DEPTH levels of objects and arrays pass, the first container
// beyond it is named by its OBIE path, and a document nested 1,000,000 levels is measured without exhausting the stack.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_NESTING_DEPTH, pathBeyondNestingLimit } from './nesting-depth.js';

/** `levels` arrays nested in one another, as parsed from `[[[…]]]`. */
function nestedArrays(levels: number): unknown {
  return JSON.parse('['.repeat(levels) + ']'.repeat(levels));
}

describe('pathBeyondNestingLimit', () => {
  test('scalars, {} and documents of exactly MAX_NESTING_DEPTH levels → null', () => {
    for (const document of ['text', 12, null, true, {}, [], nestedArrays(MAX_NESTING_DEPTH)]) assert.equal(pathBeyondNestingLimit(document), null);
  });

  test('one level more → the path of the container beyond the limit', () => {
    assert.equal(pathBeyondNestingLimit(nestedArrays(MAX_NESTING_DEPTH + 1)), `${'[0]'.repeat(MAX_NESTING_DEPTH)}`);
  });

  test('the deep member of a request body → its dotted path, with odd property names quoted', () => {
    const body = { Data: { Initiation: { SupplementaryData: { 'odd name': { deep: [[[]]] } } } }, Risk: {} };
    assert.equal(pathBeyondNestingLimit(body, 6), 'Data.Initiation.SupplementaryData["odd name"].deep[0]');
    assert.equal(pathBeyondNestingLimit(body, 8), null);
  });

  test('a document nested 1,000,000 levels → measured iteratively, no RangeError', () => {
    assert.equal(pathBeyondNestingLimit(nestedArrays(1_000_000))?.length, 3 * MAX_NESTING_DEPTH);
  });
});
