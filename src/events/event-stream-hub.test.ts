// Proves the live stream's behaviour over real sockets, against an in-memory outbox: a slow peer pauses the reads
// instead of filling the memory and still gets every event in order; a peer that stops answering pings is dropped;
// a stream closes when its token expires or its app stops being active; an app's streams are bounded; a handshake the
// WebSocket server refuses is reported as refused and not counted.
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, test } from 'node:test';
import WebSocket from 'ws';
import type { EventStreamSource, EventStreamSubscriber, StreamedEvent } from '../domain/events/event-stream.js';
import type { AppStanding } from '../domain/partners/partner-app.js';
import { createLogger } from '../logging/logger.js';
import { EventStreamHub, type EventStreamOptions, type OpenOutcome } from './event-stream-hub.js';

/** An outbox of one app in memory, counting how far the stream has read it. */
class MemorySource implements EventStreamSource {
  readonly events: StreamedEvent[] = [];
  highestRead = 0;

  add(count: number, setBytes = 100): void {
    for (let index = 0; index < count; index += 1) {
      const sequence = this.events.length + 1;
      this.events.push({ sequence, jti: `evt_${sequence}`, types: ['UK.OBIE.Resource-Update'], set: 'x'.repeat(setBytes) });
    }
  }

  async eventsAfter(_clientId: string, afterSequence: number, limit: number): Promise<StreamedEvent[]> {
    const found = this.events.filter((event) => event.sequence > afterSequence).slice(0, limit);
    this.highestRead = Math.max(this.highestRead, ...found.map((event) => event.sequence));
    return found;
  }

  async latestSequences(clientIds: readonly string[]): Promise<ReadonlyMap<string, number>> {
    return new Map(clientIds.map((clientId) => [clientId, this.events.length]));
  }
}

const servers: Server[] = [];
const hubs: EventStreamHub[] = [];
afterEach(() => {
  for (const hub of hubs.splice(0)) hub.close();
});
after(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

let standing: AppStanding['status'] = 'active';

/** A hub behind a listening server whose upgrades all belong to `cli_app` with this token expiry. */
async function startHub(source: EventStreamSource, options: Partial<EventStreamOptions> = {}, tokenExpiresAtMs = Date.now() + 60_000) {
  const hub = new EventStreamHub({
    source,
    findAppStanding: async () => ({ status: standing, version: 1 }),
    logger: createLogger('silent'),
    pollIntervalMs: 20,
    ...options,
  });
  hubs.push(hub);
  const outcomes: OpenOutcome[] = [];
  const server = createServer();
  server.on('upgrade', (request, socket, head) => {
    const subscriber: EventStreamSubscriber = {
      clientId: 'cli_app',
      afterSequence: Number(new URL(request.url ?? '/', 'http://x').searchParams.get('after') ?? 0),
      tokenExpiresAtMs,
    };
    const outcome = hub.open(request, socket, head, subscriber);
    outcomes.push(outcome);
    if (outcome === 'full') socket.end('HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { hub, outcomes, url, connect: (after = 0, clientOptions: WebSocket.ClientOptions = {}) => connect(`${url}?after=${after}`, clientOptions) };
}

async function connect(url: string, options: WebSocket.ClientOptions) {
  const socket = new WebSocket(url, options);
  const sequences: number[] = [];
  socket.on('message', (data: Buffer) => sequences.push((JSON.parse(data.toString()) as StreamedEvent).sequence));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const opened = await new Promise<boolean>((resolve) => {
    socket.once('open', () => resolve(true));
    socket.once('unexpected-response', () => resolve(false));
  });
  return { socket, sequences, closed, opened };
}

async function eventually(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('the condition did not hold in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('a peer that stops reading → the stream stops reading the outbox; once it reads again → every event, in order', async () => {
  const source = new MemorySource();
  source.add(2000, 10_000);
  const { connect: open } = await startHub(source, { highWaterBytes: 64 * 1024, batchSize: 20 });
  const stream = await open(0);
  stream.socket.pause();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const readWhilePaused = source.highestRead;
  assert.ok(readWhilePaused < 1000, `read ${readWhilePaused} of 2000 events while the peer read nothing`);
  stream.socket.resume();
  await eventually(() => stream.sequences.length === 2000);
  assert.deepEqual(
    stream.sequences,
    Array.from({ length: 2000 }, (_, index) => index + 1),
  );
  stream.socket.close();
});

test('events added while a stream is open → sent after those before, from the sequence it resumed after', async () => {
  const source = new MemorySource();
  source.add(5);
  const { connect: open } = await startHub(source);
  const stream = await open(3);
  await eventually(() => stream.sequences.length === 2);
  source.add(3);
  await eventually(() => stream.sequences.length === 5);
  assert.deepEqual(stream.sequences, [4, 5, 6, 7, 8]);
  stream.socket.close();
});

test('a peer that does not answer pings → terminated after the next heartbeat', async () => {
  const { connect: open } = await startHub(new MemorySource(), { heartbeatIntervalMs: 50 });
  const stream = await open(0, { autoPong: false });
  const { code } = await stream.closed;
  assert.equal(code, 1006);
});

test('a peer that answers pings → still open after several heartbeats', async () => {
  const { connect: open } = await startHub(new MemorySource(), { heartbeatIntervalMs: 30 });
  const stream = await open(0);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(stream.socket.readyState, WebSocket.OPEN);
  stream.socket.close();
});

test('the access token expires → closed 1008 "access token expired"', async () => {
  const { connect: open } = await startHub(new MemorySource(), {}, Date.now() + 200);
  const stream = await open(0);
  assert.deepEqual(await stream.closed, { code: 1008, reason: 'access token expired' });
});

test('the app is suspended while its stream is open → closed 1008 "app no longer active"', async () => {
  standing = 'active';
  const { connect: open } = await startHub(new MemorySource(), { standingCheckIntervalMs: 30 });
  const stream = await open(0);
  standing = 'suspended';
  try {
    assert.deepEqual(await stream.closed, { code: 1008, reason: 'app no longer active' });
  } finally {
    standing = 'active';
  }
});

test('a third stream of an app allowed two → full; after one closes → opened', async () => {
  const { connect: open, outcomes } = await startHub(new MemorySource(), { maxConnectionsPerApp: 2 });
  const first = await open(0);
  const second = await open(0);
  const third = await open(0);
  assert.deepEqual([first.opened, second.opened, third.opened], [true, true, false]);
  first.socket.close();
  await first.closed;
  await eventually(() => outcomes.length === 3);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const fourth = await open(0);
  assert.equal(fourth.opened, true);
  assert.deepEqual(outcomes, ['opened', 'opened', 'full', 'opened']);
  second.socket.close();
  fourth.socket.close();
});

test('an upgrade whose Sec-WebSocket-Key is not valid → refused (the WebSocket server answers 400), not counted: with one allowed, the next one opens', async () => {
  const { outcomes, connect: open, url } = await startHub(new MemorySource(), { maxConnectionsPerApp: 1 });
  const status = await new Promise<number | undefined>((resolve, reject) => {
    const request = httpRequest(url.replace('ws:', 'http:'), {
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'not-a-key' },
    });
    request.on('response', (response) => resolve(response.statusCode));
    request.on('upgrade', () => resolve(101));
    request.on('error', reject);
    request.end();
  });
  assert.equal(status, 400);
  assert.deepEqual(outcomes, ['refused']);
  const stream = await open(0);
  assert.equal(stream.opened, true);
  stream.socket.close();
});

test('the hub closes → every stream closed 1001 "server shutting down", and new upgrades are refused', async () => {
  const { hub, connect: open } = await startHub(new MemorySource());
  const stream = await open(0);
  hub.close();
  assert.deepEqual(await stream.closed, { code: 1001, reason: 'server shutting down' });
  assert.equal((await open(0)).opened, false);
});
