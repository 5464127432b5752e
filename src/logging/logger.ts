import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';
import type { Config } from '../config/config.js';

export type { Logger };

/**
 * Errors without what may carry secrets: database errors hold the SQL and its parameters, which for the
 * authorization server's writes are token values (codes, refresh tokens); an HTTP parse error holds the raw bytes the
 * client sent (`rawPacket`: cookies, access tokens, passwords).
 */
function serializeError(error: Error): Record<string, unknown> {
  const {
    query: _query,
    parameters: _parameters,
    driverError: _driverError,
    sql: _sql,
    rawPacket: _rawPacket,
    ...safe
  } = stdSerializers.err(error) as unknown as Record<string, unknown>;
  return safe;
}

/**
 * Logs an error that reached the HTTP server unhandled. A client's malformed request — an HTTP parse error
 * (`HPE_…`) or a refusal with a 4xx status — is the client's mistake: one info line with its code, never the request.
 * Anything else is a server error.
 */
export function logUnhandledHttpError(logger: Logger, error: unknown): void {
  const { code, status, message } = (error ?? {}) as { code?: unknown; status?: unknown; message?: unknown };
  const fromClient = (typeof code === 'string' && code.startsWith('HPE_')) || (typeof status === 'number' && status >= 400 && status < 500);
  if (fromClient) logger.info({ code, status, reason: message }, 'a client sent a malformed request');
  else logger.error({ err: error }, 'unhandled HTTP error');
}

/** The process logger: JSON lines on stdout (or `destination`), at the configured level. */
export function createLogger(level: Config['logLevel'], destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'openteller' },
    serializers: { err: serializeError },
    redact: ['req.headers.authorization', 'req.headers.dpop', 'password'],
  };
  return destination ? pino(options, destination) : pino(options);
}
