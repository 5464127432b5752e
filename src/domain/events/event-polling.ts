import { InvalidField } from '../errors.js';

/** A partner's poll (`OBEventPolling1`, RFC 8936 §2.4). */
export interface EventPollRequest {
  readonly maxEvents?: number;
  readonly returnImmediately?: boolean;
  readonly ack?: readonly string[];
  readonly setErrs?: Readonly<Record<string, { readonly err: string; readonly description: string }>>;
}

/** What a poll returns: up to `maxEvents` unacknowledged events by `jti`, and whether more wait. */
export interface EventPollResult {
  readonly moreAvailable: boolean;
  readonly sets: Readonly<Record<string, string>>;
}

/** The outbox as polling sees it: only the calling app's events, ever. */
export interface EventPollingStore {
  /** Marks the app's events with these `jti`s acknowledged (unknown ones and other apps' are ignored). */
  acknowledge(clientId: string, jtis: readonly string[], at: Date): Promise<void>;
  /** Records the app's negative acknowledgements; the events stay unacknowledged and are offered again. */
  recordErrors(clientId: string, errors: ReadonlyMap<string, string>): Promise<void>;
  /** The app's oldest unacknowledged events, in sequence order (events a push delivered count as acknowledged). */
  listUnacknowledged(clientId: string, limit: number): Promise<{ jti: string; token: string }[]>;
}

/** Error codes of the IANA "Security Event Token Error Codes" registry (RFC 8935 §3, used by RFC 8936). */
export const SET_ERROR_CODES: readonly string[] = [
  'invalid_request',
  'invalid_key',
  'invalid_issuer',
  'invalid_audience',
  'authentication_failed',
  'access_denied',
];

/** Most events one poll returns; a larger `maxEvents` is served as this many, with `moreAvailable`. */
export const MAX_EVENTS_PER_POLL = 100;

/** Events one poll returns when it does not say. */
export const DEFAULT_EVENTS_PER_POLL = 20;

/** How a long poll (`returnImmediately` false or absent, the RFC 8936 default) waits for a first event. */
export interface LongPollPolicy {
  readonly maxWaitMs: number;
  readonly checkEveryMs: number;
  /** Resolves after `ms` (injected so tests need not wait). */
  readonly sleep: (ms: number) => Promise<void>;
}

/**
 * Serves one poll: first the acknowledgements and errors it carries, then (unless `maxEvents` is 0) the app's
 * oldest unacknowledged events. With nothing to return and `returnImmediately` not true, checks again until an event
 * arrives or the policy's wait is over.
 * @throws InvalidField (path `maxEvents`, or `setErrs.<jti>.err`) for a negative count or an unregistered error code.
 */
export async function pollEvents(
  store: EventPollingStore,
  policy: LongPollPolicy,
  clientId: string,
  request: EventPollRequest,
  now: () => Date,
): Promise<EventPollResult> {
  const maxEvents = Math.min(request.maxEvents ?? DEFAULT_EVENTS_PER_POLL, MAX_EVENTS_PER_POLL);
  if (maxEvents < 0) throw new InvalidField('maxEvents must be 0 or more', 'maxEvents');
  const errors = new Map<string, string>();
  for (const [jti, { err, description }] of Object.entries(request.setErrs ?? {})) {
    if (!SET_ERROR_CODES.includes(err))
      throw new InvalidField(`setErrs.${jti}.err must be one of ${SET_ERROR_CODES.join(', ')}`, `setErrs.${jti}.err`);
    errors.set(jti, `${err}: ${description}`);
  }
  if (request.ack && request.ack.length > 0) await store.acknowledge(clientId, request.ack, now());
  if (errors.size > 0) await store.recordErrors(clientId, errors);
  if (maxEvents === 0) return { moreAvailable: false, sets: {} };
  let waitedMs = 0;
  for (;;) {
    const events = await store.listUnacknowledged(clientId, maxEvents + 1);
    if (events.length > 0 || request.returnImmediately === true || waitedMs >= policy.maxWaitMs) {
      const sets = Object.fromEntries(events.slice(0, maxEvents).map((event) => [event.jti, event.token]));
      return { moreAvailable: events.length > maxEvents, sets };
    }
    await policy.sleep(policy.checkEveryMs);
    waitedMs += policy.checkEveryMs;
  }
}
