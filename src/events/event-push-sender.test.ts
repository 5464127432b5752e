// Proves how a notification is pushed: POST of the signed SET as application/jwt with a fresh x-fapi-interaction-id
// per attempt, the partner's status reported as it is, and no answer in time, a refused connection or a refused
// address reported as an error with the latency — never thrown.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { guardedFetch } from '../oauth/guarded-fetch.js';
import { eventPushSender } from './event-push-sender.js';

const TOKEN = 'eyJhbGciOiJQUzI1NiJ9.eyJqdGkiOiJldnRfMSJ9.c2lnbmF0dXJl';
const PATH = '/open-banking/v4.0/event-notifications';

describe('event push sender', () => {
  let server: Server;
  let origin: string;
  const received: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];
  let answer: (request: IncomingMessage) => { status: number; delayMs?: number } = () => ({ status: 202 });

  before(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
        const { status, delayMs = 0 } = answer(request);
        setTimeout(() => response.writeHead(status).end(), delayMs).unref();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const send = (allowLoopback = true, requestTimeoutMs = 2_000) =>
    eventPushSender(guardedFetch({ allowLoopback, connectTimeoutMs: 1_000, idleTimeoutMs: requestTimeoutMs }), {
      connectTimeoutMs: 1_000,
      requestTimeoutMs,
    });

  test('a receiver answering 202 → POST of the token as application/jwt with an interaction id; status 202, no error', async () => {
    received.length = 0;
    answer = () => ({ status: 202 });
    const attempt = await send()(`${origin}${PATH}`, TOKEN);
    assert.equal(attempt.httpStatus, 202);
    assert.equal(attempt.error, null);
    assert.equal(attempt.callbackUrl, `${origin}${PATH}`);
    assert.ok(attempt.latencyMs >= 0);
    const [request] = received;
    assert.equal(request?.method, 'POST');
    assert.equal(request?.url, PATH);
    assert.equal(request?.headers['content-type'], 'application/jwt');
    assert.equal(request?.headers['content-length'], String(TOKEN.length));
    assert.match(String(request?.headers['x-fapi-interaction-id']), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(request?.body, TOKEN);
  });

  test('two attempts → two different interaction ids', async () => {
    received.length = 0;
    await send()(`${origin}${PATH}`, TOKEN);
    await send()(`${origin}${PATH}`, TOKEN);
    assert.notEqual(received[0]?.headers['x-fapi-interaction-id'], received[1]?.headers['x-fapi-interaction-id']);
  });

  test('a receiver answering 500 or 200 → that status, reported as it is', async () => {
    for (const status of [500, 200]) {
      answer = () => ({ status });
      assert.equal((await send()(`${origin}${PATH}`, TOKEN)).httpStatus, status);
    }
  });

  test('a receiver answering after the request timeout → no status, the error says no answer came in time', async () => {
    answer = () => ({ status: 202, delayMs: 1_000 });
    const attempt = await send(true, 200)(`${origin}${PATH}`, TOKEN);
    assert.equal(attempt.httpStatus, null);
    assert.equal(attempt.error, 'no answer within 200 ms');
    assert.ok(attempt.latencyMs >= 150 && attempt.latencyMs < 1_000, String(attempt.latencyMs));
  });

  test('nothing listening → no status, the connection error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const attempt = await send()(`http://127.0.0.1:${port}${PATH}`, TOKEN);
    assert.equal(attempt.httpStatus, null);
    assert.match(attempt.error ?? '', /ECONNREFUSED/);
  });

  test('production (no loopback): localhost and a private address → refused before connecting, reported as an error', async () => {
    received.length = 0;
    const port = new URL(origin).port;
    for (const url of [`http://localhost:${port}${PATH}`, `https://10.0.0.8${PATH}`]) {
      const attempt = await send(false)(url, TOKEN);
      assert.equal(attempt.httpStatus, null);
      assert.match(attempt.error ?? '', /may not be fetched from/);
    }
    assert.equal(received.length, 0);
  });
});
