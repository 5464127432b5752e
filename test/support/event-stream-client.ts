import { createHash, randomUUID } from 'node:crypto';
import * as client from 'openid-client';
import type { CryptoKeyPair } from 'openid-client';
import { exportJWK, SignJWT } from 'jose';
import WebSocket from 'ws';
import type { EventDraft } from '../../src/domain/events/event-notification.js';
import { EventType } from '../../src/domain/events/event-types.js';
import type { EventOutboxWriter } from '../../src/persistence/stores/event-outbox-writer.js';
import { inTransaction } from '../../src/persistence/transactions.js';
import { partnerClient, registerPartner, type Partner } from './partner.js';
import type { TestServer } from './test-server.js';

export const EVENT_STREAM_PATH = '/open-banking/v4.0/event-stream';

/** A partner app whose DPoP key pair the test holds, so that it can sign the proofs of stream upgrades itself. */
export interface StreamingPartner {
  readonly partner: Partner;
  readonly keys: CryptoKeyPair;
}

/** Registers an AISP app whose tokens are bound to a key pair the test holds. */
export async function registerStreamingPartner(server: TestServer, name: string): Promise<StreamingPartner> {
  const registered = await registerPartner(server, name);
  const keys = await client.randomDPoPKeyPair('ES256');
  return { partner: partnerClient(server, registered.clientId, registered.config, client.getDPoPHandle(registered.config, keys)), keys };
}

/** A DPoP proof (RFC 9449 §4.2) of `keys` for a request, with `ath` for `accessToken`. */
export async function dpopProof(keys: CryptoKeyPair, request: { htm: string; htu: string; accessToken: string }): Promise<string> {
  const jwk = await exportJWK(keys.publicKey);
  const ath = createHash('sha256').update(request.accessToken).digest('base64url');
  return new SignJWT({ htm: request.htm, htu: request.htu, ath, jti: randomUUID() })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
    .setIssuedAt()
    .sign(keys.privateKey);
}

/** One message of the stream, parsed. */
export interface StreamMessage {
  readonly sequence: number;
  readonly jti: string;
  readonly types: string[];
  readonly set: string;
}

/** An open stream: the messages received so far (`onMessage` sees those, then each as it arrives) and its end. */
export interface OpenStream {
  readonly socket: WebSocket;
  readonly messages: StreamMessage[];
  onMessage(listener: (message: StreamMessage) => void): void;
  /** Resolves with the close code once the socket has closed. */
  readonly closed: Promise<number>;
  /** Resolves once at least `count` messages have arrived. */
  waitForMessages(count: number, timeoutMs?: number): Promise<StreamMessage[]>;
}

/** An upgrade the server refused: the HTTP answer. */
export interface StreamRefusal {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: any;
}

/** What to send with the upgrade; by default a fresh valid proof for `token` and no `after`. */
export interface StreamRequest {
  readonly token?: string;
  readonly after?: number | string;
  readonly path?: string;
  /** Headers instead of the default Authorization and DPoP ones. */
  readonly headers?: Record<string, string>;
  /** The `htu` the proof names (default: the stream's URL on the server). */
  readonly htu?: string;
}

/** Opens the app's stream over a real socket; resolves with the stream, or with the refusal of the upgrade. */
export async function connectStream(server: TestServer, app: StreamingPartner, request: StreamRequest = {}): Promise<OpenStream | StreamRefusal> {
  const path = request.path ?? EVENT_STREAM_PATH;
  const url = new URL(path, server.issuer);
  if (request.after !== undefined) url.searchParams.set('after', String(request.after));
  let headers = request.headers;
  if (!headers) {
    const token = request.token ?? (await app.partner.clientCredentialsToken());
    const proof = await dpopProof(app.keys, { htm: 'GET', htu: request.htu ?? new URL(path, server.issuer).href, accessToken: token });
    headers = { authorization: `DPoP ${token}`, dpop: proof };
  }
  const socket = new WebSocket(url.href.replace(/^http/, 'ws'), { headers });
  return new Promise((resolve, reject) => {
    socket.once('unexpected-response', (_request, response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text ? JSON.parse(text) : undefined }));
    });
    socket.once('error', reject);
    socket.once('open', () => {
      socket.off('error', reject);
      socket.on('error', () => undefined);
      resolve(openStream(socket));
    });
  });
}

function openStream(socket: WebSocket): OpenStream {
  const messages: StreamMessage[] = [];
  const listeners: Array<(message: StreamMessage) => void> = [];
  socket.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as StreamMessage;
    messages.push(message);
    for (const listener of listeners) listener(message);
  });
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  return {
    socket,
    messages,
    onMessage(listener) {
      // Messages may arrive in the same chunk as the handshake, before the caller could listen: replay them first.
      for (const message of messages) listener(message);
      listeners.push(listener);
    },
    closed,
    async waitForMessages(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline) throw new Error(`${messages.length} messages of ${count} arrived within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return messages;
    },
  };
}

/** Whether a connection attempt opened a stream. */
export function isOpen(result: OpenStream | StreamRefusal): result is OpenStream {
  return 'socket' in result;
}

/** A `resource-update` of a domestic payment for an app (as the payment store writes it). */
export function paymentUpdate(clientId: string, paymentId: string): EventDraft {
  return {
    clientId,
    resource: { type: 'domestic-payment', id: paymentId },
    events: [EventType.ResourceUpdate],
    interactionId: null,
    occurredAt: new Date(),
  };
}

/** Commits events in one transaction, as a change that reports them does. */
export function commitEvents(server: TestServer, outbox: EventOutboxWriter, drafts: readonly EventDraft[]): Promise<void> {
  return inTransaction(server.database.dataSource, (manager) => outbox.appendWithin(manager, drafts, new Date()));
}
