import { lookup, type LookupAddress } from 'node:dns';
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { BlockList, isIP, type Socket } from 'node:net';

/**
 * The fetch the platform uses for URLs partners and directories give it (key sets, event callbacks); a `Request` is
 * fetched by its URL only.
 */
export type GuardedFetch = (
  url: string | URL | Request,
  init?: { method?: string; headers?: ConstructorParameters<typeof Headers>[0]; body?: RequestInit['body']; signal?: AbortSignal | null },
) => Promise<Response>;

/** Where a guarded fetch may connect, and how long it waits. */
export interface GuardedFetchOptions {
  /**
   * Loopback addresses (`http://localhost`, `127.0.0.1`) may be reached: only for a sandbox that itself runs on a
   * developer's loopback, never for one others can reach.
   */
  readonly allowLoopback: boolean;
  /** The longest wait for the connection, name resolution included; no limit of its own by default. */
  readonly connectTimeoutMs?: number;
  /** The longest silence on the connection once open (5 s by default). */
  readonly idleTimeoutMs?: number;
  /**
   * Keeps connections open between requests, closing one that stayed unused this long: for a flow of requests to the
   * same few origins (event callbacks). None by default: every request opens its own connection.
   */
  readonly keepAliveMs?: number;
}

/** Addresses no partner-supplied URL may reach: this host, private networks, link-local, documentation, multicast… */
const SPECIAL_USE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  SPECIAL_USE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 96],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  SPECIAL_USE.addSubnet(network, prefix, 'ipv6');
}
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Key sets are small: anything larger is refused. */
const MAX_BODY_BYTES = 512 * 1024;
const TIMEOUT_MS = 5_000;

/**
 * A fetch for URLs the platform does not control (a partner's `jwks_uri`, a directory's or a software's key set, an
 * event callback URL): it refuses to connect to special-use addresses (loopback, private networks, link-local…), so such a URL cannot
 * make the bank probe its own network. The address checked is the one connected to (the check is in the DNS lookup
 * every new connection uses; a connection kept open stays with the address checked when it opened), so a name that
 * resolves differently later gains nothing.
 * No redirects, response bodies up to 512 KiB; the whole request is bounded by the caller's `signal`.
 */
export function guardedFetch({ allowLoopback, connectTimeoutMs, idleTimeoutMs = TIMEOUT_MS, keepAliveMs }: GuardedFetchOptions): GuardedFetch {
  const agents =
    keepAliveMs === undefined
      ? null
      : { http: new HttpAgent({ keepAlive: true, timeout: keepAliveMs }), https: new HttpsAgent({ keepAlive: true, timeout: keepAliveMs }) };
  const allowed = (address: string) => {
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    return !SPECIAL_USE.check(address, family) || (allowLoopback && LOOPBACK.check(address, family));
  };
  const guardedLookup: RequestOptions['lookup'] = (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.find((entry) => !allowed(entry.address));
      if (refused || addresses.length === 0)
        return callback(new Error(`${hostname} resolves to ${refused?.address ?? 'nothing'}, an address that may not be fetched from`), '', 0);
      if ((options as { all?: boolean }).all) return (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
      const [first] = addresses as [LookupAddress];
      return callback(null, first.address, first.family);
    });
  };

  return (url, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const target = new URL(url instanceof Request ? url.url : url);
      if (target.protocol !== 'https:' && target.protocol !== 'http:') return reject(new Error(`${target.protocol} URLs are not fetched`));
      if (isIP(target.hostname.replace(/^\[|\]$/g, '')) && !allowed(target.hostname.replace(/^\[|\]$/g, ''))) {
        return reject(new Error(`${target.hostname} is an address that may not be fetched from`));
      }
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const body = init.body ?? undefined;
      if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array))
        return reject(new Error('only text or bytes are sent as a body'));
      const headers = Object.fromEntries(new Headers(init.headers ?? {}).entries());
      if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
      const options = {
        method: init.method ?? 'GET',
        headers,
        lookup: guardedLookup,
        agent: agents === null ? (false as const) : target.protocol === 'https:' ? agents.https : agents.http,
        timeout: idleTimeoutMs,
        signal: init.signal ?? undefined,
      };
      // A connection kept open may have been closed by the other side just before it was reused (its server restarted,
      // or closed it idle): the request then fails before any answer, and is sent once more on a new connection.
      const sendOnce = (reused: 'may reuse' | 'new connection'): void => {
        const request = send(target, reused === 'may reuse' ? options : { ...options, agent: false }, (response: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) request.destroy(new Error(`the response from ${target.origin} is larger than ${MAX_BODY_BYTES} bytes`));
            else chunks.push(chunk);
          });
          response.on('end', () => {
            const responseHeaders = new Headers();
            for (const [name, value] of Object.entries(response.headers))
              if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
            const status = response.statusCode ?? 500;
            resolve(new Response([101, 204, 205, 304].includes(status) ? null : Buffer.concat(chunks), { status, headers: responseHeaders }));
          });
          response.on('error', reject);
        });
        if (connectTimeoutMs !== undefined) limitConnectTime(request, connectTimeoutMs, target.origin);
        request.on('timeout', () => request.destroy(new Error(`${target.origin} was silent for ${idleTimeoutMs} ms`)));
        request.on('error', (error: NodeJS.ErrnoException) => {
          const closedWhileKept = request.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
          if (closedWhileKept && !init.signal?.aborted) sendOnce('new connection');
          else reject(error);
        });
        request.end(body);
      };
      sendOnce('may reuse');
    });
}

/** Fails the request when its connection (name resolution included) is not open within `timeoutMs`. */
function limitConnectTime(request: ClientRequest, timeoutMs: number, origin: string): void {
  request.once('socket', (socket: Socket) => {
    if (!socket.connecting) return;
    const timer = setTimeout(() => request.destroy(new Error(`${origin} did not accept a connection within ${timeoutMs} ms`)), timeoutMs);
    socket.once('connect', () => clearTimeout(timer));
    socket.once('close', () => clearTimeout(timer));
  });
}
