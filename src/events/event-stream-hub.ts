import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { DEFAULT_EVENT_STREAM_SETTINGS, type EventStreamSource, type EventStreamSubscriber } from '../domain/events/event-stream.js';
import type { AppStanding } from '../domain/partners/partner-app.js';
import type { Logger } from '../logging/logger.js';
import { EventStreamSession, StreamCloseCode } from './event-stream-session.js';
import { repeat, type Repeating } from '../scheduling/repeat.js';

/**
 * How the live stream reads, watches and bounds its connections; every member has a production default (the first
 * three are settings: DEFAULT_EVENT_STREAM_SETTINGS, and the configuration's `events.stream`).
 */
export interface EventStreamOptions {
  readonly source: EventStreamSource;
  readonly findAppStanding: (clientId: string) => Promise<AppStanding | null>;
  readonly logger: Logger;
  /** How often the apps with open streams are asked for new events (one statement for all of them). */
  readonly pollIntervalMs?: number;
  /** How often each peer is pinged; one that has not answered by the next ping is dropped. */
  readonly heartbeatIntervalMs?: number;
  /** How often the apps with open streams are checked to be still active. */
  readonly standingCheckIntervalMs?: number;
  /** Open streams per app, in this process. */
  readonly maxConnectionsPerApp?: number;
  readonly batchSize?: number;
  readonly highWaterBytes?: number;
}

/**
 * Whether a stream was opened; refused because its app already has the most it may have (`full`, nothing written);
 * or refused by the WebSocket server because the handshake was not valid (`refused`, answered 400 by it).
 */
export type OpenOutcome = 'opened' | 'full' | 'refused';

/** Largest message a peer may send (the stream expects none; a control frame is far smaller). */
const MAX_INBOUND_BYTES = 4096;

/**
 * Every live stream of this process. One poller asks the database, for all apps with an open stream at once, for
 * the last sequence committed (events may be committed by any process), and wakes the streams that are behind; the
 * same loop resumes streams paused by a slow peer. Also drives the heartbeats, closes the streams of apps that stop
 * being active, and bounds the streams per app.
 */
export class EventStreamHub {
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: MAX_INBOUND_BYTES, perMessageDeflate: false });
  private readonly sessions = new Map<string, Set<EventStreamSession>>();
  private readonly tasks: readonly Repeating[];
  private readonly settings: Required<Omit<EventStreamOptions, 'source' | 'findAppStanding' | 'logger'>>;
  private closed = false;

  constructor(private readonly options: EventStreamOptions) {
    this.settings = {
      pollIntervalMs: options.pollIntervalMs ?? DEFAULT_EVENT_STREAM_SETTINGS.pollIntervalMs,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULT_EVENT_STREAM_SETTINGS.heartbeatIntervalMs,
      standingCheckIntervalMs: options.standingCheckIntervalMs ?? 10_000,
      maxConnectionsPerApp: options.maxConnectionsPerApp ?? DEFAULT_EVENT_STREAM_SETTINGS.maxConnectionsPerApp,
      batchSize: options.batchSize ?? 100,
      highWaterBytes: options.highWaterBytes ?? 1024 * 1024,
    };
    const warn = (failure: string) => (error: unknown) => this.options.logger.warn({ err: error }, failure);
    this.tasks = [
      repeat(this.settings.pollIntervalMs, () => this.poll(), warn('event stream poll failed')),
      repeat(this.settings.standingCheckIntervalMs, () => this.closeStreamsOfInactiveApps(), warn('event stream standing check failed')),
      repeat(
        this.settings.heartbeatIntervalMs,
        async () => this.forEachSession((session) => session.heartbeat()),
        warn('event stream heartbeat failed'),
      ),
    ];
  }

  /** The most streams one app may have open in this process. */
  get maxConnectionsPerApp(): number {
    return this.settings.maxConnectionsPerApp;
  }

  /**
   * Completes the WebSocket handshake of an upgrade already authenticated for `subscriber`, and starts sending. When
   * the app already has the most streams it may have, writes nothing and answers `full` (the caller refuses).
   */
  open(request: IncomingMessage, socket: Duplex, head: Buffer, subscriber: EventStreamSubscriber): OpenOutcome {
    const own = this.sessions.get(subscriber.clientId) ?? new Set<EventStreamSession>();
    if (this.closed || own.size >= this.settings.maxConnectionsPerApp) return 'full';
    let opened = false;
    // ws completes the handshake synchronously (no verifyClient): the count above cannot go stale before the add, and
    // a handshake it refuses (answering 400 itself) never calls back.
    this.server.handleUpgrade(request, socket, head, (webSocket) => {
      opened = true;
      const session = new EventStreamSession(webSocket, subscriber, this.options.source, this.settings, this.options.logger);
      own.add(session);
      this.sessions.set(subscriber.clientId, own);
      session.onClosed(() => {
        own.delete(session);
        if (own.size === 0 && this.sessions.get(subscriber.clientId) === own) this.sessions.delete(subscriber.clientId);
      });
      void session.pump();
    });
    return opened ? 'opened' : 'refused';
  }

  /** Stops polling and closes every stream with 1001 (going away): the peers reconnect to another process. */
  close(): void {
    this.closed = true;
    for (const task of this.tasks) task.stop();
    this.forEachSession((session) => session.end(StreamCloseCode.GoingAway, 'server shutting down'));
    this.server.close();
  }

  private async poll(): Promise<void> {
    if (this.sessions.size === 0) return;
    const latest = await this.options.source.latestSequences([...this.sessions.keys()]);
    for (const [clientId, sessions] of this.sessions) {
      const latestSequence = latest.get(clientId);
      if (latestSequence === undefined) continue;
      for (const session of sessions) if (session.isBehind(latestSequence)) void session.pump();
    }
  }

  private async closeStreamsOfInactiveApps(): Promise<void> {
    for (const [clientId, sessions] of [...this.sessions]) {
      const standing = await this.options.findAppStanding(clientId);
      if (standing?.status === 'active') continue;
      for (const session of sessions) session.end(StreamCloseCode.PolicyViolation, 'app no longer active');
    }
  }

  private forEachSession(action: (session: EventStreamSession) => void): void {
    for (const sessions of this.sessions.values()) for (const session of sessions) action(session);
  }
}
