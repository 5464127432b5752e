import { pino, stdSerializers, type Logger } from 'pino';
import type { Config } from '../config/config.js';

export type { Logger };

/**
 * Errors without what may carry secrets: database errors hold the SQL and its parameters, which for the
 * authorization server's writes are token values (codes, refresh tokens).
 */
function serializeError(error: Error): Record<string, unknown> {
  const {
    query: _query,
    parameters: _parameters,
    driverError: _driverError,
    sql: _sql,
    ...safe
  } = stdSerializers.err(error) as unknown as Record<string, unknown>;
  return safe;
}

/** The process logger: JSON lines on stdout, at the configured level. */
export function createLogger(level: Config['logLevel']): Logger {
  return pino({
    level,
    base: { service: 'openteller' },
    serializers: { err: serializeError },
    redact: ['req.headers.authorization', 'req.headers.dpop', 'password'],
  });
}
