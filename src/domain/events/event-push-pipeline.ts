import type { DeliveryRun, EventPushWorker } from './deliver-due-events.js';
import { PushState } from './event-outbox.js';
import { decideAfterPush, type PushAttempt } from './event-push.js';
import type { ClaimedPush, PushResult } from './event-push-store.js';

/** How soon a step is worth taking, in milliseconds, after a push finished (see {@link EventPushPipeline.whenReady}). */
export type StepWanted = (withinMs: number) => void;

/**
 * A finished push waits at most this long for others to finish with it before its result is recorded and its slot
 * refilled (unless enough have finished, see {@link EventPushPipeline}): under a steady flow of events, a step (one
 * transaction) every 25 ms at most rather than one per push; the pushes themselves are not delayed.
 */
export const RESULT_COALESCE_MS = 25;

/**
 * The event pushes of one process, as a pipeline: each step records the results of the pushes that finished and
 * claims due events for the slots that freed (one transaction for both), then starts their pushes without waiting
 * for them. A slot is a claim held: from the claim until its result is recorded. So:
 *
 * - no more than `concurrency` claims are held at once, and no more than `concurrencyPerApp` of one app: an app whose
 *   receiver hangs, or that has a flood of due events, holds its own slots and no others, and the claim takes the
 *   other apps' events round-robin (`EventPushStore.claimDuePushes`);
 * - a push that takes long holds back nothing but its own slot: the others' results are recorded, and their slots
 *   refilled, as they finish;
 * - results are recorded in batches, never one transaction per event under load: a step is wanted at once when a
 *   batch (`recordBatchSize`) or half the claims held have finished (an app alone at its cap refills its slots as
 *   they free, without waiting for a batch it cannot reach), otherwise within {@link RESULT_COALESCE_MS} of a push
 *   finishing, so that those finishing close together are recorded together.
 *
 * The guarantees of a single run hold for every push: an event is claimed by one process at a time; a result is
 * recorded only under its claim (a lost claim is counted and not recorded); a process that dies loses its claims
 * to expiry, and the events are pushed again (at least once). The pipeline holds no timer: the caller runs
 * {@link step} on a schedule and when {@link whenReady} asks for one.
 */
export class EventPushPipeline {
  private readonly perApp: number;
  private readonly batchSize: number;
  /** Claims held per app (client id): pushes in flight, and those finished whose result is not recorded yet. */
  private readonly held = new Map<string, number>();
  private heldTotal = 0;
  private inFlight = 0;
  private claiming = false;
  private finished: PushResult[] = [];
  /** The tail of the chain of steps and recordings: one at a time, in order. */
  private chain: Promise<void> = Promise.resolve();
  private stopping = false;
  /** After a stop that gave up: pushes still in flight are abandoned, nothing more is recorded. */
  private closed = false;
  private waiters: Array<() => void> = [];
  private stepWanted: StepWanted = () => undefined;
  private readonly counts = { claimed: 0, delivered: 0, retrying: 0, failed: 0, stopped: 0, lost: 0 };

  constructor(private readonly worker: EventPushWorker) {
    this.perApp = Math.max(1, Math.min(worker.concurrency, worker.concurrencyPerApp ?? worker.concurrency));
    this.batchSize = Math.max(1, worker.recordBatchSize ?? Math.ceil(worker.concurrency / 2));
  }

  /** What the pipeline has claimed and recorded since it was created. */
  get totals(): DeliveryRun {
    return { ...this.counts };
  }

  /** Claims held now: pushes in flight, and finished pushes whose result is not recorded yet. */
  get claimsHeld(): number {
    return this.heldTotal;
  }

  /** Tells `listener` when a step is worth taking before the next scheduled one, and how soon. */
  whenReady(listener: StepWanted): void {
    this.stepWanted = listener;
  }

  /**
   * One step at `now`: records the results of the pushes that finished and claims events due at `now` for the slots
   * free then (one transaction), until `now` + `claimMs`, and starts pushing them (a push's decision is taken as of
   * `now`). Does not wait for the pushes. After {@link stop}, only records.
   * @returns what this step recorded and claimed.
   * @throws what the store throws: nothing is recorded or claimed then, and the results wait for the next step.
   */
  async step(now: Date): Promise<DeliveryRun> {
    const before = this.totals;
    await this.serially(() => this.recordAndClaim(now));
    const after = this.totals;
    return {
      claimed: after.claimed - before.claimed,
      delivered: after.delivered - before.delivered,
      retrying: after.retrying - before.retrying,
      failed: after.failed - before.failed,
      stopped: after.stopped - before.stopped,
      lost: after.lost - before.lost,
    };
  }

  /**
   * Resolves once no claim is under way, no push is in flight and every result is recorded; meanwhile records the
   * results as batches of them finish (and the last ones when nothing is in flight any more).
   * @throws what recording throws (the results stay held, to be recorded by a later step).
   */
  async settle(): Promise<void> {
    for (;;) {
      if (this.closed) return;
      const idle = this.inFlight === 0 && !this.claiming;
      if (this.finished.length > 0 && (idle || this.stopping || this.finished.length >= this.batchSize)) await this.record();
      else if (idle) {
        await this.chain;
        if (this.finished.length === 0 && this.inFlight === 0 && !this.claiming) return;
      } else await this.nextChange();
    }
  }

  /**
   * Graceful stop: claims nothing more, waits for the pushes in flight and records each result as it comes. When
   * `giveUp` resolves first, records what has finished and abandons the rest: their results are not recorded, their
   * claims expire, and the events are pushed again (at least once).
   * @returns how many pushes were abandoned.
   */
  async stop(giveUp: Promise<void> = new Promise<void>(() => undefined)): Promise<number> {
    this.stopping = true;
    const settled = this.settle();
    try {
      const outcome = await Promise.race([settled.then(() => 'settled' as const), giveUp.then(() => 'gave up' as const)]);
      if (outcome === 'gave up') {
        settled.catch(() => undefined);
        await this.record();
      }
      return this.inFlight;
    } finally {
      this.closed = true;
      this.notify();
    }
  }

  /** Records the finished results and claims for the free slots, in one transaction (or only one of them). */
  private async recordAndClaim(now: Date): Promise<void> {
    const batch = this.takeFinished();
    const free = this.stopping ? 0 : this.worker.concurrency - this.heldTotal + batch.length;
    if (free <= 0) return this.recordBatch(batch);
    // What each app will hold once the batch is recorded (its slots free whether recorded or lost).
    const held = new Map(this.held);
    for (const { push } of batch) {
      const left = (held.get(push.clientId) ?? 0) - 1;
      if (left > 0) held.set(push.clientId, left);
      else held.delete(push.clientId);
    }
    const request = { now, limit: free, claimedUntil: new Date(now.getTime() + this.worker.claimMs), perApp: { max: this.perApp, held } };
    this.claiming = true;
    try {
      const { recorded, claimed } =
        batch.length === 0
          ? {
              recorded: new Set<string>(),
              claimed: await this.worker.store.claimDuePushes(request.now, request.limit, request.claimedUntil, request.perApp),
            }
          : await this.worker.store.recordAndClaim(batch, request);
      this.release(batch, recorded);
      for (const push of claimed) this.start(push, now);
    } catch (error) {
      this.finished = [...batch, ...this.finished];
      throw error;
    } finally {
      this.claiming = false;
      this.notify();
    }
  }

  private start(push: ClaimedPush, now: Date): void {
    this.hold(push.clientId, 1);
    this.inFlight += 1;
    this.counts.claimed += 1;
    void pushOne(this.worker, push, now).then((result) => {
      this.inFlight -= 1;
      if (this.closed) return;
      this.finished.push(result);
      this.notify();
      const enough = Math.min(this.batchSize, Math.ceil(this.heldTotal / 2));
      this.stepWanted(this.finished.length >= enough ? 0 : RESULT_COALESCE_MS);
    });
  }

  /** Records the results waiting, in one transaction, after any step or recording under way. */
  private record(): Promise<void> {
    return this.serially(() => this.recordBatch(this.takeFinished()));
  }

  /** Records a batch of results; a failure puts them back to wait (their slots stay held). */
  private async recordBatch(batch: PushResult[]): Promise<void> {
    if (batch.length === 0) return;
    let recorded: ReadonlySet<string>;
    try {
      recorded = await this.worker.store.recordPushResults(batch);
    } catch (error) {
      this.finished = [...batch, ...this.finished];
      throw error;
    }
    this.release(batch, recorded);
    this.notify();
  }

  /** The results finished so far, to record (none once closed: nothing more is recorded). */
  private takeFinished(): PushResult[] {
    if (this.closed) return [];
    const batch = this.finished;
    this.finished = [];
    return batch;
  }

  /** Frees the slots of recorded (or lost) results, and counts them. */
  private release(batch: readonly PushResult[], recorded: ReadonlySet<string>): void {
    for (const result of batch) {
      this.hold(result.push.clientId, -1);
      this.count(result, recorded.has(result.push.jti));
    }
  }

  /** Runs `task` after every step and recording before it. */
  private serially(task: () => Promise<void>): Promise<void> {
    const run = this.chain.then(task);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private hold(clientId: string, change: 1 | -1): void {
    const held = (this.held.get(clientId) ?? 0) + change;
    if (held > 0) this.held.set(clientId, held);
    else this.held.delete(clientId);
    this.heldTotal += change;
  }

  private count(result: PushResult, recorded: boolean): void {
    if (!recorded) this.counts.lost += 1;
    else if (result.decision.state === PushState.Delivered) this.counts.delivered += 1;
    else if (result.decision.state === PushState.Pending) this.counts.retrying += 1;
    else if (result.decision.state === PushState.Failed) this.counts.failed += 1;
    else this.counts.stopped += 1;
  }

  private nextChange(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** Pushes one claimed event and decides what follows; never rejects (a sender that throws counts as no answer). */
async function pushOne(worker: EventPushWorker, push: ClaimedPush, now: Date): Promise<PushResult> {
  if (push.callbackUrl === null) return { push, attempt: null, decision: { state: PushState.None } };
  let attempt: PushAttempt;
  try {
    attempt = await worker.send(push.callbackUrl, push.token);
  } catch (error) {
    attempt = { attemptedAt: now, callbackUrl: push.callbackUrl, httpStatus: null, error: String(error), latencyMs: 0 };
  }
  return { push, attempt, decision: decideAfterPush(worker.policy, push.pushAttempts + 1, attempt, now, worker.random) };
}
