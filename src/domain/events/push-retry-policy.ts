/**
 * The bank's published retry policy for pushing event notifications (Event Notification API profile: exponential
 * backoff, a maximum number of attempts and a maximum interval, after which the callback is declared unresponsive and
 * the partner polls instead).
 */
export interface PushRetryPolicy {
  /** The wait after the first failed attempt; each later failure doubles it. */
  readonly firstDelayMs: number;
  /** No wait is longer than this, jitter included. */
  readonly maxDelayMs: number;
  /** Attempts in all, the first included; after the last failed one the push is `failed`. */
  readonly maxAttempts: number;
  /** Each wait is spread by up to this fraction either way (0.1: ±10 %), so retries of many events do not align. */
  readonly jitterRatio: number;
}

/**
 * 30 s, 1 min, 2 min … doubling up to 1 h, then hourly; 30 attempts in all. Without jitter the last attempt comes about
 * 23 h after the first (7 doubling waits of 63.5 min in all, then 22 waits of 1 h), so a callback that stays down is
 * given up on within a day.
 */
export const DEFAULT_PUSH_RETRY_POLICY: PushRetryPolicy = {
  firstDelayMs: 30_000,
  maxDelayMs: 3_600_000,
  maxAttempts: 30,
  jitterRatio: 0.1,
};

/**
 * How long to wait after failed attempt number `failedAttempt` (1 for the first): min(maxDelay, firstDelay·2^(n-1)),
 * spread by the jitter and never above maxDelay.
 * @param random a number in [0, 1) (Math.random by default; fixed in tests).
 */
export function retryDelayMs(policy: PushRetryPolicy, failedAttempt: number, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.max(0, failedAttempt - 1));
  const jittered = base * (1 + policy.jitterRatio * (2 * random() - 1));
  return Math.round(Math.min(policy.maxDelayMs, Math.max(0, jittered)));
}
