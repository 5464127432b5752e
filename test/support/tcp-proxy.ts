import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of a server (the test MariaDB), to take it away and give it back as an outage
 * does: `cut()` drops every open connection and refuses new ones (ECONNREFUSED), `restore()` accepts again on the
 * same port; `freeze()` keeps every connection open but lets nothing through (a server or network that stops
 * answering), `thaw()` lets it flow again.
 */
export interface TcpProxy {
  readonly port: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
  freeze(): void;
  thaw(): void;
  close(): Promise<void>;
}

/** Starts a proxy to `target`, accepting on a port of the kernel's choice. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const pairs = new Set<readonly [Socket, Socket]>();
  let frozen = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const connectPair = ([client, upstream]: readonly [Socket, Socket]) => {
    client.pipe(upstream);
    upstream.pipe(client);
  };
  const holdPair = ([client, upstream]: readonly [Socket, Socket]) => {
    client.unpipe(upstream);
    upstream.unpipe(client);
    client.pause();
    upstream.pause();
  };
  const server: Server = createServer((client) => {
    const upstream = createConnection(target);
    const pair = [client, upstream] as const;
    track(client);
    track(upstream);
    pairs.add(pair);
    client.once('close', () => pairs.delete(pair));
    if (frozen) holdPair(pair);
    else connectPair(pair);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject).listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stopListening = () => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  const dropAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  await listen(0);
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no TCP port');
  const port = address.port;
  return {
    port,
    async cut() {
      const stopped = stopListening();
      dropAll();
      await stopped;
    },
    restore: () => listen(port),
    freeze() {
      frozen = true;
      for (const pair of pairs) holdPair(pair);
    },
    thaw() {
      frozen = false;
      for (const pair of pairs) connectPair(pair);
    },
    async close() {
      const stopped = stopListening();
      dropAll();
      await stopped;
    },
  };
}
