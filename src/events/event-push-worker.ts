import { setTimeout as sleep } from 'node:timers/promises';
import type { EventPushPipeline } from '../domain/events/event-push-pipeline.js';
import type { Logger } from '../logging/logger.js';
import { repeat } from '../scheduling/repeat.js';

/** The push pipeline of a serving process, running. */
export interface RunningEventPush {
  /**
   * Graceful stop: claims nothing more and waits, at most `graceMs`, for the pushes in flight, recording their results
   * as they come; pushes still in flight then are abandoned (their claims expire, other processes push them again).
   */
  stop(graceMs: number): Promise<void>;
}

/**
 * Runs the pipeline's steps every `intervalMs` (new due events are found within that), and sooner whenever the
 * pipeline asks (pushes finished: their results are recorded and their slots refilled). Logs what failed for good.
 */
export function startEventPushing(pipeline: EventPushPipeline, options: { intervalMs: number; logger: Logger }): RunningEventPush {
  const { logger } = options;
  const task = repeat(
    options.intervalMs,
    async () => {
      const step = await pipeline.step(new Date());
      if (step.failed > 0) logger.warn(step, 'event pushes failed for good: their callbacks stayed unresponsive');
      else if (step.claimed + step.delivered + step.retrying + step.stopped + step.lost > 0) logger.debug(step, 'event push step');
    },
    (error: unknown) => logger.warn({ err: error }, 'event push step failed; its results are recorded by a later step'),
  );
  pipeline.whenReady((withinMs) => task.wake(withinMs));
  return {
    async stop(graceMs) {
      task.stop();
      const grace = new AbortController();
      const giveUp = sleep(graceMs, undefined, { signal: grace.signal }).catch(() => undefined);
      try {
        const abandoned = await pipeline.stop(giveUp);
        if (abandoned > 0)
          logger.warn({ abandoned }, 'event pushes still in flight at shutdown were abandoned: their claims expire, and they are pushed again');
      } finally {
        grace.abort();
      }
    },
  };
}
