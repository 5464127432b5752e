/** A repeating task that can be woken early and stopped. */
export interface Repeating {
  /**
   * Asks for a run within `withinMs` (default: as soon as possible) when the task is waiting for its interval and its
   * next run is later than that; right after the current run when one is running (never two at once). Several wakes
   * before the run make one run. Does nothing once stopped.
   */
  wake(withinMs?: number): void;
  stop(): void;
}

/**
 * Runs `work` every `intervalMs`, or at once again when it answers `true` (more is due) or was woken meanwhile; never
 * two runs at once; a failure is handed to `onError` and the next run is scheduled as usual. The timers do not keep
 * the process alive.
 */
export function repeat(intervalMs: number, work: () => Promise<boolean | void>, onError: (error: unknown) => void): Repeating {
  let timer: NodeJS.Timeout | null = null;
  /** When the scheduled run starts (`Date.now()` time). */
  let dueAtMs = 0;
  let stopped = false;
  let running = false;
  let woken = false;
  const schedule = (delayMs: number) => {
    if (stopped) return;
    dueAtMs = Date.now() + delayMs;
    timer = setTimeout(run, delayMs);
    timer.unref();
  };
  const finish = (moreDue: boolean) => {
    running = false;
    schedule(moreDue || woken ? 0 : intervalMs);
  };
  const run = () => {
    timer = null;
    running = true;
    woken = false;
    work().then(
      (moreDue) => finish(moreDue === true),
      (error: unknown) => {
        onError(error);
        finish(false);
      },
    );
  };
  schedule(intervalMs);
  return {
    wake(withinMs = 0) {
      if (stopped) return;
      if (running) {
        woken = true;
        return;
      }
      if (timer && dueAtMs <= Date.now() + withinMs) return;
      if (timer) clearTimeout(timer);
      schedule(withinMs);
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
