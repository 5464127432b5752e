// Proves that a partner's live event stream connection attempts appear in its app's call log in the portal like its
// other API calls: an opened stream as GET /open-banking/v4.0/event-stream with 101 and where it started; refusals once
// the token is verified (a second stream beyond EVENTS_STREAM_MAX_CONNECTIONS_PER_APP=1 → 429, after=abc → 400) with
// their status and the error code and message the app was answered; each with its x-fapi-interaction-id. An attempt
// whose token is not valid cannot be tied to the app, and is not listed.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  connectStream,
  dpopProof,
  EVENT_STREAM_PATH,
  isOpen,
  registerStreamingPartner,
  type StreamingPartner,
} from '../support/event-stream-client.js';
import { PortalClient } from '../support/portal-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('live event stream attempts in the portal call log', () => {
  let server: TestServer;
  let app: StreamingPartner;
  let portal: PortalClient;

  before(async () => {
    server = await startTestServer({ env: { EVENTS_STREAM_MAX_CONNECTIONS_PER_APP: '1' } });
    app = await registerStreamingPartner(server, 'Stream Log App');
    portal = await PortalClient.signedUp(server, 'Stream Log Ltd', 'dev@streamlog.example');
    await server.database.dataSource.query(
      'UPDATE partner_user SET partner_id = (SELECT partner_id FROM software WHERE client_id = ?) WHERE email = ?',
      [app.partner.clientId, 'dev@streamlog.example'],
    );
  });
  after(async () => server.close());

  /** The upgrade's headers: a fresh token and proof (or the given Authorization), and the interaction id. */
  async function headers(interactionId: string, authorization?: string): Promise<Record<string, string>> {
    const token = await app.partner.clientCredentialsToken();
    const proof = await dpopProof(app.keys, { htm: 'GET', htu: new URL(EVENT_STREAM_PATH, server.issuer).href, accessToken: token });
    return { authorization: authorization ?? `DPoP ${token}`, dpop: proof, 'x-fapi-interaction-id': interactionId };
  }

  /** The call log row of the stream with this interaction id, as the app's portal page shows it. */
  function row(status: number, reason: string, interactionId: string): RegExp {
    const text = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(
      `<td class="mono">GET</td><td class="mono">${text(EVENT_STREAM_PATH)}</td><td>${status}</td><td>${text(reason)}</td><td class="mono">${interactionId}</td>`,
    );
  }

  test('an opened stream, a second one refused 429, after=abc refused 400, and a bad token → the first three on the app page with status and reason, not the last', async () => {
    const [openedId, fullId, badAfterId, badTokenId] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const stream = await connectStream(server, app, { after: 3, headers: await headers(openedId) });
    assert.ok(isOpen(stream), 'the first stream opened');
    const full = await connectStream(server, app, { headers: await headers(fullId) });
    assert.ok(!isOpen(full));
    assert.equal(full.status, 429);
    stream.socket.close();
    await stream.closed;
    const badAfter = await connectStream(server, app, { after: 'abc', headers: await headers(badAfterId) });
    assert.ok(!isOpen(badAfter));
    assert.equal(badAfter.status, 400);
    const badToken = await connectStream(server, app, { headers: await headers(badTokenId, 'DPoP not-a-token') });
    assert.ok(!isOpen(badToken));
    assert.equal(badToken.status, 401);

    const page = await portal.get(`/portal/apps/${app.partner.clientId}`);
    assert.equal(page.status, 200);
    assert.match(page.html, row(101, 'Stream opened after sequence 3', openedId));
    assert.match(page.html, row(429, `U000: ${full.body.Message}`, fullId));
    assert.match(page.html, row(400, `U002: ${badAfter.body.Errors[0].Message}`, badAfterId));
    assert.match(full.body.Message, /already has 1 open event streams/);
    assert.doesNotMatch(page.html, new RegExp(badTokenId), 'an attempt without a valid token is not the app’s');
  });
});
