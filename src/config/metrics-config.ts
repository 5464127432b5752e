import { ConfigError } from './config-error.js';

/** Where `/metrics` is served (README "Metrics"): a listener of its own; none when `METRICS_PORT` is unset. */
export interface MetricsConfig {
  readonly host: string;
  readonly port: number;
}

/**
 * `METRICS_PORT` (unset: no metrics endpoint) and `METRICS_HOST` (default `127.0.0.1`: reachable from this machine
 * only, e.g. a Prometheus agent beside it; set `0.0.0.0` for a scraper elsewhere on a private network).
 * @throws ConfigError when the port is not one, or is the partners' `PORT`.
 */
export function loadMetricsConfig(env: NodeJS.ProcessEnv, servingPort: number): MetricsConfig | null {
  const value = env.METRICS_PORT?.trim();
  if (!value) return null;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new ConfigError('METRICS_PORT', `must be an integer between 1 and 65535, got "${value}"`);
  if (port === servingPort)
    throw new ConfigError('METRICS_PORT', `must differ from PORT (${servingPort}): the metrics are never served where partners call`);
  return { host: env.METRICS_HOST?.trim() || '127.0.0.1', port };
}
