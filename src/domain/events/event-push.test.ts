// Proves the one decision that follows a push attempt: only 202 acknowledges; any other answer, or none, is retried
// after the policy's wait until the last attempt, after which the push has failed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideAfterPush, isAcknowledged } from './event-push.js';
import { DEFAULT_PUSH_RETRY_POLICY } from './push-retry-policy.js';

const NOW = new Date('2030-01-01T00:00:00Z');
const MIDDLE = () => 0.5;

test('202 on the first attempt → delivered', () => {
  assert.deepEqual(decideAfterPush(DEFAULT_PUSH_RETRY_POLICY, 1, { httpStatus: 202 }, NOW), { state: 'delivered' });
});

test('200, 201, 204, 400, 500 or no answer on attempt 1 → not acknowledged: pending again 30 s later', () => {
  for (const httpStatus of [200, 201, 204, 400, 500, null]) {
    assert.equal(isAcknowledged({ httpStatus }), false);
    assert.deepEqual(decideAfterPush(DEFAULT_PUSH_RETRY_POLICY, 1, { httpStatus }, NOW, MIDDLE), {
      state: 'pending',
      nextPushAt: new Date(NOW.getTime() + 30_000),
    });
  }
});

test('a 503 on attempt 3 → pending again 2 min later', () => {
  assert.deepEqual(decideAfterPush(DEFAULT_PUSH_RETRY_POLICY, 3, { httpStatus: 503 }, NOW, MIDDLE), {
    state: 'pending',
    nextPushAt: new Date(NOW.getTime() + 120_000),
  });
});

test('no answer on attempt 30 (the last) → failed; 202 on attempt 30 → delivered', () => {
  assert.deepEqual(decideAfterPush(DEFAULT_PUSH_RETRY_POLICY, 30, { httpStatus: null }, NOW), { state: 'failed' });
  assert.deepEqual(decideAfterPush(DEFAULT_PUSH_RETRY_POLICY, 30, { httpStatus: 202 }, NOW), { state: 'delivered' });
});

test('a policy of 3 attempts, a 500 on attempt 2 → pending; on attempt 3 → failed', () => {
  const policy = { ...DEFAULT_PUSH_RETRY_POLICY, maxAttempts: 3 };
  assert.equal(decideAfterPush(policy, 2, { httpStatus: 500 }, NOW).state, 'pending');
  assert.equal(decideAfterPush(policy, 3, { httpStatus: 500 }, NOW).state, 'failed');
});
