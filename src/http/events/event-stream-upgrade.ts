import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { EventStreamSubscriber } from '../../domain/events/event-stream.js';
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

/** Opens the stream on an authenticated upgrade, or answers `full` when the app already has the most it may have. */
export type OpenEventStream = (request: IncomingMessage, socket: Duplex, head: Buffer, subscriber: EventStreamSubscriber) => 'opened' | 'full';

/** What admitting a stream needs: the resource API's token check and app standing, and the stream itself. */
export interface EventStreamUpgradeOptions {
  readonly checkAccessToken: AccessTokenCheck;
  readonly findAppStanding: AppStandingLookup;
  readonly openStream: OpenEventStream;
  /** The most streams an app may have open (named in the refusal when it has them). */
  readonly maxConnectionsPerApp: number;
  readonly logger: Logger;
  readonly outages: OutagePolicy;
}

/**
 * Returns the listener for the http server's `upgrade` event. An upgrade of `GET /open-banking/v4.0/event-stream` is
 * admitted by the resource API's rules — a client-credentials access token (scope accounts, payments or
 * fundsconfirmations) with a DPoP proof whose `htm` is GET and `htu` the stream's http(s) URL, of an app that is
 * active — and `after` a sequence number. Every refusal is an HTTP answer with an OBIE error body and
 * `x-fapi-interaction-id`, and the socket is never opened: 400, 401, 403, 404 (another path), 429 (the app already
 * has its most streams), 503 (the database is unavailable) or 500.
 */
export function eventStreamUpgrade(options: EventStreamUpgradeOptions) {
  return function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const sent = headerOf(request, INTERACTION_ID_HEADER);
    const interactionId = UUID.test(sent) ? sent : randomUUID();
    // The http server stopped watching the socket when it emitted `upgrade`: a reset during the checks must not throw.
    socket.on('error', () => socket.destroy());
    admit(request, socket, head).catch((error: unknown) => refuse(socket, refusalOf(error, interactionId, request), interactionId));
  };

  async function admit(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://upgrade.invalid');
    if (url.pathname !== EVENT_STREAM_PATH) throw new ApiError(404, [{ ErrorCode: 'U011', Message: `No WebSocket endpoint at ${url.pathname}` }]);
    const afterSequence = afterSequenceOf(url.searchParams);
    const presented = {
      authorization: headerOf(request, 'authorization'),
      dpop: headerOf(request, 'dpop'),
      method: request.method ?? '',
      path: url.pathname,
    };
    const verified = await options.checkAccessToken(presented, 'client-credentials', EVENT_SCOPES);
    await assertAppIsActive(options.findAppStanding, verified.clientId);
    if (socket.destroyed) return;
    const opened = options.openStream(request, socket, head, { clientId: verified.clientId, afterSequence, tokenExpiresAtMs: verified.expiresAtMs });
    if (opened === 'full') {
      const message = `This app already has ${options.maxConnectionsPerApp} open event streams, the most it may have; close one first`;
      throw new ApiError(429, [{ ErrorCode: 'U000', Message: message }], { 'Retry-After': '5' });
    }
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
