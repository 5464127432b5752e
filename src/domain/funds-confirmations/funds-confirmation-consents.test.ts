// Proves the funds confirmation consent use cases against in-memory stores: creation (AWAU; an account elsewhere, a bad
// scheme or identification and a past expiry refused with their OBIE paths), the partner's view and deletion (CANC,
// grant ended), the lifecycle applied on read (past expiry → EXPD with resource-update and a mail only if it was in use;
// AWAU after 24 hours → RJCT U036), who may authorise it and on which account (only the customer's own account the
// consent names), refusal, the customer's revocation (CANC, resource-update + consent-authorization-revoked, a mail,
// grant ended), and the grant it backs.
import { rejectAwaitingConsent } from '../consents/consent-rejection.js';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InMemoryAccountStore } from '../../../test/support/in-memory-account-store.js';
import { isDomainError as isError } from '../../../test/support/domain-errors.js';
import { InMemoryFundsConfirmationConsentStore } from '../../../test/support/in-memory-funds-confirmation-consent-store.js';
import type { GrantRevoker } from '../consents/account-access-consent.js';
import { ConsentStatus } from '../consents/consent-status.js';
import { ActionNotAllowed, InvalidConsentStatus, InvalidDate, InvalidField, ResourceForbidden, ResourceNotFound } from '../errors.js';
import { EventType } from '../events/event-types.js';
import { UnsupportedScheme } from '../payments/payment-instruction.js';
import type { FundsConfirmationConsent, FundsConfirmationConsentRequest } from './funds-confirmation-consent.js';
import {
  assertFundsConfirmationConsentAuthorisable,
  authoriseFundsConfirmationConsent,
  createFundsConfirmationConsent,
  deleteFundsConfirmationConsent,
  expireDueFundsConfirmationConsents,
  findFundsConfirmationConsentBackingGrant,
  getFundsConfirmationConsent,
  namedAccountOf,
  revokeFundsConfirmationConsentByCustomer,
} from './funds-confirmation-consents.js';

const NOW = new Date('2030-06-03T09:00:00.000Z');
const HOUR = 3_600_000;
const APP = 'cli_card_issuer';
const ALICE = 'cus_sandbox_alice';
const BOB = 'cus_sandbox_bob';
const ALICE_CURRENT = { SchemeName: 'UK.OBIE.SortCodeAccountNumber', Identification: '99030131926819', Name: 'Alice Thompson' };
const accounts = new InMemoryAccountStore();

function request(data: Partial<FundsConfirmationConsentRequest['Data']> = {}): FundsConfirmationConsentRequest {
  return { Data: { DebtorAccount: ALICE_CURRENT, ExpirationDateTime: '2030-12-31T00:00:00+00:00', ...data } };
}

function revoker(): GrantRevoker & { revoked: string[] } {
  const revoked: string[] = [];
  return { revoked, revokeGrant: async (grantId) => void revoked.push(grantId) };
}

async function authorised(store: InMemoryFundsConfirmationConsentStore, body = request()): Promise<FundsConfirmationConsent> {
  const consent = await createFundsConfirmationConsent(store, APP, body, NOW);
  await authoriseFundsConfirmationConsent(
    store,
    consent.id,
    { customerId: ALICE, grantId: `grant_${consent.id}` },
    await accounts.listByCustomer(ALICE),
    NOW,
  );
  return (await store.findById(consent.id)) as FundsConfirmationConsent;
}

describe('creating', () => {
  test('a consent on an account of this bank → AWAU, fcc_ id, its expiry, the request kept verbatim', async () => {
    const store = new InMemoryFundsConfirmationConsentStore();
    const consent = await createFundsConfirmationConsent(store, APP, request(), NOW);
    assert.match(consent.id, /^fcc_/);
    assert.equal(consent.status, ConsentStatus.AwaitingAuthorisation);
    assert.deepEqual(consent.expiresAt, new Date('2030-12-31T00:00:00Z'));
    assert.deepEqual((await store.findById(consent.id))?.request, request());
  });

  test('no ExpirationDateTime → open-ended (expiresAt null)', async () => {
    const store = new InMemoryFundsConfirmationConsentStore();
    const consent = await createFundsConfirmationConsent(store, APP, { Data: { DebtorAccount: ALICE_CURRENT } }, NOW);
    assert.equal(consent.expiresAt, null);
  });

  test('an account at another bank → InvalidField at DebtorAccount.Identification; nothing stored', async () => {
    const store = new InMemoryFundsConfirmationConsentStore();
    const elsewhere = { SchemeName: 'UK.OBIE.SortCodeAccountNumber', Identification: '40051269871234' };
    await assert.rejects(
      createFundsConfirmationConsent(store, APP, request({ DebtorAccount: elsewhere }), NOW),
      isError(InvalidField, 'Data.DebtorAccount.Identification'),
    );
    assert.equal(await store.listDueForExpiry(new Date('2100-01-01'), 10).then((due) => due.length), 0);
  });

  test('a malformed identification → InvalidField; an unsupported scheme → UnsupportedScheme (U027)', async () => {
    const store = new InMemoryFundsConfirmationConsentStore();
    await assert.rejects(
      createFundsConfirmationConsent(
        store,
        APP,
        request({ DebtorAccount: { SchemeName: 'UK.OBIE.SortCodeAccountNumber', Identification: '9903' } }),
        NOW,
      ),
      isError(InvalidField, 'Data.DebtorAccount.Identification'),
    );
    await assert.rejects(
      createFundsConfirmationConsent(store, APP, request({ DebtorAccount: { SchemeName: 'UK.OBIE.Wallet', Identification: 'w-1' } }), NOW),
      isError(UnsupportedScheme, 'Data.DebtorAccount.SchemeName'),
    );
  });

  test('an ExpirationDateTime now or in the past, or not a date-time → InvalidDate at Data.ExpirationDateTime', async () => {
    const store = new InMemoryFundsConfirmationConsentStore();
    for (const ExpirationDateTime of [NOW.toISOString(), '2030-06-01T00:00:00Z', '2030-02-30T00:00:00Z']) {
      await assert.rejects(
        createFundsConfirmationConsent(store, APP, request({ ExpirationDateTime }), NOW),
        isError(InvalidDate, 'Data.ExpirationDateTime'),
      );
    }
  });
});

describe('the partner reads and deletes', () => {
  test('get: its own → the consent; another partner → ResourceForbidden; unknown → ResourceNotFound', async () => {
    const store = new InMemoryFundsConfirmationConsentStore();
    const consent = await createFundsConfirmationConsent(store, APP, request(), NOW);
    assert.equal((await getFundsConfirmationConsent(store, APP, consent.id, NOW)).id, consent.id);
    await assert.rejects(getFundsConfirmationConsent(store, 'cli_other', consent.id, NOW), isError(ResourceForbidden));
    await assert.rejects(getFundsConfirmationConsent(store, APP, 'fcc_unknown', NOW), isError(ResourceNotFound));
  });

  test('delete an AUTH consent → CANC, its grant revoked, no event to the partner; deleting again leaves it CANC', async () => {
    const store = new InMemoryFundsConfirmationConsentStore();
    const consent = await authorised(store);
    const grants = revoker();
    await deleteFundsConfirmationConsent(store, grants, APP, consent.id, NOW);
    assert.equal((await store.findById(consent.id))?.status, ConsentStatus.Revoked);
    assert.deepEqual(grants.revoked, [consent.grantId]);
    assert.deepEqual(store.events, []);
    await deleteFundsConfirmationConsent(store, grants, APP, consent.id, NOW);
    assert.equal((await store.findById(consent.id))?.status, ConsentStatus.Revoked);
  });

  test("delete another partner's consent → ResourceForbidden, it stays AWAU", async () => {
    const store = new InMemoryFundsConfirmationConsentStore();
    const consent = await createFundsConfirmationConsent(store, APP, request(), NOW);
    await assert.rejects(deleteFundsConfirmationConsent(store, revoker(), 'cli_other', consent.id, NOW), isError(ResourceForbidden));
    assert.equal((await store.findById(consent.id))?.status, ConsentStatus.AwaitingAuthorisation);
  });
});

describe('lifecycle', () => {
  test('an AUTH consent read after its expiry → EXPD TKXP, resource-update to the partner and a mail to the customer', async () => {
    const store = new InMemoryFundsConfirmationConsentStore();
    const consent = await authorised(store);
    const later = new Date('2031-01-01T00:00:00Z');
    const read = await getFundsConfirmationConsent(store, APP, consent.id, later);
    assert.equal(read.status, ConsentStatus.Expired);
    assert.equal(read.statusReason?.code, 'TKXP');
    assert.deepEqual(
      store.events.map((event) => [event.resource, event.events]),
      [[{ type: 'funds-confirmation-consent', id: consent.id }, [EventType.ResourceUpdate]]],
    );
    assert.equal(store.notices.length, 1);
    assert.equal(store.notices[0]?.customerId, ALICE);
  });

  test('an AWAU consent past its expiry → EXPD without event or mail; one older than 24 hours → RJCT U036', async () => {
    const store = new InMemoryFundsConfirmationConsentStore();
    const soon = await createFundsConfirmationConsent(store, APP, request({ ExpirationDateTime: '2030-06-03T12:00:00Z' }), NOW);
    assert.equal((await getFundsConfirmationConsent(store, APP, soon.id, new Date(NOW.getTime() + 4 * HOUR))).status, ConsentStatus.Expired);
    const waiting = await createFundsConfirmationConsent(store, APP, request(), NOW);
    const late = await getFundsConfirmationConsent(store, APP, waiting.id, new Date(NOW.getTime() + 25 * HOUR));
    assert.equal(late.status, ConsentStatus.Rejected);
    assert.equal(late.statusReason?.code, 'U036');
    assert.deepEqual(store.events, []);
    assert.deepEqual(store.notices, []);
  });

  test('the expiry job expires the due AUTH consents without anyone reading them', async () => {
    const store = new InMemoryFundsConfirmationConsentStore();
    const consent = await authorised(store, request({ ExpirationDateTime: '2030-07-01T00:00:00Z' }));
    const open = await authorised(store, { Data: { DebtorAccount: ALICE_CURRENT } });
    assert.equal(await expireDueFundsConfirmationConsents(store, new Date('2030-07-02T00:00:00Z')), 1);
    assert.equal((await store.findById(consent.id))?.status, ConsentStatus.Expired);
    assert.equal((await store.findById(open.id))?.status, ConsentStatus.Authorised);
  });
});

describe('the customer authorises', () => {
  test('the account the consent names, when it is the customer’s → AUTH bound to the customer, that account and the grant', async () => {
    const store = new InMemoryFundsConfirmationConsentStore();
    const consent = await authorised(store);
    assert.equal(consent.status, ConsentStatus.Authorised);
    assert.equal(consent.customerId, ALICE);
    assert.equal(consent.account?.id, 'acc_alice_current');
    assert.equal(consent.grantId, `grant_${consent.id}`);
  });

  test('another customer (the account is not theirs) → ActionNotAllowed; it stays AWAU', async () => {
    const store = new InMemoryFundsConfirmationConsentStore();
    const consent = await createFundsConfirmationConsent(store, APP, request(), NOW);
    const bobs = await accounts.listByCustomer(BOB);
    assert.equal(namedAccountOf(consent, bobs), null);
    await assert.rejects(
      authoriseFundsConfirmationConsent(store, consent.id, { customerId: BOB, grantId: 'grant_bob' }, bobs, NOW),
      isError(ActionNotAllowed),
    );
    assert.equal((await store.findById(consent.id))?.status, ConsentStatus.AwaitingAuthorisation);
  });

  test('authorising twice, or after 24 hours → InvalidConsentStatus; PAR for it then → InvalidConsentStatus', async () => {
    const store = new InMemoryFundsConfirmationConsentStore();
    const consent = await authorised(store);
    const own = await accounts.listByCustomer(ALICE);
    await assert.rejects(
      authoriseFundsConfirmationConsent(store, consent.id, { customerId: ALICE, grantId: 'grant_again' }, own, NOW),
      isError(InvalidConsentStatus),
    );
    await assert.rejects(assertFundsConfirmationConsentAuthorisable(store, APP, consent.id, NOW), isError(InvalidConsentStatus));
    const waiting = await createFundsConfirmationConsent(store, APP, request(), NOW);
    const late = new Date(NOW.getTime() + 24 * HOUR);
    await assert.rejects(
      authoriseFundsConfirmationConsent(store, waiting.id, { customerId: ALICE, grantId: 'grant_late' }, own, late),
      isError(InvalidConsentStatus),
    );
  });

  test("PAR for another partner's or an unknown consent → ResourceNotFound (not revealed)", async () => {
    const store = new InMemoryFundsConfirmationConsentStore();
    const consent = await createFundsConfirmationConsent(store, APP, request(), NOW);
    await assert.rejects(assertFundsConfirmationConsentAuthorisable(store, 'cli_other', consent.id, NOW), isError(ResourceNotFound));
    await assert.rejects(assertFundsConfirmationConsentAuthorisable(store, APP, 'fcc_unknown', NOW), isError(ResourceNotFound));
    assert.equal((await assertFundsConfirmationConsentAuthorisable(store, APP, consent.id, NOW)).id, consent.id);
  });

  test('refusal → RJCT with the reason; refusing again → InvalidConsentStatus', async () => {
    const store = new InMemoryFundsConfirmationConsentStore();
    const consent = await createFundsConfirmationConsent(store, APP, request(), NOW);
    const reason = { code: 'U033', description: 'The customer did not agree' };
    await rejectAwaitingConsent(store, consent.id, reason, NOW);
    assert.deepEqual((await store.findById(consent.id))?.statusReason, reason);
    await assert.rejects(rejectAwaitingConsent(store, consent.id, reason, NOW), isError(InvalidConsentStatus));
  });
});

describe('the customer revokes', () => {
  test('→ CANC TKSP, one event with resource-update and consent-authorization-revoked, a mail, the grant revoked', async () => {
    const store = new InMemoryFundsConfirmationConsentStore();
    const consent = await authorised(store);
    const grants = revoker();
    await revokeFundsConfirmationConsentByCustomer(store, grants, ALICE, consent.id, NOW);
    const after = await store.findById(consent.id);
    assert.equal(after?.status, ConsentStatus.Revoked);
    assert.equal(after?.statusReason?.code, 'TKSP');
    assert.deepEqual(
      store.events.map((event) => [event.clientId, event.resource, event.events]),
      [[APP, { type: 'funds-confirmation-consent', id: consent.id }, [EventType.ResourceUpdate, EventType.ConsentAuthorizationRevoked]]],
    );
    assert.equal(store.notices[0]?.customerId, ALICE);
    assert.deepEqual(grants.revoked, [consent.grantId]);
    assert.equal(await findFundsConfirmationConsentBackingGrant(store, consent.grantId as string, NOW), null);
  });

  test("another customer's consent → ResourceNotFound; revoking twice → InvalidConsentStatus", async () => {
    const store = new InMemoryFundsConfirmationConsentStore();
    const consent = await authorised(store);
    await assert.rejects(revokeFundsConfirmationConsentByCustomer(store, revoker(), BOB, consent.id, NOW), isError(ResourceNotFound));
    await revokeFundsConfirmationConsentByCustomer(store, revoker(), ALICE, consent.id, NOW);
    await assert.rejects(revokeFundsConfirmationConsentByCustomer(store, revoker(), ALICE, consent.id, NOW), isError(InvalidConsentStatus));
  });

  test('the grant backs the AUTH consent until it expires', async () => {
    const store = new InMemoryFundsConfirmationConsentStore();
    const consent = await authorised(store);
    const grantId = consent.grantId as string;
    assert.equal((await findFundsConfirmationConsentBackingGrant(store, grantId, NOW))?.id, consent.id);
    assert.equal(await findFundsConfirmationConsentBackingGrant(store, grantId, new Date('2031-01-01T00:00:00Z')), null);
    assert.equal(await findFundsConfirmationConsentBackingGrant(store, 'grant_unknown', NOW), null);
  });
});
