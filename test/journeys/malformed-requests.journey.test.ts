// Proves what a client that sends a malformed HTTP request gets, and what the bank's log keeps of it: a 400, and one
// line that names the parse error without the bytes sent (which may hold a session cookie, an access token or a
// password), at the level of a client's mistake rather than a server error.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../src/logging/logger.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** Sends raw bytes and resolves with everything the server answers until it closes the connection. */
function sendRaw(issuer: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(issuer);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(bytes));
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.setTimeout(5_000, () => socket.destroy(new Error('no answer within 5 s')));
  });
}

describe('malformed HTTP requests', () => {
  let server: TestServer;
  const lines: string[] = [];

  before(async () => {
    const capture = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    server = await startTestServer({ logger: createLogger('info', capture) });
  });
  after(async () => server?.close());

  test('a request followed by bytes that are no request, carrying a session cookie, a token and a password → 400; the log keeps none of them and no error line', async () => {
    const body = 'username=alice&password=alice-sandbox-1X';
    const request =
      `POST /account/login HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ot_account=SESSIONCOOKIE123\r\nAuthorization: DPoP SECRET-ACCESS-TOKEN\r\n` +
      `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n${body}\r\nEXTRA GARBAGE\r\n\r\n`;
    const answer = await sendRaw(server.issuer, request);
    assert.match(answer, /HTTP\/1\.1 (4\d\d)/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const joined = lines.join('\n');
    assert.ok(!joined.includes('rawPacket'), `the log holds the raw request: ${joined.slice(0, 500)}`);
    for (const secret of ['SESSIONCOOKIE123', 'SECRET-ACCESS-TOKEN', 'alice-sandbox-1X']) {
      assert.ok(!joined.includes(secret), `the log holds ${secret}: ${joined.slice(0, 2_000)}`);
    }
    const errors = lines.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((entry) => entry.level >= 50);
    assert.deepEqual(errors, [], 'a client sending a malformed request is not a server error');
  });
});
