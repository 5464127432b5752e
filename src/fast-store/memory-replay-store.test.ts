// Proves the in-memory replay store: a value is remembered once per scope until its expiry, remembered again after it,
// and values whose time has passed are swept out, so the store holds no more than what is still valid.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryReplayStore } from './memory-replay-store.js';

test('the same key twice → true then false; the same key in another scope → true', async () => {
  const store = new MemoryReplayStore();
  const expiresAt = new Date(Date.now() + 60_000);
  assert.equal(await store.rememberOnce('rs-dpop', 'k1', expiresAt), true);
  assert.equal(await store.rememberOnce('rs-dpop', 'k1', expiresAt), false);
  assert.equal(await store.rememberOnce('dcr-jti', 'k1', expiresAt), true);
});

test('a key presented again after its expiry → true; expired keys are swept on a later call, valid ones kept', async () => {
  let now = 1_000_000;
  const store = new MemoryReplayStore(() => now);
  for (let index = 0; index < 100; index += 1) await store.rememberOnce('rs-dpop', `old-${index}`, new Date(now + 130_000));
  await store.rememberOnce('rs-dpop', 'long', new Date(now + 600_000));
  assert.equal(store.size, 101);
  now += 131_000;
  assert.equal(await store.rememberOnce('rs-dpop', 'old-0', new Date(now + 130_000)), true, 'expired: may be remembered anew');
  assert.equal(store.size, 2, 'the 99 other expired keys were swept, the long-lived one kept');
  assert.equal(await store.rememberOnce('rs-dpop', 'long', new Date(now + 600_000)), false);
});
