/** One event as the live stream sends it to the app it is for. */
export interface StreamedEvent {
  /** The app's sequence number of the event: grows by one with each event, in commit order. */
  readonly sequence: number;
  readonly jti: string;
  /** The `UK.OBIE.*` codes of the events it carries. */
  readonly types: readonly string[];
  /** The signed SET, as push and polling deliver it. */
  readonly set: string;
}

/**
 * Reads an app's events for the live stream (implemented over the outbox). Because an app's sequence numbers become
 * visible in commit order, reading "after the last one sent" never skips an event that commits later.
 */
export interface EventStreamSource {
  /** The app's events numbered above `afterSequence`, in order, at most `limit` of them. */
  eventsAfter(clientId: string, afterSequence: number, limit: number): Promise<StreamedEvent[]>;
  /** The last sequence number committed for each of these apps; an app without events is left out. */
  latestSequences(clientIds: readonly string[]): Promise<ReadonlyMap<string, number>>;
}

/** Who opened a live stream, and where it resumes: what the stream's upgrade established. */
export interface EventStreamSubscriber {
  /** The app (the client of the access token): only its events are sent. */
  readonly clientId: string;
  /** The last sequence number the app has seen: the stream starts with the next one. */
  readonly afterSequence: number;
  /** When the access token expires: the stream closes then, and the app reconnects with a new token. */
  readonly tokenExpiresAtMs: number;
}

/** How the live stream watches and bounds its connections, in each process. */
export interface EventStreamSettings {
  /** How often the apps with open streams are asked for new events (one statement for all of them). */
  readonly pollIntervalMs: number;
  /** How often each peer is pinged; one that has not answered by the next ping is dropped. */
  readonly heartbeatIntervalMs: number;
  /** Open streams per app, in one process. */
  readonly maxConnectionsPerApp: number;
}

/** New events reach an open stream within a quarter of a second; a ping every 30 s; 5 streams per app. */
export const DEFAULT_EVENT_STREAM_SETTINGS: EventStreamSettings = {
  pollIntervalMs: 250,
  heartbeatIntervalMs: 30_000,
  maxConnectionsPerApp: 5,
};
