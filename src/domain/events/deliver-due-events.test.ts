// Proves the push worker's run to completion against an in-memory store: it claims no more than it may push at once
// (and no more of one app than its cap), for the claim time, records each attempt with the decision in batches as the
// pushes finish, stops pushes of apps without a callback URL, and records nothing under a lost claim.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deliverDueEvents, type SendPush } from './deliver-due-events.js';
import type { PushAttempt, PushDecision } from './event-push.js';
import type { ClaimedPush, ClaimRequest, EventPushStore, PerAppLimit, PushResult } from './event-push-store.js';
import { DEFAULT_PUSH_RETRY_POLICY } from './push-retry-policy.js';

const NOW = new Date('2030-01-01T00:00:00Z');

class RecordingStore implements EventPushStore {
  claims: Array<{ now: Date; limit: number; claimedUntil: Date; perApp: PerAppLimit | undefined }> = [];
  recorded: Array<{ jti: string; attempt: PushAttempt; decision: PushDecision }> = [];
  stopped: string[] = [];
  lostClaims = new Set<string>();
  batches: number[] = [];

  constructor(private readonly due: ClaimedPush[]) {}

  async claimDuePushes(now: Date, limit: number, claimedUntil: Date, perApp?: PerAppLimit): Promise<ClaimedPush[]> {
    this.claims.push({ now, limit, claimedUntil, perApp });
    return this.due.splice(0, limit);
  }

  async recordPushResults(results: readonly PushResult[]): Promise<ReadonlySet<string>> {
    this.batches.push(results.length);
    const recorded = new Set<string>();
    for (const { push, attempt, decision } of results) {
      if (this.lostClaims.has(push.jti)) continue;
      recorded.add(push.jti);
      if (attempt === null) this.stopped.push(push.jti);
      else this.recorded.push({ jti: push.jti, attempt, decision });
    }
    return recorded;
  }

  async recordAndClaim(results: readonly PushResult[], request: ClaimRequest): Promise<{ recorded: ReadonlySet<string>; claimed: ClaimedPush[] }> {
    const recorded = await this.recordPushResults(results);
    return { recorded, claimed: await this.claimDuePushes(request.now, request.limit, request.claimedUntil, request.perApp) };
  }
}

function due(jti: string, options: Partial<ClaimedPush> = {}): ClaimedPush {
  return {
    clientId: 'cli_1',
    sequence: 1,
    jti,
    token: `token-of-${jti}`,
    pushAttempts: 0,
    claim: 'claim-1',
    callbackUrl: 'https://tpp.example/open-banking/v4.0/event-notifications',
    ...options,
  };
}

function answering(statusOf: (token: string) => number | null): { send: SendPush; maxInFlight: () => number } {
  let current = 0;
  let max = 0;
  const send: SendPush = async (callbackUrl, token) => {
    current += 1;
    max = Math.max(max, current);
    await new Promise((resolve) => setTimeout(resolve, 5));
    current -= 1;
    const httpStatus = statusOf(token);
    return { attemptedAt: NOW, callbackUrl, httpStatus, error: httpStatus === null ? 'ECONNREFUSED' : null, latencyMs: 5 };
  };
  return { send, maxInFlight: () => max };
}

test('20 due events, concurrency 8, 3 per app → 8 claimed until now + claim time, the cap passed on, pushed at once, recorded in 2 batches of 4', async () => {
  const store = new RecordingStore(Array.from({ length: 20 }, (_, index) => due(`evt_${index}`)));
  const receiver = answering(() => 202);
  const run = await deliverDueEvents(
    { store, send: receiver.send, policy: DEFAULT_PUSH_RETRY_POLICY, concurrency: 8, concurrencyPerApp: 3, claimMs: 70_000 },
    NOW,
  );
  assert.deepEqual(store.claims, [{ now: NOW, limit: 8, claimedUntil: new Date(NOW.getTime() + 70_000), perApp: { max: 3, held: new Map() } }]);
  assert.equal(receiver.maxInFlight(), 8, 'this store ignores the cap: the run pushes what it claimed');
  assert.deepEqual(run, { claimed: 8, delivered: 8, retrying: 0, failed: 0, stopped: 0, lost: 0 });
  assert.equal(store.recorded.length, 8);
  assert.deepEqual(store.batches, [4, 4], 'results recorded as half the concurrency has finished, then the rest');
});

test('answers 202, 500, none on the last attempt, and an app without callback URL → delivered, retrying, failed, stopped', async () => {
  const store = new RecordingStore([
    due('evt_ok'),
    due('evt_500'),
    due('evt_last', { pushAttempts: DEFAULT_PUSH_RETRY_POLICY.maxAttempts - 1 }),
    due('evt_nowhere', { callbackUrl: null }),
  ]);
  const receiver = answering((token) => (token === 'token-of-evt_ok' ? 202 : token === 'token-of-evt_500' ? 500 : null));
  const run = await deliverDueEvents(
    { store, send: receiver.send, policy: DEFAULT_PUSH_RETRY_POLICY, concurrency: 8, claimMs: 70_000, random: () => 0.5 },
    NOW,
  );
  assert.deepEqual(run, { claimed: 4, delivered: 1, retrying: 1, failed: 1, stopped: 1, lost: 0 });
  assert.deepEqual(Object.fromEntries(store.recorded.map((entry) => [entry.jti, entry.decision])), {
    evt_ok: { state: 'delivered' },
    evt_500: { state: 'pending', nextPushAt: new Date(NOW.getTime() + 30_000) },
    evt_last: { state: 'failed' },
  });
  assert.deepEqual(store.stopped, ['evt_nowhere']);
});

test('a claim lost to another process while pushing → counted as lost, nothing recorded', async () => {
  const store = new RecordingStore([due('evt_taken')]);
  store.lostClaims.add('evt_taken');
  const run = await deliverDueEvents(
    { store, send: answering(() => 202).send, policy: DEFAULT_PUSH_RETRY_POLICY, concurrency: 8, claimMs: 70_000 },
    NOW,
  );
  assert.deepEqual(run, { claimed: 1, delivered: 0, retrying: 0, failed: 0, stopped: 0, lost: 1 });
  assert.deepEqual(store.recorded, []);
});
