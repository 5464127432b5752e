import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

/** Where the metrics are served: their own listener, apart from the partners' port (README "Metrics"). */
export interface MetricsListener {
  readonly host: string;
  readonly port: number;
}

/**
 * Serves `GET /metrics` (the Prometheus text format) on a listener of its own, so that nothing a partner can reach
 * exposes it; every other request is a 404.
 */
export async function serveMetrics(registry: Registry, listener: MetricsListener): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not Found\n');
      return;
    }
    registry.metrics().then(
      (text) =>
        response
          .writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' })
          .end(request.method === 'HEAD' ? undefined : text),
      () => response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('The metrics could not be collected\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listener.port, listener.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
