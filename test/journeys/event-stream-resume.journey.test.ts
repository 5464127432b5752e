// Proves that an app resuming its live stream from the last sequence it saw receives each of its events exactly once
// and in order, while 1,000 events commit (with another app's among them) and its connection is cut at random moments,
// by the client or by the server.
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { decodeJwt } from 'jose';
import type { EventDraft } from '../../src/domain/events/event-notification.js';
import type { EventOutboxWriter } from '../../src/persistence/stores/event-outbox-writer.js';
import { testEventOutbox } from '../support/event-outbox.js';
import {
  commitEvents,
  connectStream,
  isOpen,
  paymentUpdate,
  registerStreamingPartner,
  type OpenStream,
  type StreamingPartner,
} from '../support/event-stream-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const EVENTS = 1000;

let server: TestServer;
let outbox: EventOutboxWriter;
let app: StreamingPartner;
let other: StreamingPartner;
/** The server side of every upgraded socket, to cut it as the server. */
const serverSockets = new Set<Socket>();

before(async () => {
  server = await startTestServer();
  outbox = await testEventOutbox();
  app = await registerStreamingPartner(server, 'Resuming App');
  other = await registerStreamingPartner(server, 'Busy Neighbour');
  server.http.on('upgrade', (_request, socket: Socket) => {
    serverSockets.add(socket);
    socket.once('close', () => serverSockets.delete(socket));
  });
});
after(async () => server.close());

/** Commits the app's events 1…EVENTS in transactions of 1 to 8, some with another app's events, with short pauses. */
async function commitAll(): Promise<void> {
  let written = 0;
  while (written < EVENTS) {
    const count = Math.min(EVENTS - written, 1 + Math.floor(Math.random() * 8));
    const drafts: EventDraft[] = [];
    for (let index = 0; index < count; index += 1) {
      written += 1;
      drafts.push(paymentUpdate(app.partner.clientId, `pmt_${written}`));
      if (Math.random() < 0.2) drafts.push(paymentUpdate(other.partner.clientId, `pmt_other_${written}`));
    }
    await commitEvents(server, outbox, drafts);
    if (Math.random() < 0.3) await new Promise((resolve) => setTimeout(resolve, Math.random() * 15));
  }
}

/** Opens the stream after `last`; an app whose previous streams the server has not yet seen close may get 429: retry. */
async function reconnect(token: string, last: number): Promise<OpenStream> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const result = await connectStream(server, app, { token, after: last });
    if (isOpen(result)) return result;
    assert.equal(result.status, 429, `the stream was refused: ${JSON.stringify(result.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the stream stayed full');
}

test(`${EVENTS} events committed while the stream is cut at random by either side → each received once, in order, after reconnecting from the last one seen`, async () => {
  const token = await app.partner.clientCredentialsToken();
  const writing = commitAll();
  const received: number[] = [];
  const jtis = new Set<string>();
  let last = 0;
  let cuts = { client: 0, server: 0 };
  while (last < EVENTS) {
    const stream = await reconnect(token, last);
    stream.onMessage((message) => {
      received.push(message.sequence);
      jtis.add(message.jti);
      assert.equal(decodeJwt(message.set).aud, app.partner.clientId);
      last = message.sequence;
    });
    const cut = setTimeout(() => {
      if (Math.random() < 0.5) {
        cuts = { ...cuts, client: cuts.client + 1 };
        stream.socket.terminate();
      } else {
        cuts = { ...cuts, server: cuts.server + 1 };
        for (const socket of serverSockets) socket.destroy();
      }
    }, Math.random() * 250);
    await Promise.race([stream.closed, waitUntil(() => last >= EVENTS)]);
    clearTimeout(cut);
    stream.socket.terminate();
    await stream.closed;
  }
  await writing;
  assert.deepEqual(
    received,
    Array.from({ length: EVENTS }, (_, index) => index + 1),
  );
  assert.equal(jtis.size, EVENTS);
  assert.ok(cuts.client > 0 && cuts.server > 0, `both sides cut the stream (${JSON.stringify(cuts)})`);
});

async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}
