// Proves that the event forwarder of the partner docs works as documented: with keys from generate-keys.mjs it opens
// the app's live stream, POSTs each event's SET to a local receiver as application/jwt, printing a line per event,
// reconnects when the bank restarts, and, stopped and started again, resumes after the last event it forwarded: nothing skipped, nothing twice.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import type { EventOutboxWriter } from '../../src/persistence/stores/event-outbox-writer.js';
import { testEventOutbox } from '../support/event-outbox.js';
import { commitEvents, paymentUpdate } from '../support/event-stream-client.js';
import { ExampleProcess } from '../support/example-process.js';
import { registerTestApp } from '../support/partner.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const FORWARDER = 'partner-portal-docs/examples/forward-events.mjs';

let server: TestServer;
let outbox: EventOutboxWriter;
let receiver: Server;
let directory: string;
/** What the local receiver was sent: content type and the SET's `jti`. */
const received: Array<{ contentType: string | undefined; jti: unknown; path: string | undefined }> = [];

before(async () => {
  server = await startTestServer();
  outbox = await testEventOutbox();
  directory = mkdtempSync(join(tmpdir(), 'openteller-forwarder-'));
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ contentType: request.headers['content-type'], jti: decodeJwt(body).jti, path: request.url });
      response.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});
after(async () => {
  await new Promise((resolve) => receiver.close(resolve));
  await server.close();
});

test('forward-events.mjs → each event POSTed as application/jwt, one line each; stopped and run again → resumes after the last one', async () => {
  await promisify(execFile)(process.execPath, ['partner-portal-docs/examples/generate-keys.mjs', join(directory, 'keys')]);
  const jwks = JSON.parse(readFileSync(join(directory, 'keys', 'public-jwks.json'), 'utf8'));
  const app = await registerTestApp(server, { name: 'Forwarder App', jwks, roles: ['AISP'] });
  const env = {
    ISSUER: server.issuer,
    CLIENT_ID: app.clientId,
    PRIVATE_JWK_FILE: join(directory, 'keys', 'private-jwk.json'),
    FORWARD_TO: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks`,
    SEQUENCE_FILE: join(directory, 'sequence'),
  };
  await commitEvents(server, outbox, [paymentUpdate(app.clientId, 'pmt_1'), paymentUpdate(app.clientId, 'pmt_2')]);

  const first = ExampleProcess.node(FORWARDER, env);
  try {
    await first.waitFor(/Connected; resuming after sequence 0/);
    await first.waitFor(/#2 evt_\S+ UK\.OBIE\.Resource-Update → 202/);
    await commitEvents(server, outbox, [paymentUpdate(app.clientId, 'pmt_3')]);
    await first.waitFor(/#3 evt_\S+ UK\.OBIE\.Resource-Update → 202/);
    await server.restart();
    await first.waitFor(/Disconnected \(1001 server shutting down\); reconnecting in 1 s/);
    await first.waitFor(/Connected; resuming after sequence 3/);
    await commitEvents(server, outbox, [paymentUpdate(app.clientId, 'pmt_4')]);
    await first.waitFor(/#4 evt_\S+ UK\.OBIE\.Resource-Update → 202/);
  } finally {
    first.stop();
  }
  await first.finished();
  assert.equal(readFileSync(env.SEQUENCE_FILE, 'utf8').trim(), '4');

  await commitEvents(server, outbox, [paymentUpdate(app.clientId, 'pmt_5')]);
  const second = ExampleProcess.node(FORWARDER, env);
  try {
    await second.waitFor(/Connected; resuming after sequence 4/);
    await second.waitFor(/#5 evt_\S+ UK\.OBIE\.Resource-Update → 202/);
  } finally {
    second.stop();
  }
  const { stdout } = await second.finished();
  assert.doesNotMatch(stdout, /#[1-4] /);

  const stored: Array<{ jti: string }> = await server.database.dataSource.query(
    'SELECT jti FROM event_notification WHERE client_id = ? ORDER BY sequence',
    [app.clientId],
  );
  assert.deepEqual(
    received.map((entry) => entry.jti),
    stored.map((row) => row.jti),
  );
  assert.ok(received.every((entry) => entry.contentType === 'application/jwt' && entry.path === '/webhooks'));
});
