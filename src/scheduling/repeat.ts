/** A repeating task that can be woken early and stopped. */
export interface Repeating {
  /**
   * Asks for a run as soon as possible: at once when the task is waiting for its interval, right after the current
   * run when one is running (never two at once). Does nothing once stopped.
   */
  wake(): void;
  stop(): void;
}

/**
 * Runs `work` every `intervalMs`, or at once again when it answers `true` (more is due) or was woken meanwhile; never
 * two runs at once; a failure is handed to `onError` and the next run is scheduled as usual. The timers do not keep
 * the process alive.
 */
export function repeat(intervalMs: number, work: () => Promise<boolean | void>, onError: (error: unknown) => void): Repeating {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let running = false;
  let woken = false;
  const schedule = (delayMs: number) => {
    if (stopped) return;
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
    wake() {
      if (stopped) return;
      if (running) {
        woken = true;
        return;
      }
      if (timer) clearTimeout(timer);
      schedule(0);
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
