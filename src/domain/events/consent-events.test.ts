// Proves which consent changes the domain reports to the partner, against an in-memory store: a customer's revocation (consent-authorization-revoked), an account no longer shared (account-access-consent-linked-account-update), an expiry of an authorised consent, found by the expiry worker or on read (resource-update) — and none for the partner's own DELETE, an expiry of a consent never authorised, or a change that did not happen.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AccountAccessConsent, GrantRevoker } from '../consents/account-access-consent.js';
import {
  deleteAccountAccessConsent,
  expireDueConsents,
  getAccountAccessConsent,
  revokeConsentByCustomer,
} from '../consents/account-access-consents.js';
import { ConsentStatus } from '../consents/consent-status.js';
import { removeAccountFromConsent } from '../consents/customer-connections.js';
import { EventType } from './event-types.js';
import { InMemoryConsentStore } from '../../../test/support/in-memory-consent-store.js';

const NOW = new Date('2030-06-01T12:00:00.000Z');
const ALICE = 'cus_sandbox_alice';
const APP = 'cli_budget_buddy';
const grants: GrantRevoker = { revokeGrant: async () => undefined };

function consent(store: InMemoryConsentStore, id: string, overrides: Partial<AccountAccessConsent> = {}): void {
  store.put(
    {
      id,
      clientId: APP,
      status: ConsentStatus.Authorised,
      statusReason: null,
      permissions: ['ReadAccountsDetail'],
      expiresAt: null,
      transactionFromAt: null,
      transactionToAt: null,
      customerId: ALICE,
      grantId: `grant_${id}`,
      authorisedAt: new Date(NOW.getTime() - 86_400_000),
      createdAt: new Date(NOW.getTime() - 90_000_000),
      statusUpdatedAt: new Date(NOW.getTime() - 86_400_000),
      request: { ExpirationDateTime: null, TransactionFromDateTime: null, TransactionToDateTime: null },
      ...overrides,
    },
    ['acc_alice_current', 'acc_alice_savings'],
  );
}

function reported(store: InMemoryConsentStore) {
  return store.events.map((event) => ({ clientId: event.clientId, resource: event.resource, events: event.events }));
}

describe('events of consent changes', () => {
  test('the customer revokes an authorised consent → one consent-authorization-revoked for its app, about the consent', async () => {
    const store = new InMemoryConsentStore();
    consent(store, 'aac_1');
    await revokeConsentByCustomer(store, grants, ALICE, 'aac_1', NOW);
    assert.deepEqual(reported(store), [
      { clientId: APP, resource: { type: 'account-access-consent', id: 'aac_1' }, events: [EventType.ConsentAuthorizationRevoked] },
    ]);
  });

  test('the customer revokes a consent already revoked → refused, nothing reported', async () => {
    const store = new InMemoryConsentStore();
    consent(store, 'aac_1', { status: ConsentStatus.Revoked });
    await assert.rejects(revokeConsentByCustomer(store, grants, ALICE, 'aac_1', NOW));
    assert.deepEqual(reported(store), []);
  });

  test('the customer stops sharing one account → one account-access-consent-linked-account-update', async () => {
    const store = new InMemoryConsentStore();
    consent(store, 'aac_1');
    await removeAccountFromConsent(store, ALICE, 'aac_1', 'acc_alice_savings', NOW);
    assert.deepEqual(reported(store), [
      { clientId: APP, resource: { type: 'account-access-consent', id: 'aac_1' }, events: [EventType.AccountAccessConsentLinkedAccountUpdate] },
    ]);
  });

  test("the partner's own DELETE → CANC, nothing reported (the partner knows)", async () => {
    const store = new InMemoryConsentStore();
    consent(store, 'aac_1');
    await deleteAccountAccessConsent(store, grants, APP, 'aac_1', NOW);
    assert.equal((await store.findById('aac_1'))?.status, ConsentStatus.Revoked);
    assert.deepEqual(reported(store), []);
  });

  test('the expiry worker → an authorised consent past its expiry is EXPD with a resource-update; one never authorised expires silently; one not yet due is left', async () => {
    const store = new InMemoryConsentStore();
    consent(store, 'aac_due', { expiresAt: new Date(NOW.getTime() - 1) });
    consent(store, 'aac_awaiting', { status: ConsentStatus.AwaitingAuthorisation, customerId: null, expiresAt: new Date(NOW.getTime() - 1) });
    consent(store, 'aac_later', { expiresAt: new Date(NOW.getTime() + 60_000) });
    assert.equal(await expireDueConsents(store, NOW), 2);
    assert.equal((await store.findById('aac_due'))?.status, ConsentStatus.Expired);
    assert.equal((await store.findById('aac_awaiting'))?.status, ConsentStatus.Expired);
    assert.equal((await store.findById('aac_later'))?.status, ConsentStatus.Authorised);
    assert.deepEqual(reported(store), [
      { clientId: APP, resource: { type: 'account-access-consent', id: 'aac_due' }, events: [EventType.ResourceUpdate] },
    ]);
    assert.equal(await expireDueConsents(store, NOW), 0);
    assert.equal(store.events.length, 1);
  });

  test('an expired consent first noticed when the partner reads it → EXPD and one resource-update; reading again reports nothing more', async () => {
    const store = new InMemoryConsentStore();
    consent(store, 'aac_1', { expiresAt: new Date(NOW.getTime() - 1) });
    assert.equal((await getAccountAccessConsent(store, APP, 'aac_1', NOW)).status, ConsentStatus.Expired);
    await getAccountAccessConsent(store, APP, 'aac_1', NOW);
    assert.deepEqual(reported(store), [
      { clientId: APP, resource: { type: 'account-access-consent', id: 'aac_1' }, events: [EventType.ResourceUpdate] },
    ]);
  });
});
