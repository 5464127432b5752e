/**
 * How every surface tells an outage (the database out of reach, say) from a failure of the request: an outage is
 * answered 503 with `Retry-After`, never 500. The composition root supplies the one policy all of them use.
 */
export interface OutagePolicy {
  /** Whether an error means the bank cannot serve now but may shortly. */
  isOutage(error: unknown): boolean;
  /** What `Retry-After` tells the caller. */
  readonly retryAfterSeconds: number;
}
