import { decideAfterPush, type PushAttempt } from './event-push.js';
import type { ClaimedPush, EventPushStore, PushResult } from './event-push-store.js';
import { PushState } from './event-outbox.js';
import type { PushRetryPolicy } from './push-retry-policy.js';

/** POSTs a signed event to a callback URL and reports what came back; never throws. */
export type SendPush = (callbackUrl: string, token: string) => Promise<PushAttempt>;

/** What the push worker needs. */
export interface EventPushWorker {
  readonly store: EventPushStore;
  readonly send: SendPush;
  readonly policy: PushRetryPolicy;
  /** Events claimed and pushed at once by one run (the bound on requests in flight per process). */
  readonly concurrency: number;
  /** How long a claim lasts: longer than one push may take, so that only a crashed process's claim expires. */
  readonly claimMs: number;
  /** A number in [0, 1) for the jitter (Math.random by default). */
  readonly random?: () => number;
}

/** What one run did. */
export interface DeliveryRun {
  /** Events claimed: as many as `concurrency` means more may be due. */
  readonly claimed: number;
  readonly delivered: number;
  /** Not acknowledged, to be tried again. */
  readonly retrying: number;
  /** Not acknowledged, and the retry policy ran out. */
  readonly failed: number;
  /** The app no longer has a callback URL. */
  readonly stopped: number;
  /** Results not recorded because the claim was lost to another process. */
  readonly lost: number;
}

/**
 * One run of the push worker: claims the events due at `now` (up to `concurrency`), pushes them in parallel, and
 * records every attempt with the decision {@link decideAfterPush} takes, all in one transaction once the run's pushes
 * are done. An event is claimed by one process at a time, so each attempt is made once; a process that dies mid-run
 * leaves its events to be pushed again when its claim expires (delivery is at least once; the partner recognises a
 * repeat by its `jti`).
 */
export async function deliverDueEvents(worker: EventPushWorker, now: Date): Promise<DeliveryRun> {
  const claimed = await worker.store.claimDuePushes(now, worker.concurrency, new Date(now.getTime() + worker.claimMs));
  const results = await Promise.all(claimed.map((push) => pushOne(worker, push, now)));
  const recorded = claimed.length === 0 ? new Set<string>() : await worker.store.recordPushResults(results);
  const count = (state: string) => results.filter((result) => recorded.has(result.push.jti) && result.decision.state === state).length;
  return {
    claimed: claimed.length,
    delivered: count(PushState.Delivered),
    retrying: count(PushState.Pending),
    failed: count(PushState.Failed),
    stopped: count(PushState.None),
    lost: results.length - recorded.size,
  };
}

async function pushOne(worker: EventPushWorker, push: ClaimedPush, now: Date): Promise<PushResult> {
  if (push.callbackUrl === null) return { push, attempt: null, decision: { state: PushState.None } };
  const attempt = await worker.send(push.callbackUrl, push.token);
  return { push, attempt, decision: decideAfterPush(worker.policy, push.pushAttempts + 1, attempt, now, worker.random) };
}
