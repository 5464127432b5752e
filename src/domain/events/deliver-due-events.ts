import type { PushAttempt } from './event-push.js';
import { EventPushPipeline } from './event-push-pipeline.js';
import type { EventPushStore } from './event-push-store.js';
import type { PushRetryPolicy } from './push-retry-policy.js';

/** POSTs a signed event to a callback URL and reports what came back; never throws. */
export type SendPush = (callbackUrl: string, token: string) => Promise<PushAttempt>;

/** How many pushes one process keeps in flight: in all, and of one app. */
export interface PushConcurrency {
  readonly concurrency: number;
  /** At most `concurrency`. */
  readonly concurrencyPerApp: number;
}

/** 32 pushes in flight per process, 8 of one app: an app whose receiver hangs holds a quarter of the slots at most. */
export const DEFAULT_PUSH_CONCURRENCY: PushConcurrency = { concurrency: 32, concurrencyPerApp: 8 };

/** What the push worker needs. */
export interface EventPushWorker {
  readonly store: EventPushStore;
  readonly send: SendPush;
  readonly policy: PushRetryPolicy;
  /**
   * Claims held at once by one process, from the claim until the result is recorded: the bound on pushes in flight
   * per process.
   */
  readonly concurrency: number;
  /**
   * Claims held at once for one app, at most `concurrency` (the default): an app whose receiver hangs, or that has a
   * flood of events, cannot take every slot.
   */
  readonly concurrencyPerApp?: number;
  /** Results recorded together as soon as this many have finished (default: half of `concurrency`). */
  readonly recordBatchSize?: number;
  /** How long a claim lasts: longer than one push may take, so that only a crashed process's claim expires. */
  readonly claimMs: number;
  /** A number in [0, 1) for the jitter (Math.random by default). */
  readonly random?: () => number;
}

/** What a run (or a step of the pipeline) did. */
export interface DeliveryRun {
  /** Events claimed. */
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
 * One run to completion, for an operator's one-off run and for tests that step a clock: claims the events due at `now`
 * (up to `concurrency`, and `concurrencyPerApp` of each app, round-robin), pushes them in parallel, and records each
 * attempt with the decision `decideAfterPush` takes, in batches as they finish ({@link EventPushPipeline}, which a
 * serving process runs continuously instead). An event is claimed by one process at a time, so each attempt is made
 * once; a process that dies mid-run leaves its events to be pushed again when its claim expires (delivery is at least
 * once; the partner recognises a repeat by its `jti`).
 */
export async function deliverDueEvents(worker: EventPushWorker, now: Date): Promise<DeliveryRun> {
  const pipeline = new EventPushPipeline(worker);
  await pipeline.step(now);
  await pipeline.settle();
  return pipeline.totals;
}
