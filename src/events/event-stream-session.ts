import type { WebSocket } from 'ws';
import type { EventStreamSource, EventStreamSubscriber } from '../domain/events/event-stream.js';
import type { Logger } from '../logging/logger.js';

/** WebSocket close codes (RFC 6455 §7.4.1) the stream ends with. */
export const StreamCloseCode = {
  /** The server is shutting down: reconnect (to another process). */
  GoingAway: 1001,
  /** The access token expired, or the app is no longer active: reconnect with a new token. */
  PolicyViolation: 1008,
} as const;

/** How much one session reads at a time and how far it lets the socket fall behind. */
export interface SessionLimits {
  /** Events read per statement. */
  readonly batchSize: number;
  /** Above this many bytes queued on the socket, reading stops until the peer has caught up. */
  readonly highWaterBytes: number;
}

/** The longest delay `setTimeout` keeps (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * One open stream: sends the app's events after the last one sent, in order, batch by batch, never more than one
 * read at a time and never while the socket's queue is above the high-water mark (a slow peer pauses the reads, it
 * does not fill the memory). Answers for its heartbeat and closes when the access token expires.
 */
export class EventStreamSession {
  private lastSequence: number;
  private pumping = false;
  private answeredPing = true;
  private readonly expiry: NodeJS.Timeout;

  constructor(
    private readonly socket: WebSocket,
    readonly subscriber: EventStreamSubscriber,
    private readonly source: EventStreamSource,
    private readonly limits: SessionLimits,
    private readonly logger: Logger,
  ) {
    this.lastSequence = subscriber.afterSequence;
    socket.on('pong', () => (this.answeredPing = true));
    socket.on('error', (error) => logger.debug({ err: error, clientId: subscriber.clientId }, 'event stream socket error'));
    socket.on('close', () => clearTimeout(this.expiry));
    const untilExpiryMs = Math.min(MAX_TIMER_MS, Math.max(0, subscriber.tokenExpiresAtMs - Date.now()));
    this.expiry = setTimeout(() => this.end(StreamCloseCode.PolicyViolation, 'access token expired'), untilExpiryMs);
    this.expiry.unref();
  }

  /** Calls `listener` once the socket has closed, for whatever reason. */
  onClosed(listener: () => void): void {
    this.socket.once('close', listener);
  }

  /** Whether the app has committed events (up to `latestSequence`) that this session has not sent yet. */
  isBehind(latestSequence: number): boolean {
    return latestSequence > this.lastSequence;
  }

  /**
   * Sends what the source holds after the last event sent, until it is all sent or the socket's queue is full (a
   * later poll resumes). A failed read is logged and retried at the next poll; the socket stays open.
   */
  async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.isOpen() && this.socket.bufferedAmount <= this.limits.highWaterBytes) {
        const events = await this.source.eventsAfter(this.subscriber.clientId, this.lastSequence, this.limits.batchSize);
        for (const event of events) {
          if (!this.isOpen()) return;
          this.socket.send(JSON.stringify({ sequence: event.sequence, jti: event.jti, types: event.types, set: event.set }));
          this.lastSequence = event.sequence;
        }
        if (events.length < this.limits.batchSize) return;
      }
    } catch (error) {
      this.logger.warn({ err: error, clientId: this.subscriber.clientId }, 'event stream read failed; retried at the next poll');
    } finally {
      this.pumping = false;
    }
  }

  /** Pings the peer; a peer that did not answer the previous ping is gone, and its socket is terminated. */
  heartbeat(): void {
    if (!this.isOpen()) return;
    if (!this.answeredPing) {
      this.socket.terminate();
      return;
    }
    this.answeredPing = false;
    this.socket.ping();
  }

  /** Closes the stream with a close code and a short reason the peer sees. */
  end(code: number, reason: string): void {
    clearTimeout(this.expiry);
    if (this.isOpen()) this.socket.close(code, reason);
  }

  private isOpen(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }
}
