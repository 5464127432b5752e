// Proves the published push retry policy: waits that double from 30 s up to 1 h, jitter that never passes 1 h, and
// 30 attempts spread over about a day.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_PUSH_RETRY_POLICY, retryDelayMs } from './push-retry-policy.js';

const MIDDLE = () => 0.5;

test('failed attempts 1…8 without jitter → waits of 30 s, 1, 2, 4, 8, 16, 32 min, then 1 h (the cap)', () => {
  const waits = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => retryDelayMs(DEFAULT_PUSH_RETRY_POLICY, attempt, MIDDLE) / 1000);
  assert.deepEqual(waits, [30, 60, 120, 240, 480, 960, 1920, 3600]);
});

test('attempt 29, and an absurd attempt number → 1 h, never Infinity', () => {
  assert.equal(retryDelayMs(DEFAULT_PUSH_RETRY_POLICY, 29, MIDDLE), 3_600_000);
  assert.equal(retryDelayMs(DEFAULT_PUSH_RETRY_POLICY, 5_000, MIDDLE), 3_600_000);
});

test('the lowest and highest jitter → within ±10 % of the doubling wait, and never above 1 h', () => {
  assert.equal(
    retryDelayMs(DEFAULT_PUSH_RETRY_POLICY, 1, () => 0),
    27_000,
  );
  assert.equal(
    retryDelayMs(DEFAULT_PUSH_RETRY_POLICY, 1, () => 0.999_999),
    33_000,
  );
  assert.equal(
    retryDelayMs(DEFAULT_PUSH_RETRY_POLICY, 7, () => 0.999_999),
    2_112_000,
  );
  for (let attempt = 1; attempt < 40; attempt += 1) {
    for (const random of [0, 0.25, 0.75, 0.999_999]) assert.ok(retryDelayMs(DEFAULT_PUSH_RETRY_POLICY, attempt, () => random) <= 3_600_000);
  }
});

test('30 attempts without jitter → the last comes about 23 h after the first', () => {
  let totalMs = 0;
  for (let attempt = 1; attempt < DEFAULT_PUSH_RETRY_POLICY.maxAttempts; attempt += 1)
    totalMs += retryDelayMs(DEFAULT_PUSH_RETRY_POLICY, attempt, MIDDLE);
  assert.equal(totalMs, (3_810 + 22 * 3_600) * 1000);
  assert.ok(totalMs / 3_600_000 > 23 && totalMs / 3_600_000 < 24);
});
