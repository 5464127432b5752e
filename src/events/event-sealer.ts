import { CompactSign, type CryptoKey } from 'jose';
import type { EventNotificationClaims } from '../domain/events/event-notification.js';
import type { SealEvent } from '../domain/events/event-outbox.js';
import type { SchemaRegistry } from '../validation/schema-registry.js';

/** The schema written from the data dictionary that every outbound event must satisfy. */
const EVENT_SCHEMA = 'OBEventNotification2';

/**
 * Seals events with the bank's message-signing key: PS256, the key's `kid` (published at `/jwks`), `typ`
 * `secevent+jwt` (RFC 8417 §2.3). Claims that break the schema throw: a bug, never sent.
 */
export function eventSealer(schemas: SchemaRegistry, signingKey: { readonly key: CryptoKey | Uint8Array; readonly kid: string }): SealEvent {
  const encoder = new TextEncoder();
  return async function sealEvent(claims: EventNotificationClaims): Promise<string> {
    const issues = schemas.validateResponse(EVENT_SCHEMA, claims);
    if (issues.length > 0)
      throw new Error(`event ${claims.jti} breaks ${EVENT_SCHEMA}: ${issues.map((issue) => `${issue.path} ${issue.message}`).join('; ')}`);
    return new CompactSign(encoder.encode(JSON.stringify(claims)))
      .setProtectedHeader({ alg: 'PS256', kid: signingKey.kid, typ: 'secevent+jwt' })
      .sign(signingKey.key);
  };
}
