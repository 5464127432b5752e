import type { Context, Next } from 'koa';
import type { Logger } from '../logging/logger.js';

/** Whether the bank can serve requests now, and if not why (said to the load balancer and logged). */
export type Readiness = { readonly ready: true } | { readonly ready: false; readonly reason: string; readonly error?: unknown };

/** What the health endpoints are built from. */
export interface HealthDependencies {
  /** Checks what serving needs (the database); resolves, never rejects. */
  checkReadiness(): Promise<Readiness>;
  readonly logger: Logger;
  /** The longest a readiness check may take before the answer is 503: a load balancer's probe does not wait long. */
  readonly readinessTimeoutMs?: number;
}

const DEFAULT_READINESS_TIMEOUT_MS = 2_000;
const HEALTH_PATHS = new Set(['/health', '/health/live', '/health/ready']);

/**
 * The health endpoints for load balancers and orchestrators (README "Health checks"), JSON and never cached:
 * - `GET /health/live`: 200 `{"status":"live"}` while the process runs (if it fails, restart the process);
 * - `GET /health/ready`: 200 `{"status":"ready"}` when the database answers, is migrated and takes writes, else 503
 *   `{"status":"unavailable","reason":…}` (send no traffic; it comes back by itself when the database does);
 * - `GET /health`: the same as `/health/ready` (kept for monitors that used it).
 */
export function healthEndpoints(dependencies: HealthDependencies) {
  const timeoutMs = dependencies.readinessTimeoutMs ?? DEFAULT_READINESS_TIMEOUT_MS;
  return async function health(ctx: Context, next: Next) {
    if (!HEALTH_PATHS.has(ctx.path) || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) {
      await next();
      return;
    }
    ctx.set('Cache-Control', 'no-store');
    if (ctx.path === '/health/live') {
      ctx.body = { status: 'live' };
      return;
    }
    const readiness = await withinTimeout(dependencies.checkReadiness(), timeoutMs);
    if (readiness.ready) {
      ctx.body = { status: 'ready' };
      return;
    }
    dependencies.logger.warn({ reason: readiness.reason, err: readiness.error }, 'not ready: answered 503');
    ctx.status = 503;
    ctx.body = { status: 'unavailable', reason: readiness.reason };
  };
}

/** The readiness check's answer, or "not ready" once `timeoutMs` has passed without one. */
async function withinTimeout(check: Promise<Readiness>, timeoutMs: number): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Readiness>((resolve) => {
    timer = setTimeout(() => resolve({ ready: false, reason: `the database did not answer within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([check, late]);
  } finally {
    clearTimeout(timer);
  }
}
