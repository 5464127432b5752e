// Proves over a real listening server that the live stream's settings reach it: with
// EVENTS_STREAM_MAX_CONNECTIONS_PER_APP=1 an app's second stream is refused with 429 naming the limit (another app's is
// not), and with EVENTS_STREAM_HEARTBEAT_SECONDS=1 an open stream is pinged every second (the default is 30 s).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connectStream, isOpen, registerStreamingPartner, type OpenStream, type StreamingPartner } from '../support/event-stream-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('live event stream settings', () => {
  let server: TestServer;
  let app: StreamingPartner;
  let other: StreamingPartner;
  /** An app of its own for the heartbeat test (the other two's streams may still be closing on the server). */
  let pinged: StreamingPartner;

  before(async () => {
    server = await startTestServer({ env: { EVENTS_STREAM_MAX_CONNECTIONS_PER_APP: '1', EVENTS_STREAM_HEARTBEAT_SECONDS: '1' } });
    app = await registerStreamingPartner(server, 'Settings App');
    other = await registerStreamingPartner(server, 'Other Settings App');
    pinged = await registerStreamingPartner(server, 'Pinged App');
  });
  after(async () => server.close());

  async function opened(partner: StreamingPartner): Promise<OpenStream> {
    const result = await connectStream(server, partner, {});
    assert.ok(isOpen(result), `the upgrade was refused: ${JSON.stringify(result)}`);
    return result;
  }

  test('EVENTS_STREAM_MAX_CONNECTIONS_PER_APP=1: a second stream of the app → 429 naming 1; another app’s first → opened', async () => {
    const first = await opened(app);
    const refusal = await connectStream(server, app, {});
    assert.ok(!isOpen(refusal));
    assert.equal(refusal.status, 429);
    assert.match(refusal.body.Message, /already has 1 open event streams/);
    const others = await opened(other);
    for (const stream of [first, others]) stream.socket.close();
    await Promise.all([first.closed, others.closed]);
  });

  test('EVENTS_STREAM_HEARTBEAT_SECONDS=1: an open stream → pinged at least twice within 3.5 s', async () => {
    const stream = await opened(pinged);
    const pings: number[] = [];
    stream.socket.on('ping', () => pings.push(Date.now()));
    const deadline = Date.now() + 3_500;
    while (pings.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(pings.length >= 2, `${pings.length} pings`);
    stream.socket.close();
    await stream.closed;
  });
});
