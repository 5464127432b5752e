// Proves over a real listening server that the live event stream sends an app the events committed after the sequence
// it names, then each new one as it commits, and never another app's; and that every refusal is an HTTP answer with
// an OBIE body at the upgrade, the socket never opened.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import type { EventOutboxWriter } from '../../src/persistence/stores/event-outbox-writer.js';
import { testEventOutbox } from '../support/event-outbox.js';
import {
  commitEvents,
  connectStream,
  EVENT_STREAM_PATH,
  isOpen,
  paymentUpdate,
  registerStreamingPartner,
  type OpenStream,
  type StreamingPartner,
  type StreamRefusal,
} from '../support/event-stream-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('live event stream', () => {
  let server: TestServer;
  let outbox: EventOutboxWriter;
  let app: StreamingPartner;
  let other: StreamingPartner;

  before(async () => {
    server = await startTestServer();
    outbox = await testEventOutbox();
    app = await registerStreamingPartner(server, 'Stream App');
    other = await registerStreamingPartner(server, 'Other App');
    const { clientId } = app.partner;
    await commitEvents(server, outbox, [
      paymentUpdate(clientId, 'pmt_1'),
      paymentUpdate(other.partner.clientId, 'pmt_x'),
      paymentUpdate(clientId, 'pmt_2'),
    ]);
    await commitEvents(server, outbox, [paymentUpdate(clientId, 'pmt_3')]);
  });
  after(async () => server.close());

  async function opened(request: Parameters<typeof connectStream>[2], partner = app): Promise<OpenStream> {
    const result = await connectStream(server, partner, request);
    assert.ok(isOpen(result), `the upgrade was refused: ${JSON.stringify(result)}`);
    return result;
  }

  async function refused(request: Parameters<typeof connectStream>[2], partner = app): Promise<StreamRefusal> {
    const result = await connectStream(server, partner, request);
    assert.ok(!isOpen(result), 'the stream opened');
    assert.equal(typeof result.headers['x-fapi-interaction-id'], 'string');
    assert.equal(result.body.Id, result.headers['x-fapi-interaction-id']);
    return result;
  }

  test('GET /event-stream?after=1 → events 2 and 3 of the app, then an event committed while it is open; never the other app’s', async () => {
    const stream = await opened({ after: 1 });
    const first = await stream.waitForMessages(2);
    assert.deepEqual(
      first.map((message) => message.sequence),
      [2, 3],
    );
    await commitEvents(server, outbox, [paymentUpdate(other.partner.clientId, 'pmt_y'), paymentUpdate(app.partner.clientId, 'pmt_4')]);
    const all = await stream.waitForMessages(3);
    assert.deepEqual(
      all.map((message) => message.sequence),
      [2, 3, 4],
    );
    for (const message of all) {
      assert.deepEqual(message.types, ['UK.OBIE.Resource-Update']);
      const claims = decodeJwt(message.set);
      assert.equal(claims.aud, app.partner.clientId);
      assert.equal(claims.jti, message.jti);
    }
    assert.match(String(decodeJwt(all[2]?.set ?? '').sub), /\/pisp\/domestic-payments\/pmt_4$/);
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(stream.messages.length, 3, 'nothing else arrives: not the other app’s events, no duplicate');
    stream.socket.close();
    await stream.closed;
  });

  test('GET /event-stream without after → every event of the app from the first; the other app’s stream → only its own', async () => {
    const stream = await opened({});
    assert.deepEqual(
      (await stream.waitForMessages(4)).map((message) => message.sequence),
      [1, 2, 3, 4],
    );
    const otherStream = await opened({ after: 0 }, other);
    const messages = await otherStream.waitForMessages(2);
    assert.deepEqual(
      messages.map((message) => [message.sequence, decodeJwt(message.set).aud]),
      [
        [1, other.partner.clientId],
        [2, other.partner.clientId],
      ],
    );
    stream.socket.close();
    otherStream.socket.close();
    await Promise.all([stream.closed, otherStream.closed]);
  });

  test('an access token that is not one → 401 U006 with a DPoP challenge, no socket', async () => {
    const refusal = await refused({ headers: { authorization: 'DPoP not-a-token', dpop: 'not-a-proof' } });
    assert.equal(refusal.status, 401);
    assert.equal(refusal.body.Errors[0].ErrorCode, 'U006');
    assert.match(String(refusal.headers['www-authenticate']), /^DPoP error="invalid_token"/);
  });

  test('no Authorization header → 401 U007', async () => {
    const refusal = await refused({ headers: {} });
    assert.equal(refusal.status, 401);
    assert.equal(refusal.body.Errors[0].ErrorCode, 'U007');
    assert.equal(refusal.body.Errors[0].Path, 'Authorization');
  });

  test('a valid token without its DPoP proof → 401 U007 naming the DPoP header', async () => {
    const token = await app.partner.clientCredentialsToken();
    const refusal = await refused({ headers: { authorization: `DPoP ${token}` } });
    assert.equal(refusal.status, 401);
    assert.deepEqual([refusal.body.Errors[0].ErrorCode, refusal.body.Errors[0].Path], ['U007', 'DPoP']);
  });

  test('a proof whose htu is another URL → 401 naming htu', async () => {
    const refusal = await refused({ htu: `${server.issuer}/open-banking/v4.0/aisp/accounts` });
    assert.equal(refusal.status, 401);
    assert.match(refusal.body.Message, /htu/);
  });

  test('a proof of another key than the token’s → 401', async () => {
    const token = await app.partner.clientCredentialsToken();
    const refusal = await connectStream(server, other, { token });
    assert.ok(!isOpen(refusal));
    assert.equal(refusal.status, 401);
    assert.match(refusal.body.Message, /DPoP proof is invalid or not signed with the key/);
  });

  test('after=abc → 400 U002 naming after', async () => {
    const refusal = await refused({ after: 'abc' });
    assert.equal(refusal.status, 400);
    assert.deepEqual([refusal.body.Errors[0].ErrorCode, refusal.body.Errors[0].Path], ['U002', 'after']);
  });

  test('an upgrade of another path → 404 U011', async () => {
    const refusal = await refused({ path: '/open-banking/v4.0/aisp/accounts' });
    assert.equal(refusal.status, 404);
    assert.equal(refusal.body.Errors[0].ErrorCode, 'U011');
  });

  test('a sixth stream of one app → 429 naming the limit; once one closes, another opens', async () => {
    const streams = [];
    for (let index = 0; index < 5; index += 1) streams.push(await opened({ after: 4 }));
    const refusal = await refused({ after: 4 });
    assert.equal(refusal.status, 429);
    assert.match(refusal.body.Message, /already has 5 open event streams/);
    const [first, ...rest] = streams;
    first?.socket.close();
    await first?.closed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const again = await opened({ after: 4 });
    for (const stream of [...rest, again]) stream.socket.close();
    await Promise.all([...rest, again].map((stream) => stream.closed));
  });

  test(`a plain GET ${EVENT_STREAM_PATH} (no upgrade) → 404 U011: the stream is only a WebSocket`, async () => {
    const response = await fetch(new URL(EVENT_STREAM_PATH, server.issuer));
    assert.equal(response.status, 404);
    assert.equal(((await response.json()) as { Errors: Array<{ ErrorCode: string }> }).Errors[0]?.ErrorCode, 'U011');
  });
});
