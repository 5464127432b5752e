import { generateKeyPair, type CryptoKey } from 'jose';
import { eventSealer } from '../../src/events/event-sealer.js';
import { EventOutboxWriter } from '../../src/persistence/stores/event-outbox-writer.js';
import { SchemaRegistry } from '../../src/validation/schema-registry.js';

export const TEST_EVENT_ISSUER = 'https://bank.test';

/** An outbox writer for store tests, with the key that verifies its events: a throwaway PS256 key, issuer `https://bank.test`. */
export async function testEventSigning(): Promise<{ outbox: EventOutboxWriter; verifyKey: CryptoKey }> {
  const { privateKey, publicKey } = await generateKeyPair('PS256');
  const outbox = new EventOutboxWriter({
    issuer: TEST_EVENT_ISSUER,
    apiBaseUrl: `${TEST_EVENT_ISSUER}/open-banking/v4.0`,
    seal: eventSealer(SchemaRegistry.load(), { key: privateKey, kid: 'test-events' }),
  });
  return { outbox, verifyKey: publicKey };
}

/** An outbox writer for store tests that do not read the events back. */
export async function testEventOutbox(): Promise<EventOutboxWriter> {
  return (await testEventSigning()).outbox;
}
