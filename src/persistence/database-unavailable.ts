/** Socket and resolver errors: the database server cannot be reached (refused, reset, unreachable, timed out, unknown host). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * MySQL/MariaDB (mysql2) errors of a lost or refused connection: the server went away, shut down, killed the
 * connection, has no connection left, or a handshake or query timed out. Lock waits and deadlocks are not among
 * them: `inTransaction` retries those.
 */
const MYSQL_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_PACKETS_OUT_OF_ORDER',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
  'ER_CON_COUNT_ERROR',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_SERVER_GONE_ERROR',
  'ER_SERVER_LOST',
  'ER_NET_READ_ERROR',
  'ER_NET_READ_INTERRUPTED',
  'ER_NET_ERROR_ON_WRITE',
  'ER_NET_WRITE_INTERRUPTED',
  'ER_CLIENT_INTERACTION_TIMEOUT',
  'ER_OPTION_PREVENTS_STATEMENT',
]);

/**
 * SQLite result codes (with their extended forms, e.g. `SQLITE_BUSY_SNAPSHOT`) of a database file another process
 * holds locked past the busy timeout, that cannot be read or written, or whose disk is full.
 */
const SQLITE_CODE = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL)(_|$)/;

/** mysql2's message when a statement is given to a pooled connection whose socket has just closed (it has no code). */
const CLOSED_CONNECTION = /connection is in closed state/i;

/**
 * Whether an error means the database cannot serve now, so that a caller may retry later (HTTP 503 with
 * `Retry-After`) rather than a failure of the request itself (500): connection refused, reset or lost, the
 * server gone away or out of connections, timeouts, or (SQLite) the file locked by another process beyond the busy
 * timeout. Follows TypeORM's `driverError` and `cause` chains. Exported for every part of the bank that answers
 * requests (the composition root injects it; the web layers never import persistence).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current !== null && typeof current === 'object' && depth < 5; depth += 1) {
    const { code, fatal, message, driverError, cause } = current as {
      code?: unknown;
      fatal?: unknown;
      message?: unknown;
      driverError?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || MYSQL_CODES.has(code) || SQLITE_CODE.test(code))) return true;
    if (fatal === true || (typeof message === 'string' && CLOSED_CONNECTION.test(message))) return true;
    current = driverError ?? cause;
  }
  return false;
}
