import { pino, type Logger } from 'pino';
import type { Config } from '../config/config.js';

export type { Logger };

/** The process logger: JSON lines on stdout, at the configured level. */
export function createLogger(level: Config['logLevel']): Logger {
  return pino({ level, base: { service: 'openteller' }, redact: ['req.headers.authorization', 'req.headers.dpop', 'password'] });
}
