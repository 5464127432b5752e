import type { ObieError } from '../validation/obie-errors.js';

/**
 * An HTTP-level refusal of the resource API (bad token, bad header, schema violation…), rendered as an
 * `OBErrorResponse1` by the error handler. Business failures are `DomainError`s, mapped in one table.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errors: readonly ObieError[],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(errors[0]?.Message ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

/** 401 with a DPoP challenge (RFC 9449 §7.1); the body names the header at fault. */
export function unauthorized(description: string, path = 'Authorization', errorCode = 'U006'): ApiError {
  const challenge = `DPoP error="invalid_token", error_description="${description.replace(/["\\]/g, "'")}", algs="ES256 PS256 EdDSA"`;
  return new ApiError(401, [{ ErrorCode: errorCode, Message: description, Path: path }], { 'WWW-Authenticate': challenge });
}
