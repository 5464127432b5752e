// Proves that key sets and event callbacks are fetched only from addresses a partner may point the bank at: loopback only in the
// sandbox, never private, link-local or other special-use networks (checked on the address actually connected to),
// that a POST carries its body, that oversized or slow answers are cut off, and that with keepAliveMs requests share a
// connection while a refused address stays refused.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { guardedFetch } from './guarded-fetch.js';

describe('guarded fetch of key sets', () => {
  let server: Server;
  let port: number;

  before(async () => {
    server = createServer((request, response) => {
      if (request.url === '/big') {
        response.end('x'.repeat(600 * 1024));
        return;
      }
      if (request.url === '/silent') return;
      let body = '';
      request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        response.setHeader('content-type', 'application/json');
        const echo = request.method === 'POST' ? { method: request.method, length: request.headers['content-length'], body } : {};
        response.end(JSON.stringify({ keys: [], path: request.url, ...echo }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  test('sandbox: a key set on 127.0.0.1 or localhost → fetched', async () => {
    const fetch = guardedFetch({ allowLoopback: true });
    assert.deepEqual(await (await fetch(`http://127.0.0.1:${port}/jwks`)).json(), { keys: [], path: '/jwks' });
    assert.equal((await fetch(`http://localhost:${port}/jwks`)).status, 200);
  });

  test('production: 127.0.0.1, localhost (resolving to loopback) and [::1] → refused before any request', async () => {
    const fetch = guardedFetch({ allowLoopback: false });
    await assert.rejects(fetch(`http://127.0.0.1:${port}/jwks`), /may not be fetched from/);
    await assert.rejects(fetch(`http://localhost:${port}/jwks`), /may not be fetched from/);
    await assert.rejects(fetch(`http://[::1]:${port}/jwks`), /may not be fetched from/);
  });

  test('private, link-local and metadata addresses → refused in both modes', async () => {
    for (const allowLoopback of [true, false]) {
      const fetch = guardedFetch({ allowLoopback });
      for (const host of [
        '10.0.0.8',
        '192.168.1.1',
        '172.16.5.5',
        '169.254.169.254',
        '100.64.0.1',
        '[fd00::1]',
        '[::ffff:10.0.0.1]',
        '[::7f00:1]',
        '[2002:7f00:1::]',
        '[fec0::1]',
      ]) {
        await assert.rejects(fetch(`https://${host}/jwks`), /may not be fetched from/, host);
      }
    }
  });

  test('a body over 512 KiB → refused', async () => {
    await assert.rejects(guardedFetch({ allowLoopback: true })(`http://127.0.0.1:${port}/big`), /larger than/);
  });

  test('a POST with a body → sent with its length; an idle connection past the idle timeout → cut off', async () => {
    const response = await guardedFetch({ allowLoopback: true })(`http://127.0.0.1:${port}/echo`, { method: 'POST', body: 'é-token' });
    assert.deepEqual(await response.json(), { keys: [], path: '/echo', method: 'POST', length: '8', body: 'é-token' });
    await assert.rejects(guardedFetch({ allowLoopback: true, idleTimeoutMs: 100 })(`http://127.0.0.1:${port}/silent`), /silent for 100 ms/);
  });

  test('keepAliveMs: three POSTs to one origin, one after the other → one connection; a loopback address in production still refused', async () => {
    let connections = 0;
    const count = () => (connections += 1);
    server.on('connection', count);
    try {
      const fetch = guardedFetch({ allowLoopback: true, keepAliveMs: 1_000 });
      for (const body of ['a', 'b', 'c'])
        assert.equal(((await (await fetch(`http://127.0.0.1:${port}/echo`, { method: 'POST', body })).json()) as { body: string }).body, body);
      assert.equal(connections, 1);
      await assert.rejects(guardedFetch({ allowLoopback: false, keepAliveMs: 1_000 })(`http://localhost:${port}/jwks`), /may not be fetched from/);
    } finally {
      server.off('connection', count);
    }
  });

  test('keepAliveMs: the server drops the connection kept open, the next POST goes out at once → sent again on a new connection, answered', async () => {
    const fetch = guardedFetch({ allowLoopback: true, keepAliveMs: 1_000 });
    assert.equal((await fetch(`http://127.0.0.1:${port}/echo`, { method: 'POST', body: 'first' })).status, 200);
    server.closeAllConnections();
    const response = await fetch(`http://127.0.0.1:${port}/echo`, { method: 'POST', body: 'second' });
    assert.equal(((await response.json()) as { body: string }).body, 'second');
  });

  test('a scheme other than http(s) → refused', async () => {
    await assert.rejects(guardedFetch({ allowLoopback: true })('file:///etc/passwd'), /not fetched/);
  });
});
