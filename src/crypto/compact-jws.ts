/** A compact JWS split into its parts, its protected header and payload decoded as JSON objects; nothing verified yet. */
export interface DecodedCompactJws {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
  /** `<protected header>.<payload>` exactly as sent: what the signature covers. */
  readonly signingInput: string;
  /** The signature part, base64url. */
  readonly signature: string;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Splits a compact JWS (RFC 7515 §7.1) whose header and payload are JSON objects (a JWT, RFC 7519 §7.2).
 * @throws Error when it has not three base64url parts or a part is not a JSON object.
 */
export function decodeCompactJws(jws: string): DecodedCompactJws {
  const parts = jws.split('.');
  const [encodedHeader, encodedPayload, signature] = parts;
  if (parts.length !== 3 || !encodedHeader || !encodedPayload || !signature || !parts.every((part) => BASE64URL.test(part))) {
    throw new Error('not a compact JWS of three base64url parts');
  }
  return {
    header: decodeJsonObject(encodedHeader),
    payload: decodeJsonObject(encodedPayload),
    signingInput: `${encodedHeader}.${encodedPayload}`,
    signature,
  };
}

function decodeJsonObject(part: string): Readonly<Record<string, unknown>> {
  const decoded: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(part, 'base64url')));
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) throw new Error('a JWS part is not a JSON object');
  return decoded as Readonly<Record<string, unknown>>;
}
