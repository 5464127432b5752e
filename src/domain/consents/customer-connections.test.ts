// Proves the customer's connected-apps view (account access, VRP mandates and funds checks in force vs history, lapsed AUTH shown as EXPD, payments always history, newest first) and that removing one shared account keeps the others, refuses what the customer may not change, and never empties a consent under concurrent removals.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InMemoryConsentStore } from '../../../test/support/in-memory-consent-store.js';
import { ActionNotAllowed, ConcurrentChange, InvalidConsentStatus, InvalidField, ResourceNotFound } from '../errors.js';
import type { AccountAccessConsent } from './account-access-consent.js';
import { ConsentStatus } from './consent-status.js';
import {
  listCustomerConnections,
  paymentOutcomeOf,
  removeAccountFromConsent,
  type Connection,
  type ConnectionStore,
} from './customer-connections.js';
import { isDomainError as isError } from '../../../test/support/domain-errors.js';

const NOW = new Date('2030-06-01T12:00:00.000Z');
const ALICE = 'cus_sandbox_alice';
const BOB = 'cus_sandbox_bob';
const ACCOUNTS = ['acc_alice_current', 'acc_alice_eur', 'acc_alice_savings'];

function hoursFromNow(hours: number): Date {
  return new Date(NOW.getTime() + hours * 3600_000);
}

function connection(consentId: string, overrides: Partial<Connection> = {}): Connection {
  return {
    consentId,
    kind: 'account-access',
    appName: 'Budget Buddy',
    partnerName: 'Budget Buddy Ltd',
    status: ConsentStatus.Authorised,
    permissions: ['ReadAccountsDetail', 'ReadBalances'],
    accountIds: ['acc_alice_current'],
    authorisedAt: hoursFromNow(-24),
    expiresAt: null,
    lastUsedAt: null,
    statusUpdatedAt: hoursFromNow(-24),
    payment: null,
    mandate: null,
    ...overrides,
  };
}

function payment(consentId: string, overrides: Partial<Connection> = {}): Connection {
  return connection(consentId, {
    kind: 'domestic-payment',
    status: ConsentStatus.Consumed,
    permissions: [],
    payment: { amount: '10.00', currency: 'GBP', payee: 'Corner Shop', made: null, standingOrderPaid: null },
    ...overrides,
  });
}

function mandate(consentId: string, overrides: Partial<Connection> = {}): Connection {
  return connection(consentId, {
    kind: 'domestic-vrp',
    permissions: [],
    mandate: { request: { Data: { ControlParameters: {}, Initiation: {} }, Risk: {} }, createdAt: hoursFromNow(-25), deletedAt: null },
    ...overrides,
  });
}

/** A ConnectionStore serving fixed connections per customer; it records whom it was asked about. */
function connectionStore(byCustomer: Record<string, Connection[]>): ConnectionStore & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async listByCustomer(customerId) {
      asked.push(customerId);
      return (byCustomer[customerId] ?? []).map((item) => ({ ...item }));
    },
  };
}

const ids = (connections: readonly Connection[]) => connections.map((item) => item.consentId);

describe('listCustomerConnections', () => {
  test('AUTH account access not expired → active; revoked, rejected and expired ones → ended', async () => {
    const store = connectionStore({
      [ALICE]: [
        connection('aac_open'),
        connection('aac_until_tomorrow', { expiresAt: hoursFromNow(24) }),
        connection('aac_revoked', { status: ConsentStatus.Revoked }),
        connection('aac_expired', { status: ConsentStatus.Expired }),
      ],
    });
    const { active, ended } = await listCustomerConnections(store, ALICE, NOW);
    assert.deepEqual(ids(active).sort(), ['aac_open', 'aac_until_tomorrow']);
    assert.deepEqual(ids(ended).sort(), ['aac_expired', 'aac_revoked']);
    assert.deepEqual(store.asked, [ALICE]);
  });

  test('AUTH account access whose expiry has passed (or is now) → ended, shown as EXPD', async () => {
    const store = connectionStore({
      [ALICE]: [connection('aac_lapsed', { expiresAt: hoursFromNow(-1) }), connection('aac_lapsing_now', { expiresAt: NOW })],
    });
    const { active, ended } = await listCustomerConnections(store, ALICE, NOW);
    assert.deepEqual(active, []);
    assert.deepEqual(ended.map((item) => [item.consentId, item.status]).sort(), [
      ['aac_lapsed', ConsentStatus.Expired],
      ['aac_lapsing_now', ConsentStatus.Expired],
    ]);
  });

  test('payments → always in the history, whatever their status (AUTH included), never shown as EXPD', async () => {
    const store = connectionStore({
      [ALICE]: [
        payment('pmc_made'),
        payment('pmc_authorised', { status: ConsentStatus.Authorised }),
        payment('pmc_with_date', { status: ConsentStatus.Authorised, expiresAt: hoursFromNow(-1) }),
      ],
    });
    const { active, ended } = await listCustomerConnections(store, ALICE, NOW);
    assert.deepEqual(active, []);
    assert.deepEqual(ended.map((item) => [item.consentId, item.kind]).sort(), [
      ['pmc_authorised', 'domestic-payment'],
      ['pmc_made', 'domestic-payment'],
      ['pmc_with_date', 'domestic-payment'],
    ]);
    assert.equal(ended.find((item) => item.consentId === 'pmc_made')?.status, ConsentStatus.Consumed);
    assert.equal(ended.find((item) => item.consentId === 'pmc_authorised')?.status, ConsentStatus.Authorised);
  });

  test('VRP mandates AUTH, before their end → mandates; cancelled, expired, or AUTH past their end (shown as EXPD) → ended', async () => {
    const store = connectionStore({
      [ALICE]: [
        mandate('vrc_open'),
        mandate('vrc_until_tomorrow', { expiresAt: hoursFromNow(24) }),
        mandate('vrc_lapsed', { expiresAt: hoursFromNow(-1) }),
        mandate('vrc_cancelled', { status: ConsentStatus.Revoked }),
        mandate('vrc_expired', { status: ConsentStatus.Expired }),
      ],
    });
    const { active, mandates, ended } = await listCustomerConnections(store, ALICE, NOW);
    assert.deepEqual(active, []);
    assert.deepEqual(ids(mandates).sort(), ['vrc_open', 'vrc_until_tomorrow']);
    assert.deepEqual(ended.map((item) => [item.consentId, item.status]).sort(), [
      ['vrc_cancelled', ConsentStatus.Revoked],
      ['vrc_expired', ConsentStatus.Expired],
      ['vrc_lapsed', ConsentStatus.Expired],
    ]);
  });

  test('funds checks AUTH, not expired → fundsChecks; revoked, or AUTH past their expiry (shown as EXPD) → ended', async () => {
    const fundsCheck = (consentId: string, overrides: Partial<Connection> = {}) =>
      connection(consentId, { kind: 'funds-confirmation', permissions: [], ...overrides });
    const store = connectionStore({
      [ALICE]: [
        fundsCheck('fcc_open'),
        fundsCheck('fcc_lapsed', { expiresAt: hoursFromNow(-1) }),
        fundsCheck('fcc_revoked', { status: ConsentStatus.Revoked }),
        connection('aac_access'),
      ],
    });
    const { active, mandates, fundsChecks, ended } = await listCustomerConnections(store, ALICE, NOW);
    assert.deepEqual(ids(active), ['aac_access']);
    assert.deepEqual(mandates, []);
    assert.deepEqual(ids(fundsChecks), ['fcc_open']);
    assert.deepEqual(ended.map((item) => [item.consentId, item.status]).sort(), [
      ['fcc_lapsed', ConsentStatus.Expired],
      ['fcc_revoked', ConsentStatus.Revoked],
    ]);
  });

  test('both lists → newest authorisation first', async () => {
    const store = connectionStore({
      [ALICE]: [
        connection('aac_old', { authorisedAt: hoursFromNow(-72) }),
        payment('pmc_mid', { authorisedAt: hoursFromNow(-30) }),
        connection('aac_new', { authorisedAt: hoursFromNow(-1) }),
        connection('aac_ended_new', { status: ConsentStatus.Revoked, authorisedAt: hoursFromNow(-2) }),
        connection('aac_mid', { authorisedAt: hoursFromNow(-48) }),
        connection('aac_ended_old', { status: ConsentStatus.Revoked, authorisedAt: hoursFromNow(-100) }),
      ],
    });
    const { active, ended } = await listCustomerConnections(store, ALICE, NOW);
    assert.deepEqual(ids(active), ['aac_new', 'aac_mid', 'aac_old']);
    assert.deepEqual(ids(ended), ['aac_ended_new', 'pmc_mid', 'aac_ended_old']);
  });

  test('every connection → in exactly one list, fields other than a lapsed status unchanged', async () => {
    const all = [
      connection('aac_a'),
      connection('aac_b', { expiresAt: hoursFromNow(-5), lastUsedAt: hoursFromNow(-6), accountIds: ACCOUNTS }),
      connection('aac_c', { status: ConsentStatus.Revoked }),
      payment('pmc_d'),
      mandate('vrc_e'),
      connection('fcc_f', { kind: 'funds-confirmation', permissions: [] }),
    ];
    const { active, mandates, fundsChecks, ended } = await listCustomerConnections(connectionStore({ [ALICE]: all }), ALICE, NOW);
    assert.equal(active.length + mandates.length + fundsChecks.length + ended.length, all.length);
    assert.deepEqual([...ids(active), ...ids(mandates), ...ids(fundsChecks), ...ids(ended)].sort(), ids(all).sort());
    const lapsed = ended.find((item) => item.consentId === 'aac_b');
    assert.deepEqual(lapsed, { ...all[1], status: ConsentStatus.Expired });
  });

  test('a customer with no connections → four empty lists', async () => {
    assert.deepEqual(await listCustomerConnections(connectionStore({ [ALICE]: [connection('aac_alice')] }), BOB, NOW), {
      active: [],
      mandates: [],
      fundsChecks: [],
      ended: [],
    });
  });
});

/** An AUTH consent of `customerId` sharing `accountIds`, put straight into the store. */
function authorisedConsent(
  store: InMemoryConsentStore,
  id: string,
  accountIds: readonly string[],
  overrides: Partial<AccountAccessConsent> = {},
): AccountAccessConsent {
  const consent: AccountAccessConsent = {
    id,
    clientId: 'cli_budget_buddy',
    status: ConsentStatus.Authorised,
    statusReason: null,
    permissions: ['ReadAccountsDetail', 'ReadBalances'],
    expiresAt: null,
    transactionFromAt: null,
    transactionToAt: null,
    customerId: ALICE,
    grantId: `grant_${id}`,
    authorisedAt: hoursFromNow(-24),
    createdAt: hoursFromNow(-25),
    statusUpdatedAt: hoursFromNow(-24),
    request: { ExpirationDateTime: null, TransactionFromDateTime: null, TransactionToDateTime: null },
    ...overrides,
  };
  store.put(consent, accountIds);
  return consent;
}

describe('paymentOutcomeOf', () => {
  const settledAt = new Date('2026-12-01T10:00:00Z');
  const made = (status: 'ACSC' | 'ACSP' | 'RJCT', reason: { code: string; description: string } | null = null) => ({
    status,
    reason,
    statusUpdatedAt: settledAt,
  });
  const withPayment = (consentStatus: ConsentStatus, madePayment: ReturnType<typeof made> | null) =>
    payment('pmc_1', {
      status: consentStatus,
      payment: { amount: '10.00', currency: 'GBP', payee: 'Corner Shop', made: madePayment, standingOrderPaid: null },
    });

  test('a standing order → by its latest payment: pending → in force, CANC → cancelled, else ended; with how many were paid', () => {
    const order = (status: 'PDNG' | 'CANC' | 'ACSC' | 'RJCT', paid: number) =>
      payment('soc_1', {
        status: ConsentStatus.Consumed,
        payment: {
          amount: '75.00',
          currency: 'GBP',
          payee: 'Carol',
          made: { status, reason: null, statusUpdatedAt: settledAt },
          standingOrderPaid: paid,
        },
      });
    assert.deepEqual(paymentOutcomeOf(order('PDNG', 0)), { kind: 'standing-order', state: 'in-force', paid: 0, at: settledAt });
    assert.deepEqual(paymentOutcomeOf(order('CANC', 2)), { kind: 'standing-order', state: 'cancelled', paid: 2, at: settledAt });
    assert.deepEqual(paymentOutcomeOf(order('ACSC', 6)), { kind: 'standing-order', state: 'ended', paid: 6, at: settledAt });
    assert.deepEqual(paymentOutcomeOf(order('RJCT', 5)), { kind: 'standing-order', state: 'ended', paid: 5, at: settledAt });
  });

  test('a payment settled (ACSC) → paid, at its settlement time', () => {
    assert.deepEqual(paymentOutcomeOf(withPayment(ConsentStatus.Consumed, made('ACSC'))), { kind: 'paid', at: settledAt });
  });

  test('a payment still with the scheme (ACSP) → pending, though its consent is consumed', () => {
    assert.deepEqual(paymentOutcomeOf(withPayment(ConsentStatus.Consumed, made('ACSP'))), { kind: 'pending' });
  });

  test('a payment rejected (RJCT AC04), its consent consumed → rejected with the reason, never paid', () => {
    const reason = { code: 'AC04', description: 'The payee account is closed' };
    assert.deepEqual(paymentOutcomeOf(withPayment(ConsentStatus.Consumed, made('RJCT', reason))), { kind: 'rejected', reason });
  });

  test('no payment made: an AUTH consent → approved; a consent that ended → not paid', () => {
    assert.deepEqual(paymentOutcomeOf(withPayment(ConsentStatus.Authorised, null)), { kind: 'approved' });
    assert.deepEqual(paymentOutcomeOf(withPayment(ConsentStatus.Rejected, null)), { kind: 'not-paid' });
  });
});

describe('removeAccountFromConsent', () => {
  test('one of three shared accounts → the other two stay shared, the consent stays AUTH', async () => {
    const store = new InMemoryConsentStore();
    authorisedConsent(store, 'aac_1', ACCOUNTS);
    await removeAccountFromConsent(store, ALICE, 'aac_1', 'acc_alice_eur', NOW);
    assert.deepEqual(await store.listAccountIds('aac_1'), ['acc_alice_current', 'acc_alice_savings']);
    assert.equal((await store.findById('aac_1'))?.status, ConsentStatus.Authorised);
    assert.deepEqual(store.writes, []);
  });

  test('removing accounts one by one → allowed down to the last, which is refused', async () => {
    const store = new InMemoryConsentStore();
    authorisedConsent(store, 'aac_1', ACCOUNTS);
    await removeAccountFromConsent(store, ALICE, 'aac_1', 'acc_alice_current', NOW);
    await removeAccountFromConsent(store, ALICE, 'aac_1', 'acc_alice_eur', NOW);
    await assert.rejects(removeAccountFromConsent(store, ALICE, 'aac_1', 'acc_alice_savings', NOW), isError(ActionNotAllowed));
    assert.deepEqual(await store.listAccountIds('aac_1'), ['acc_alice_savings']);
  });

  test("another customer's consent → ResourceNotFound, nothing removed", async () => {
    const store = new InMemoryConsentStore();
    authorisedConsent(store, 'aac_1', ACCOUNTS);
    await assert.rejects(removeAccountFromConsent(store, BOB, 'aac_1', 'acc_alice_eur', NOW), isError(ResourceNotFound));
    assert.deepEqual(await store.listAccountIds('aac_1'), [...ACCOUNTS].sort());
  });

  test('an unknown consent, or one nobody authorised yet (AWAU) → ResourceNotFound', async () => {
    const store = new InMemoryConsentStore();
    authorisedConsent(store, 'aac_awaiting', [], {
      status: ConsentStatus.AwaitingAuthorisation,
      customerId: null,
      grantId: null,
      authorisedAt: null,
    });
    await assert.rejects(removeAccountFromConsent(store, ALICE, 'aac_missing', 'acc_alice_eur', NOW), isError(ResourceNotFound));
    await assert.rejects(removeAccountFromConsent(store, ALICE, 'aac_awaiting', 'acc_alice_eur', NOW), isError(ResourceNotFound));
  });

  test("the customer's consent no longer AUTH (CANC, EXPD) → InvalidConsentStatus, accounts kept", async () => {
    for (const status of [ConsentStatus.Revoked, ConsentStatus.Expired]) {
      const store = new InMemoryConsentStore();
      authorisedConsent(store, 'aac_1', ACCOUNTS, { status });
      await assert.rejects(removeAccountFromConsent(store, ALICE, 'aac_1', 'acc_alice_eur', NOW), isError(InvalidConsentStatus), status);
      assert.deepEqual(await store.listAccountIds('aac_1'), [...ACCOUNTS].sort());
    }
  });

  test('an AUTH consent past its expiry (or expiring now) → InvalidConsentStatus', async () => {
    for (const expiresAt of [hoursFromNow(-1), NOW]) {
      const store = new InMemoryConsentStore();
      authorisedConsent(store, 'aac_1', ACCOUNTS, { expiresAt });
      await assert.rejects(
        removeAccountFromConsent(store, ALICE, 'aac_1', 'acc_alice_eur', NOW),
        isError(InvalidConsentStatus),
        expiresAt.toISOString(),
      );
      assert.equal((await store.listAccountIds('aac_1')).length, 3);
    }
  });

  test('an AUTH consent expiring later → removal allowed', async () => {
    const store = new InMemoryConsentStore();
    authorisedConsent(store, 'aac_1', ACCOUNTS, { expiresAt: hoursFromNow(1) });
    await removeAccountFromConsent(store, ALICE, 'aac_1', 'acc_alice_eur', NOW);
    assert.equal((await store.listAccountIds('aac_1')).length, 2);
  });

  test('an account the consent does not share → InvalidField accountId', async () => {
    const store = new InMemoryConsentStore();
    authorisedConsent(store, 'aac_1', ['acc_alice_current', 'acc_alice_eur']);
    await assert.rejects(removeAccountFromConsent(store, ALICE, 'aac_1', 'acc_alice_savings', NOW), isError(InvalidField, 'accountId'));
    await assert.rejects(removeAccountFromConsent(store, ALICE, 'aac_1', 'acc_bob_current', NOW), isError(InvalidField, 'accountId'));
  });

  test('the only shared account → ActionNotAllowed (revoking is the way), still shared', async () => {
    const store = new InMemoryConsentStore();
    authorisedConsent(store, 'aac_1', ['acc_alice_current']);
    await assert.rejects(removeAccountFromConsent(store, ALICE, 'aac_1', 'acc_alice_current', NOW), isError(ActionNotAllowed));
    assert.deepEqual(await store.listAccountIds('aac_1'), ['acc_alice_current']);
  });

  test('two concurrent removals of both accounts of a 2-account consent → exactly one succeeds, the other ConcurrentChange, one account remains', async () => {
    const store = new InMemoryConsentStore();
    authorisedConsent(store, 'aac_1', ['acc_alice_current', 'acc_alice_eur']);
    const results = await Promise.allSettled([
      removeAccountFromConsent(store, ALICE, 'aac_1', 'acc_alice_current', NOW),
      removeAccountFromConsent(store, ALICE, 'aac_1', 'acc_alice_eur', NOW),
    ]);
    assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
    const refused = results.find((result) => result.status === 'rejected');
    assert.ok(refused);
    assert.ok(refused.reason instanceof ConcurrentChange || refused.reason instanceof ActionNotAllowed, String(refused.reason));
    const remaining = await store.listAccountIds('aac_1');
    assert.equal(remaining.length, 1);
    const removedIndex = results.findIndex((result) => result.status === 'fulfilled');
    assert.deepEqual(remaining, [removedIndex === 0 ? 'acc_alice_eur' : 'acc_alice_current']);
  });

  test('two concurrent removals of the same account → exactly one succeeds, the others stay shared', async () => {
    const store = new InMemoryConsentStore();
    authorisedConsent(store, 'aac_1', ACCOUNTS);
    const results = await Promise.allSettled([
      removeAccountFromConsent(store, ALICE, 'aac_1', 'acc_alice_eur', NOW),
      removeAccountFromConsent(store, ALICE, 'aac_1', 'acc_alice_eur', NOW),
    ]);
    assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
    assert.deepEqual(await store.listAccountIds('aac_1'), ['acc_alice_current', 'acc_alice_savings']);
  });

  test('a removal racing a revocation → the consent ends CANC, and the removal either happened first or failed', async () => {
    const store = new InMemoryConsentStore();
    authorisedConsent(store, 'aac_1', ACCOUNTS);
    const [removal, revoked] = await Promise.allSettled([
      removeAccountFromConsent(store, ALICE, 'aac_1', 'acc_alice_eur', NOW),
      store.transition('aac_1', [ConsentStatus.Authorised], ConsentStatus.Revoked, NOW),
    ]);
    assert.deepEqual(revoked, { status: 'fulfilled', value: true });
    assert.equal((await store.findById('aac_1'))?.status, ConsentStatus.Revoked);
    const accounts = await store.listAccountIds('aac_1');
    if (removal.status === 'fulfilled') assert.deepEqual(accounts, ['acc_alice_current', 'acc_alice_savings']);
    else {
      assert.ok(removal.reason instanceof ConcurrentChange || removal.reason instanceof InvalidConsentStatus, String(removal.reason));
      assert.equal(accounts.length, 3);
    }
  });
});
