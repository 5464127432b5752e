import type { Context, Next } from 'koa';
import type { Metrics } from './metrics.js';
import { apiOf, methodOf, routeOf, statusClassOf } from './route-labels.js';

/**
 * Observes every request's duration (arrival to response) in {@link Metrics.httpDuration}, labelled by API, route
 * pattern, method and status class — a bounded set whatever the paths: ids never become labels. First in the chain,
 * so a request refused early (an outage, a bad token) is timed too.
 */
export function requestMetrics(metrics: Metrics) {
  return async function requestMetricsMiddleware(ctx: Context, next: Next) {
    const startedAt = process.hrtime.bigint();
    let status = 500;
    try {
      await next();
      status = ctx.status;
    } catch (error) {
      status = statusOfError(error);
      throw error;
    } finally {
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      metrics.httpDuration.observe(
        { api: apiOf(ctx.path), route: routeOf(ctx), method: methodOf(ctx.method), status_class: statusClassOf(status) },
        seconds,
      );
    }
  };
}

/** The status Koa answers an error that reached it with: its own `status` when it is an HTTP error, else 500. */
function statusOfError(error: unknown): number {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}
