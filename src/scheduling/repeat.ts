/** A repeating task that can be stopped. */
export interface Repeating {
  stop(): void;
}

/**
 * Runs `work` every `intervalMs`, or at once again when it answers `true` (more is due); never two runs at once;
 * a failure is handed to `onError` and the next run is scheduled as usual. The timers do not keep the process alive.
 */
export function repeat(intervalMs: number, work: () => Promise<boolean | void>, onError: (error: unknown) => void): Repeating {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      work().then(
        (moreDue) => schedule(moreDue === true ? 0 : intervalMs),
        (error: unknown) => {
          onError(error);
          schedule(intervalMs);
        },
      );
    }, delayMs);
    timer.unref();
  };
  schedule(intervalMs);
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
