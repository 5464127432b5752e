// Proves the VRP consent use cases against in-memory stores: creation (AWAU, control parameters and initiation refused with their OBIE paths, idempotent by key), the partner's view and deletion (CANC, grant ended, then unknown), the lifecycle applied on read (past ValidToDateTime → EXPD with an event and a mail only if it was in use; AWAU after 24 hours → RJCT U036), who may authorise it and from which accounts, the customer's cancellation (CANC, consent-authorization-revoked, a mail, grant ended), the grant it backs, and funds confirmation (only the token's own AUTH consent, in its currency, by the one funds rule).
import { rejectAwaitingConsent } from '../../consents/consent-rejection.js';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InMemoryAccountStore } from '../../../../test/support/in-memory-account-store.js';
import { isDomainError as isError } from '../../../../test/support/domain-errors.js';
import { InMemoryVrpConsentStore } from '../../../../test/support/in-memory-vrp-consent-store.js';
import type { GrantRevoker } from '../../consents/account-access-consent.js';
import { ConsentStatus } from '../../consents/consent-status.js';
import {
  ActionNotAllowed,
  FieldMissing,
  InvalidConsentStatus,
  InvalidDate,
  InvalidField,
  ResourceForbidden,
  ResourceNotFound,
} from '../../errors.js';
import { EventType } from '../../events/event-types.js';
import { idempotencyClaim, IdempotencyKeyReused } from '../idempotency.js';
import type { AccountFunds } from '../../ledger/funds.js';
import { UnsupportedScheme } from '../payment-instruction.js';
import { UnsupportedControlParameter } from './control-parameters.js';
import type { DomesticVrpConsent, VrpConsentRequest } from './vrp-consent.js';
import {
  assertVrpConsentAuthorisable,
  authoriseVrpConsent,
  confirmVrpFunds,
  createVrpConsent,
  deleteVrpConsent,
  eligibleVrpDebtorAccounts,
  expireDueVrpConsents,
  findVrpConsentBackingGrant,
  getVrpConsent,
  revokeVrpConsentByCustomer,
  sweepsToSomeoneElse,
  vrpAuthorisationDeadline,
} from './vrp-consents.js';

/** Monday 3 June 2030, 10:00 UK time. */
const NOW = new Date('2030-06-03T09:00:00.000Z');
const APP = 'cli_sweeper';
const ALICE = 'cus_sandbox_alice';
const SAVINGS = { SchemeName: 'UK.OBIE.SortCodeAccountNumber', Identification: '99030131926827', Name: 'Alice Thompson' };
const CURRENT = { SchemeName: 'UK.OBIE.SortCodeAccountNumber', Identification: '99030131926819', Name: 'Alice Thompson' };

/** A sweeping mandate into alice's savings: £10.00 a payment, £50.00 a week, June 2030. */
function request(controlParameters: Record<string, unknown> = {}, initiation: Record<string, unknown> = {}): VrpConsentRequest {
  return {
    Data: {
      ControlParameters: {
        VRPType: ['UK.OBIE.VRPType.Sweeping'],
        PSUAuthenticationMethods: ['UK.OBIE.SCANotRequired'],
        ValidFromDateTime: '2030-06-01T00:00:00+01:00',
        ValidToDateTime: '2030-06-30T00:00:00+01:00',
        MaximumIndividualAmount: { Amount: '10.00', Currency: 'GBP' },
        PeriodicLimits: [{ PeriodType: 'Week', PeriodAlignment: 'Consent', Amount: '50.00', Currency: 'GBP' }],
        ...controlParameters,
      },
      Initiation: { CreditorAccount: SAVINGS, RemittanceInformation: { Unstructured: ['SWEEP'] }, ...initiation },
    },
    Risk: {},
  };
}

function services() {
  const store = new InMemoryVrpConsentStore();
  return { store, services: { vrpConsents: store, idempotency: store } };
}

async function create(store: InMemoryVrpConsentStore, body = request(), key = 'key-1', now = NOW): Promise<DomesticVrpConsent> {
  return (
    await createVrpConsent({ vrpConsents: store, idempotency: store }, APP, body, idempotencyClaim(APP, 'domestic-vrp-consent', key, body), now)
  ).consent;
}

function revoker(): GrantRevoker & { revoked: string[] } {
  const revoked: string[] = [];
  return { revoked, revokeGrant: async (grantId) => void revoked.push(grantId) };
}

const accounts = new InMemoryAccountStore();

let keys = 0;

/** A consent of alice, authorised with grant `grant-1`, paying from her current account. */
async function authorised(store: InMemoryVrpConsentStore, body = request()): Promise<DomesticVrpConsent> {
  keys += 1;
  const consent = await create(store, body, `authorised-${keys}`);
  await authoriseVrpConsent(
    store,
    consent.id,
    { customerId: ALICE, debtorAccountId: 'acc_alice_current', grantId: 'grant-1' },
    await accounts.listByCustomer(ALICE),
    NOW,
  );
  return (await store.findById(consent.id)) as DomesticVrpConsent;
}

describe('createVrpConsent', () => {
  test('a valid request → AWAU vrc_ consent with its validity read as UK days; the request kept verbatim', async () => {
    const { store } = services();
    const consent = await create(store);
    assert.match(consent.id, /^vrc_/);
    assert.equal(consent.status, ConsentStatus.AwaitingAuthorisation);
    assert.equal(consent.validFrom?.toISOString(), '2030-05-31T23:00:00.000Z');
    assert.equal(consent.validTo?.toISOString(), '2030-06-30T23:00:00.000Z');
    assert.deepEqual(consent.request, request());
    assert.equal(vrpAuthorisationDeadline(consent).toISOString(), '2030-06-04T09:00:00.000Z');
  });

  test('the same key and request → the same consent; the same key with another request → IdempotencyKeyReused', async () => {
    const { store } = services();
    const first = await create(store);
    assert.equal((await create(store)).id, first.id);
    await assert.rejects(
      create(store, request({ MaximumIndividualAmount: { Amount: '11.00', Currency: 'GBP' } })),
      isError(IdempotencyKeyReused, 'x-idempotency-key'),
    );
  });

  test('control parameters the bank refuses → their errors with OBIE paths, nothing stored', async () => {
    const { store } = services();
    await assert.rejects(
      create(store, request({ VRPType: ['UK.OBIE.VRPType.Lottery'] })),
      isError(UnsupportedControlParameter, 'Data.ControlParameters.VRPType[0]'),
    );
    await assert.rejects(
      create(store, request({ SupplementaryData: { Note: 'x' } }), 'k2'),
      isError(UnsupportedControlParameter, 'Data.ControlParameters.SupplementaryData'),
    );
    await assert.rejects(
      create(store, request({ ValidToDateTime: '2030-05-01T00:00:00Z', ValidFromDateTime: '2030-04-01T00:00:00Z' }), 'k3'),
      isError(InvalidDate, 'Data.ControlParameters.ValidToDateTime'),
    );
    assert.equal((await store.listDueForExpiry(new Date('2100-01-01'), 10)).length, 0);
  });

  test('no CreditorAccount → FieldMissing (U004); a payee in an unsupported scheme → UnsupportedScheme; a bad debtor → InvalidField', async () => {
    const { store } = services();
    const body = request();
    const withoutCreditor: VrpConsentRequest = { ...body, Data: { ...body.Data, Initiation: {} } };
    await assert.rejects(create(store, withoutCreditor), isError(FieldMissing, 'Data.Initiation.CreditorAccount'));
    await assert.rejects(
      create(store, request({}, { CreditorAccount: { ...SAVINGS, SchemeName: 'UK.OBIE.BBAN' } }), 'k2'),
      isError(UnsupportedScheme, 'Data.Initiation.CreditorAccount.SchemeName'),
    );
    await assert.rejects(
      create(store, request({}, { DebtorAccount: { ...CURRENT, Identification: '123' } }), 'k3'),
      isError(InvalidField, 'Data.Initiation.DebtorAccount.Identification'),
    );
  });
});

describe('the partner reads and deletes its consent', () => {
  test('another partner → ResourceForbidden; an unknown id → ResourceNotFound', async () => {
    const { store } = services();
    const consent = await create(store);
    await assert.rejects(getVrpConsent(store, 'cli_other', consent.id, NOW), isError(ResourceForbidden));
    await assert.rejects(getVrpConsent(store, APP, 'vrc_unknown', NOW), isError(ResourceNotFound));
  });

  test('DELETE of an AUTH consent → CANC, its grant ended; then GET and DELETE → ResourceNotFound; no event for the partner', async () => {
    const { store } = services();
    const consent = await authorised(store);
    const grants = revoker();
    await deleteVrpConsent(store, grants, APP, consent.id, NOW);
    assert.deepEqual(grants.revoked, ['grant-1']);
    const stored = await store.findById(consent.id);
    assert.equal(stored?.status, ConsentStatus.Revoked);
    assert.equal(stored?.deletedAt?.getTime(), NOW.getTime());
    await assert.rejects(getVrpConsent(store, APP, consent.id, NOW), isError(ResourceNotFound));
    await assert.rejects(deleteVrpConsent(store, grants, APP, consent.id, NOW), isError(ResourceNotFound));
    assert.deepEqual(store.events, []);
  });

  test('DELETE of a rejected consent → it keeps RJCT, and is gone for the partner', async () => {
    const { store } = services();
    const consent = await create(store);
    await rejectAwaitingConsent(store, consent.id, { code: 'U033', description: 'no' }, NOW);
    await deleteVrpConsent(store, revoker(), APP, consent.id, NOW);
    assert.equal((await store.findById(consent.id))?.status, ConsentStatus.Rejected);
    await assert.rejects(getVrpConsent(store, APP, consent.id, NOW), isError(ResourceNotFound));
  });
});

describe('lifecycle on read and by the expiry worker', () => {
  test('AWAU 24 hours after creation → RJCT U036', async () => {
    const { store } = services();
    const consent = await create(store);
    const later = new Date(NOW.getTime() + 24 * 3600_000);
    const read = await getVrpConsent(store, APP, consent.id, later);
    assert.equal(read.status, ConsentStatus.Rejected);
    assert.equal(read.statusReason?.code, 'U036');
    await assert.rejects(assertVrpConsentAuthorisable(store, APP, consent.id, later), isError(InvalidConsentStatus));
  });

  test('AUTH past its ValidToDateTime → EXPD (TKXP) on read, with resource-update and a mail; the grant backs nothing', async () => {
    const { store } = services();
    const consent = await authorised(store);
    const after = new Date('2030-07-01T00:00:00+01:00');
    assert.equal((await getVrpConsent(store, APP, consent.id, new Date(after.getTime() - 1))).status, ConsentStatus.Authorised);
    const read = await getVrpConsent(store, APP, consent.id, after);
    assert.equal(read.status, ConsentStatus.Expired);
    assert.equal(read.statusReason?.code, 'TKXP');
    assert.deepEqual(
      store.events.map((event) => [event.resource, event.events]),
      [[{ type: 'domestic-vrp-consent', id: consent.id }, [EventType.ResourceUpdate]]],
    );
    assert.equal(store.notices.length, 1);
    assert.equal(await findVrpConsentBackingGrant(store, 'grant-1', after), null);
  });

  test('the expiry worker → expires AWAU and AUTH consents past their end; an AWAU one gets no event or mail', async () => {
    const { store } = services();
    await create(store, request(), 'a');
    await authorised(store, request({ MaximumIndividualAmount: { Amount: '9.00', Currency: 'GBP' } }));
    assert.equal(await expireDueVrpConsents(store, new Date('2030-06-30T12:00:00Z')), 0);
    assert.equal(await expireDueVrpConsents(store, new Date('2030-07-01T12:00:00Z')), 2);
    assert.equal(store.events.length, 1);
    assert.equal(store.notices.length, 1);
  });
});

describe('authorisation by the customer', () => {
  test('eligible accounts → her GBP accounts but the payee; only the named one when the partner names a DebtorAccount', async () => {
    const { store } = services();
    const own = await accounts.listByCustomer(ALICE);
    const sweep = await create(store);
    assert.deepEqual(
      eligibleVrpDebtorAccounts(sweep, own).map((account) => account.id),
      ['acc_alice_current'],
    );
    const named = await create(
      store,
      request({}, { CreditorAccount: { ...SAVINGS, Identification: '99030131926819' }, DebtorAccount: SAVINGS }),
      'k2',
    );
    assert.deepEqual(
      eligibleVrpDebtorAccounts(named, own).map((account) => account.id),
      ['acc_alice_savings'],
    );
  });

  test("a sweeping mandate into someone else's account at this bank → no account eligible, and approving it → ActionNotAllowed", async () => {
    const { store } = services();
    const own = await accounts.listByCustomer(ALICE);
    const toBob = await create(store, request({}, { CreditorAccount: { ...SAVINGS, Identification: '99030141873205', Name: 'Bob Patel' } }), 'k3');
    assert.equal(sweepsToSomeoneElse(toBob, own), true);
    assert.deepEqual(eligibleVrpDebtorAccounts(toBob, own), []);
    await assert.rejects(
      authoriseVrpConsent(store, toBob.id, { customerId: ALICE, debtorAccountId: 'acc_alice_current', grantId: 'g-bob' }, own, NOW),
      ActionNotAllowed,
    );
    assert.equal((await store.findById(toBob.id))?.status, 'AWAU');
  });

  test('an account not eligible → InvalidField debtorAccount; approving twice → InvalidConsentStatus', async () => {
    const { store } = services();
    const consent = await create(store);
    const own = await accounts.listByCustomer(ALICE);
    await assert.rejects(
      authoriseVrpConsent(store, consent.id, { customerId: ALICE, debtorAccountId: 'acc_alice_savings', grantId: 'g' }, own, NOW),
      isError(InvalidField, 'debtorAccount'),
    );
    await authoriseVrpConsent(store, consent.id, { customerId: ALICE, debtorAccountId: 'acc_alice_current', grantId: 'g' }, own, NOW);
    await assert.rejects(
      authoriseVrpConsent(store, consent.id, { customerId: ALICE, debtorAccountId: 'acc_alice_current', grantId: 'g2' }, own, NOW),
      isError(InvalidConsentStatus),
    );
    await assert.rejects(assertVrpConsentAuthorisable(store, APP, consent.id, NOW), isError(InvalidConsentStatus));
    await assert.rejects(assertVrpConsentAuthorisable(store, 'cli_other', consent.id, NOW), isError(ResourceNotFound));
  });
});

describe('revokeVrpConsentByCustomer', () => {
  test('AUTH → CANC (TKSP) at once, consent-authorization-revoked to the partner, a mail to her, the grant ended', async () => {
    const { store } = services();
    const consent = await authorised(store);
    const grants = revoker();
    await revokeVrpConsentByCustomer(store, grants, ALICE, consent.id, NOW);
    const stored = await store.findById(consent.id);
    assert.equal(stored?.status, ConsentStatus.Revoked);
    assert.equal(stored?.statusReason?.code, 'TKSP');
    assert.deepEqual(
      store.events.map((event) => [event.clientId, event.resource, event.events]),
      [[APP, { type: 'domestic-vrp-consent', id: consent.id }, [EventType.ConsentAuthorizationRevoked]]],
    );
    assert.equal(store.notices.length, 1);
    assert.match(store.notices[0]?.compose({ customerName: 'Alice', appName: 'Sweeper' }).subject ?? '', /Sweeper can no longer make payments/);
    assert.deepEqual(grants.revoked, ['grant-1']);
    assert.equal(await findVrpConsentBackingGrant(store, 'grant-1', NOW), null);
  });

  test("another customer's mandate → ResourceNotFound; one already cancelled → InvalidConsentStatus, nothing written", async () => {
    const { store } = services();
    const consent = await authorised(store);
    await assert.rejects(revokeVrpConsentByCustomer(store, revoker(), 'cus_sandbox_bob', consent.id, NOW), isError(ResourceNotFound));
    await revokeVrpConsentByCustomer(store, revoker(), ALICE, consent.id, NOW);
    const grants = revoker();
    await assert.rejects(revokeVrpConsentByCustomer(store, grants, ALICE, consent.id, NOW), isError(InvalidConsentStatus));
    assert.equal(store.events.length, 1);
    assert.deepEqual(grants.revoked, []);
  });
});

describe('confirmVrpFunds', () => {
  const funds = (available: AccountFunds | null) => ({
    readFunds: async (accountId: string) => (accountId === 'acc_alice_current' ? available : null),
  });
  const ask = (consentId: string, amount = '10.00', currency = 'GBP') => ({
    Data: { ConsentId: consentId, Reference: 'SWEEP', InstructedAmount: { Amount: amount, Currency: currency } },
  });

  test('balance + pending debits + overdraft exactly the amount → Available; one penny more → NotAvailable; nothing changes', async () => {
    const { store } = services();
    const consent = await authorised(store);
    const exact = { balanceMinor: 1_500n, pendingDebitsMinor: -1_000n, overdraftLimitMinor: 500n };
    const yes = await confirmVrpFunds({ vrpConsents: store, funds: funds(exact) }, consent, consent.id, ask(consent.id), NOW);
    assert.equal(yes.available, true);
    assert.equal(yes.amountMinor, 1_000n);
    assert.equal(yes.reference, 'SWEEP');
    assert.match(yes.id, /^vfc_/);
    const no = await confirmVrpFunds({ vrpConsents: store, funds: funds(exact) }, consent, consent.id, ask(consent.id, '10.01'), NOW);
    assert.equal(no.available, false);
    assert.equal((await store.findById(consent.id))?.status, ConsentStatus.Authorised);
  });

  test('another consent in the path → ResourceForbidden; another in the body → InvalidField Data.ConsentId; another currency → InvalidField', async () => {
    const { store } = services();
    const consent = await authorised(store);
    const reader = { vrpConsents: store, funds: funds(null) };
    await assert.rejects(confirmVrpFunds(reader, consent, 'vrc_other', ask(consent.id), NOW), isError(ResourceForbidden));
    await assert.rejects(confirmVrpFunds(reader, consent, consent.id, ask('vrc_other'), NOW), isError(InvalidField, 'Data.ConsentId'));
    await assert.rejects(
      confirmVrpFunds(reader, consent, consent.id, ask(consent.id, '1.00', 'EUR'), NOW),
      isError(InvalidField, 'Data.InstructedAmount.Currency'),
    );
    await assert.rejects(
      confirmVrpFunds(reader, consent, consent.id, ask(consent.id, '1.001'), NOW),
      isError(InvalidField, 'Data.InstructedAmount.Amount'),
    );
  });

  test('a consent not AUTH (cancelled, or past its end) → InvalidConsentStatus (U009)', async () => {
    const { store } = services();
    const consent = await authorised(store);
    const reader = { vrpConsents: store, funds: funds(null) };
    await assert.rejects(
      confirmVrpFunds(reader, consent, consent.id, ask(consent.id), new Date('2030-07-02T00:00:00Z')),
      isError(InvalidConsentStatus),
    );
    const other = await authorised(store, request({ MaximumIndividualAmount: { Amount: '8.00', Currency: 'GBP' } }));
    await revokeVrpConsentByCustomer(store, revoker(), ALICE, other.id, NOW);
    const cancelled = (await store.findById(other.id)) as DomesticVrpConsent;
    await assert.rejects(confirmVrpFunds(reader, cancelled, cancelled.id, ask(cancelled.id), NOW), isError(InvalidConsentStatus));
  });
});
