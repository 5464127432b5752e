import type { Context, Next } from 'koa';
import type { ApiCall, ApiCallLog } from '../domain/partners/api-calls.js';
import type { Logger } from '../logging/logger.js';
import { findVerifiedToken, interactionIdOf } from './request-state.js';

/** Calls are written in batches, at most this long after they were made. */
const FLUSH_AFTER_MS = 1_000;
/** If the database cannot take them, at most this many calls wait; older ones are dropped (it is a log, not money). */
const MAX_PENDING = 10_000;

/**
 * Collects the resource API calls of partner apps and writes them to the call log in batches, off the request
 * path: a call costs the partner nothing, and the log (and each consent's "last used") is at most a second behind.
 * A process that dies loses at most its last second of log.
 */
export class ApiCallRecorder {
  private pending: ApiCall[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly log: ApiCallLog,
    private readonly logger: Logger,
  ) {}

  record(call: ApiCall): void {
    this.pending.push(call);
    if (this.pending.length > MAX_PENDING) {
      this.pending.splice(0, this.pending.length - MAX_PENDING);
      this.logger.warn({ kept: MAX_PENDING }, 'API call log is behind: the oldest pending calls were dropped');
    }
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_AFTER_MS);
      this.timer.unref();
    }
  }

  /** Writes what is pending now (and waits for a write in progress). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      try {
        await this.log.append(batch);
      } catch (error) {
        this.logger.warn({ err: error, calls: batch.length }, 'API calls could not be logged');
      }
    });
    return this.flushing;
  }

  /** The middleware recording each call made with a verified access token, with its final status. */
  middleware() {
    const record = (call: ApiCall) => this.record(call);
    return async function recordApiCall(ctx: Context, next: Next) {
      const at = new Date();
      try {
        await next();
      } finally {
        const token = findVerifiedToken(ctx);
        if (token?.clientId) {
          record({
            clientId: token.clientId,
            at,
            method: ctx.method,
            path: ctx.path,
            status: ctx.status,
            interactionId: interactionIdOf(ctx),
            consentId: token.consentId ?? null,
            reason: null,
          });
        }
      }
    };
  }
}
