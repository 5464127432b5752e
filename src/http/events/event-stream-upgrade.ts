import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { EventStreamSubscriber } from '../../domain/events/event-stream.js';
import type { ApiCall } from '../../domain/partners/api-calls.js';
import type { OutagePolicy } from '../../domain/outage.js';
import type { Logger } from '../../logging/logger.js';
import { ApiError } from '../api-error.js';
import type { AccessTokenCheck } from '../middleware/require-access-token.js';
import { assertAppIsActive, type AppStandingLookup } from '../middleware/require-active-app.js';
import { obieErrorBody } from '../middleware/render-errors.js';
import { API_BASE_PATH } from '../resource-api.js';
import { EVENT_SCOPES } from './events-services.js';

/** Where the live event stream is opened (a WebSocket upgrade of a GET). */
export const EVENT_STREAM_PATH = `${API_BASE_PATH}/event-stream`;

/** The query parameter naming the last sequence number the app has seen (0, or absent: from the first event). */
const AFTER_PARAMETER = 'after';

const INTERACTION_ID_HEADER = 'x-fapi-interaction-id';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Opens the stream on an authenticated upgrade; answers `full` when the app already has the most it may have (nothing
 * written), `refused` when the WebSocket handshake itself was not valid (the WebSocket server answered it).
 */
export type OpenEventStream = (
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  subscriber: EventStreamSubscriber,
) => 'opened' | 'full' | 'refused';

/** What admitting a stream needs: the resource API's token check and app standing, and the stream itself. */
export interface EventStreamUpgradeOptions {
  readonly checkAccessToken: AccessTokenCheck;
  readonly findAppStanding: AppStandingLookup;
  readonly openStream: OpenEventStream;
  /** The most streams an app may have open (named in the refusal when it has them). */
  readonly maxConnectionsPerApp: number;
  readonly logger: Logger;
  readonly outages: OutagePolicy;
  /** Notes an attempt in the app's call log (the resource API's call recorder). */
  readonly recordCall: (call: ApiCall) => void;
}

/**
 * Returns the listener for the http server's `upgrade` event. An upgrade of `GET /open-banking/v4.0/event-stream` is
 * admitted by the resource API's rules — a client-credentials access token (scope accounts, payments or
 * fundsconfirmations) with a DPoP proof whose `htm` is GET and `htu` the stream's http(s) URL, of an app that is
 * active — and `after` a sequence number. Every refusal is an HTTP answer with an OBIE error body and
 * `x-fapi-interaction-id`, and the socket is never opened: 400, 401, 403, 404 (another path), 429 (the app already
 * has its most streams), 503 (the database is unavailable) or 500.
 *
 * Once the access token is verified the attempt is the app's, and goes to its call log like a call of the resource
 * API (`GET` of the stream's path): 101 and where the stream starts when it opens, or the refusal's status and its
 * error. An attempt whose token is not verified cannot be tied to an app, and is not logged (as for the resource API).
 */
export function eventStreamUpgrade(options: EventStreamUpgradeOptions) {
  return function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const at = new Date();
    const sent = headerOf(request, INTERACTION_ID_HEADER);
    const interactionId = UUID.test(sent) ? sent : randomUUID();
    const attempt: Attempt = { clientId: null };
    const recordAs = (status: number, reason: string) => {
      if (attempt.clientId === null) return;
      options.recordCall({
        clientId: attempt.clientId,
        at,
        method: request.method ?? 'GET',
        path: EVENT_STREAM_PATH,
        status,
        interactionId,
        consentId: null,
        reason,
      });
    };
    // The http server stopped watching the socket when it emitted `upgrade`: a reset during the checks must not throw.
    socket.on('error', () => socket.destroy());
    admit(request, socket, head, attempt).then(
      (opened) => {
        if (opened) recordAs(opened.status, opened.reason);
      },
      (error: unknown) => {
        const refusal = refusalOf(error, interactionId, request);
        recordAs(refusal.status, refusal.errors.map((entry) => `${entry.ErrorCode}: ${entry.Message}`).join('; '));
        refuse(socket, refusal, interactionId);
      },
    );
  };

  /**
   * Checks the upgrade and opens the stream; notes the app in `attempt` once its token is verified.
   * @returns the status and reason of an opened stream (or of a handshake the WebSocket server refused); null when the
   * peer left before it could open.
   */
  async function admit(request: IncomingMessage, socket: Duplex, head: Buffer, attempt: Attempt): Promise<{ status: number; reason: string } | null> {
    const url = new URL(request.url ?? '/', 'http://upgrade.invalid');
    if (url.pathname !== EVENT_STREAM_PATH) throw new ApiError(404, [{ ErrorCode: 'U011', Message: `No WebSocket endpoint at ${url.pathname}` }]);
    const presented = {
      authorization: headerOf(request, 'authorization'),
      dpop: headerOf(request, 'dpop'),
      method: request.method ?? '',
      path: url.pathname,
    };
    const verified = await options.checkAccessToken(presented, 'client-credentials', EVENT_SCOPES);
    attempt.clientId = verified.clientId;
    await assertAppIsActive(options.findAppStanding, verified.clientId);
    // After the token, as the resource API validates a request after its token: a bad `after` is in the app's log.
    const afterSequence = afterSequenceOf(url.searchParams);
    if (socket.destroyed) return null;
    const opened = options.openStream(request, socket, head, { clientId: verified.clientId, afterSequence, tokenExpiresAtMs: verified.expiresAtMs });
    if (opened === 'full') {
      const message = `This app already has ${options.maxConnectionsPerApp} open event streams, the most it may have; close one first`;
      throw new ApiError(429, [{ ErrorCode: 'U000', Message: message }], { 'Retry-After': '5' });
    }
    if (opened === 'refused') return { status: 400, reason: 'Not a valid WebSocket handshake (Upgrade, Sec-WebSocket-Key, Sec-WebSocket-Version)' };
    return { status: 101, reason: afterSequence === 0 ? 'Stream opened from the first event' : `Stream opened after sequence ${afterSequence}` };
  }

  function refusalOf(error: unknown, interactionId: string, request: IncomingMessage): ApiError {
    if (error instanceof ApiError) return error;
    if (options.outages.isOutage(error)) {
      options.logger.warn({ err: error, interactionId }, 'event stream upgrade: database unavailable, answered 503');
      const message = `The service is briefly unavailable; retry after ${options.outages.retryAfterSeconds} seconds`;
      return new ApiError(503, [{ ErrorCode: 'U000', Message: message }], { 'Retry-After': String(options.outages.retryAfterSeconds) });
    }
    options.logger.error({ err: error, interactionId, path: request.url }, 'unexpected error in the event stream upgrade');
    return new ApiError(500, [{ ErrorCode: 'U000', Message: `An unexpected error occurred; quote interaction id ${interactionId}` }]);
  }
}

/** Whose attempt an upgrade is: known once its access token is verified. */
interface Attempt {
  clientId: string | null;
}

/** `after`: a whole number from 0; absent means 0. */
function afterSequenceOf(parameters: URLSearchParams): number {
  const values = parameters.getAll(AFTER_PARAMETER);
  if (values.length === 0) return 0;
  const [value] = values;
  if (values.length > 1 || value === undefined || !/^\d{1,15}$/.test(value)) {
    throw new ApiError(400, [
      { ErrorCode: 'U002', Message: 'after must be the sequence number of the last event received (a whole number from 0)', Path: AFTER_PARAMETER },
    ]);
  }
  return Number(value);
}

function headerOf(request: IncomingMessage, name: string): string {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** Answers the upgrade with an HTTP error and an OBIE body, then closes the connection. */
function refuse(socket: Duplex, refusal: ApiError, interactionId: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify(obieErrorBody(refusal.status, refusal.errors, interactionId));
  const headers = {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
    [INTERACTION_ID_HEADER]: interactionId,
    ...refusal.headers,
    Connection: 'close',
  };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.end(`HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? ''}\r\n${head.join('')}\r\n${body}`, () => socket.destroy());
}
