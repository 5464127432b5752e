import type { Config } from '../../src/config/config.js';
import { createAccountAccessConsent, revokeConsentByCustomer } from '../../src/domain/consents/account-access-consents.js';
import { eventSealer } from '../../src/events/event-sealer.js';
import { API_BASE_PATH } from '../../src/http/resource-api.js';
import { loadKeyMaterial, messageSigningKey } from '../../src/oauth/key-material.js';
import type { Database } from '../../src/persistence/data-source.js';
import type { EventDeliveryAttemptRow, EventNotificationRow } from '../../src/persistence/entities/event.entity.js';
import { TypeOrmConsentStore } from '../../src/persistence/stores/consent-store.js';
import { EventOutboxWriter } from '../../src/persistence/stores/event-outbox-writer.js';
import { TypeOrmEventSubscriptionStore } from '../../src/persistence/stores/event-subscription-store.js';
import { TypeOrmServerKeyStore } from '../../src/persistence/stores/server-key-store.js';
import { SchemaRegistry } from '../../src/validation/schema-registry.js';

/** The sandbox customer whose consents the tests revoke, and an account of theirs. */
const CUSTOMER_ID = 'cus_sandbox_alice';
const ACCOUNT_ID = 'acc_alice_current';

/** Raises real events at a bank: signed with its own message-signing key, written by its outbox with the change. */
export interface BankEvents {
  /** Subscribes the app to every event type, pushed to `callbackUrl` (null: polling only). */
  subscribe(clientId: string, callbackUrl: string | null): Promise<void>;
  /**
   * Creates and authorises an account-access consent of the app for alice, then has alice revoke it through the
   * domain: one `consent-authorization-revoked` event, committed with the revocation. @returns the consent id.
   */
  revokeConsent(clientId: string): Promise<string>;
  /** The app's events, oldest first. */
  eventsOf(clientId: string): Promise<EventNotificationRow[]>;
  /** The push attempts of an event, oldest first. */
  attemptsOf(jti: string): Promise<EventDeliveryAttemptRow[]>;
}

/**
 * The bank's events over its database, with the outbox the bank builds (`createOpenTeller`): the same signing key
 * (read from the database or the configured key file), issuer and API base URL.
 */
export async function bankEvents(config: Config, database: Database): Promise<BankEvents> {
  const { dataSource } = database;
  const signingKey = await messageSigningKey(await loadKeyMaterial(config, new TypeOrmServerKeyStore(dataSource)));
  const outbox = new EventOutboxWriter({
    issuer: config.issuer,
    apiBaseUrl: `${config.issuer}${API_BASE_PATH}`,
    seal: eventSealer(SchemaRegistry.load(), signingKey),
  });
  const consents = new TypeOrmConsentStore(dataSource, outbox);
  const subscriptions = new TypeOrmEventSubscriptionStore(dataSource);
  return {
    async subscribe(clientId, callbackUrl) {
      const now = new Date();
      await subscriptions.insert({ id: `evs_${clientId}`, clientId, callbackUrl, version: '4.0', eventTypes: null, createdAt: now, updatedAt: now });
    },
    async revokeConsent(clientId) {
      const now = new Date();
      const consent = await createAccountAccessConsent(
        consents,
        clientId,
        { permissions: ['ReadAccountsBasic'], expirationDateTime: null, transactionFromDateTime: null, transactionToDateTime: null },
        now,
      );
      await consents.authorise(consent.id, { customerId: CUSTOMER_ID, accountIds: [ACCOUNT_ID], grantId: `grant_${consent.id}` }, now);
      await revokeConsentByCustomer(consents, { revokeGrant: async () => undefined }, CUSTOMER_ID, consent.id, now);
      return consent.id;
    },
    eventsOf: (clientId) =>
      dataSource.getRepository<EventNotificationRow>('EventNotification').find({ where: { clientId }, order: { sequence: 'ASC' } }),
    attemptsOf: (jti) =>
      dataSource.getRepository<EventDeliveryAttemptRow>('EventDeliveryAttempt').find({ where: { jti }, order: { attempt: 'ASC' } }),
  };
}
