import client, { type Counter, type Histogram, type Registry } from 'prom-client';

/** Every metric OpenTeller exports, in a registry of its own (one per running OpenTeller, so tests can run several). */
export interface Metrics {
  readonly registry: Registry;
  /** Time from a request's arrival to its response, by API, route pattern, method and status class. */
  readonly httpDuration: Histogram<'api' | 'route' | 'method' | 'status_class'>;
  /** What the authorization server did: token grants by type, PAR, authorization, by outcome and OAuth error code. */
  readonly oauthOutcomes: Counter<'operation' | 'grant_type' | 'outcome' | 'error'>;
}

/**
 * Buckets of the request histogram, in seconds: the regulator's and peers' thresholds (250 ms, 500 ms, 1 s, 2.5 s)
 * with finer ones below, where the API's reads answer.
 */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Creates the registry and its metrics, with the process's own (CPU, memory, event loop lag, handles) prefixed `openteller_`. */
export function createMetrics(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'openteller_' });
  const httpDuration = new client.Histogram({
    name: 'openteller_http_server_duration_seconds',
    help: 'Time from the arrival of a request to its response, by API, route pattern (never the raw path), method and status class.',
    labelNames: ['api', 'route', 'method', 'status_class'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const oauthOutcomes = new client.Counter({
    name: 'openteller_oauth_outcomes_total',
    help: 'Outcomes of the authorization server: token grants by grant type, pushed authorization requests and authorizations, with the OAuth error code of a failure.',
    labelNames: ['operation', 'grant_type', 'outcome', 'error'] as const,
    registers: [registry],
  });
  return { registry, httpDuration, oauthOutcomes };
}
