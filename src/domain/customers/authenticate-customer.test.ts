// Proves that customer login matches usernames case-insensitively, hides unknown users, and locks after repeated failures.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { authenticateCustomer } from './authenticate-customer.js';
import type { Customer, CustomerStore } from './customer.js';
import { hashPassword } from '../auth/password-hash.js';

/** In-memory CustomerStore that applies login bookkeeping the way persistence is expected to. */
class FakeCustomerStore implements CustomerStore {
  readonly customers = new Map<string, Customer>();
  readonly writes: string[] = [];

  add(customer: Customer): void {
    this.customers.set(customer.id, customer);
  }

  async findByUsername(username: string): Promise<Customer | null> {
    return [...this.customers.values()].find((customer) => customer.username === username) ?? null;
  }

  async findById(id: string): Promise<Customer | null> {
    return this.customers.get(id) ?? null;
  }

  async reserveLoginAttempt(customerId: string, now: Date, maxAttempts: number): Promise<boolean> {
    const customer = this.get(customerId);
    const locked = customer.lockedUntil !== null && customer.lockedUntil.getTime() > now.getTime();
    if (locked || customer.failedLoginCount >= maxAttempts) return false;
    this.writes.push(`attempt ${customerId}`);
    this.customers.set(customerId, { ...customer, failedLoginCount: customer.failedLoginCount + 1 });
    return true;
  }

  async lockIfAttemptsExhausted(customerId: string, maxAttempts: number, lockUntil: Date): Promise<boolean> {
    const customer = this.get(customerId);
    if (customer.failedLoginCount < maxAttempts) return false;
    this.writes.push(`lock ${customerId}`);
    this.customers.set(customerId, { ...customer, failedLoginCount: 0, lockedUntil: lockUntil });
    return true;
  }

  async recordSuccessfulLogin(customerId: string): Promise<void> {
    this.writes.push(`success ${customerId}`);
    this.customers.set(customerId, { ...this.get(customerId), failedLoginCount: 0, lockedUntil: null });
  }

  get(id: string): Customer {
    const customer = this.customers.get(id);
    assert.ok(customer, `no customer ${id}`);
    return customer;
  }
}

const PASSWORD = 'alice-sandbox-1';
const NOW = new Date('2025-03-14T10:00:00.000Z');
const LOCKOUT_MS = 15 * 60_000;
let passwordHash = '';

function storeWithAlice(overrides: Partial<Customer> = {}): FakeCustomerStore {
  const store = new FakeCustomerStore();
  store.add({
    id: 'cus_alice',
    username: 'alice',
    displayName: 'Alice Thompson',
    email: null,
    passwordHash,
    failedLoginCount: 0,
    lockedUntil: null,
    environment: 'sandbox',
    ...overrides,
  });
  return store;
}

describe('authenticateCustomer', () => {
  before(async () => {
    passwordHash = await hashPassword(PASSWORD);
  });

  it('right password → ok with the customer, and the success is recorded', async () => {
    const store = storeWithAlice();
    const result = await authenticateCustomer(store, 'alice', PASSWORD, NOW);
    assert.equal(result.ok, true);
    assert.equal(result.ok && result.customer.id, 'cus_alice');
    assert.deepEqual(store.writes, ['attempt cus_alice', 'success cus_alice']);
  });

  it('username with other case and surrounding spaces → still matches', async () => {
    const result = await authenticateCustomer(storeWithAlice(), '  ALIce ', PASSWORD, NOW);
    assert.equal(result.ok, true);
  });

  it('unknown username → invalid-credentials, nothing recorded, and a scrypt verification is still spent', async () => {
    const store = storeWithAlice();
    const started = performance.now();
    const result = await authenticateCustomer(store, 'mallory', PASSWORD, NOW);
    const elapsedMs = performance.now() - started;
    assert.deepEqual(result, { ok: false, reason: 'invalid-credentials' });
    assert.deepEqual(store.writes, []);
    assert.ok(elapsedMs >= 10, `unknown user answered in ${elapsedMs} ms, too fast to have run scrypt`);
  });

  it('wrong password → invalid-credentials and the failure count goes up without locking', async () => {
    const store = storeWithAlice();
    const result = await authenticateCustomer(store, 'alice', 'alice-sandbox-2', NOW);
    assert.deepEqual(result, { ok: false, reason: 'invalid-credentials' });
    assert.equal(store.get('cus_alice').failedLoginCount, 1);
    assert.equal(store.get('cus_alice').lockedUntil, null);
  });

  it('fifth consecutive wrong password → locks for lockoutMs; sixth attempt with the right password → locked', async () => {
    const store = storeWithAlice();
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      const result = await authenticateCustomer(store, 'alice', 'wrong', NOW);
      assert.deepEqual(result, { ok: false, reason: 'invalid-credentials' });
      assert.equal(store.get('cus_alice').lockedUntil, null);
    }
    const fifth = await authenticateCustomer(store, 'alice', 'wrong', NOW);
    const lockedUntil = new Date(NOW.getTime() + LOCKOUT_MS);
    assert.deepEqual(fifth, { ok: false, reason: 'invalid-credentials', lockedUntil });
    assert.equal(store.get('cus_alice').failedLoginCount, 0, 'a lock starts a fresh count');
    assert.deepEqual(store.get('cus_alice').lockedUntil, lockedUntil);

    const sixth = await authenticateCustomer(store, 'alice', PASSWORD, new Date(NOW.getTime() + 60_000));
    assert.deepEqual(sixth, { ok: false, reason: 'locked', lockedUntil });
  });

  it('locked customer with the right password → locked, password not checked, nothing recorded', async () => {
    const lockedUntil = new Date(NOW.getTime() + 1);
    const store = storeWithAlice({ failedLoginCount: 5, lockedUntil, passwordHash: 'malformed' });
    const result = await authenticateCustomer(store, 'alice', PASSWORD, NOW);
    assert.deepEqual(result, { ok: false, reason: 'locked', lockedUntil });
    assert.deepEqual(store.writes, []);
  });

  it('lock expires after lockoutMs → right password accepted and the count reset', async () => {
    const store = storeWithAlice();
    for (let attempt = 1; attempt <= 5; attempt += 1) await authenticateCustomer(store, 'alice', 'wrong', NOW);

    const justBefore = await authenticateCustomer(store, 'alice', PASSWORD, new Date(NOW.getTime() + LOCKOUT_MS - 1));
    assert.equal(justBefore.ok, false);
    assert.equal(!justBefore.ok && justBefore.reason, 'locked');

    const atExpiry = await authenticateCustomer(store, 'alice', PASSWORD, new Date(NOW.getTime() + LOCKOUT_MS));
    assert.equal(atExpiry.ok, true);
    assert.equal(store.get('cus_alice').failedLoginCount, 0);
    assert.equal(store.get('cus_alice').lockedUntil, null);
  });

  it('success after some failures → count reset, so four more failures do not lock', async () => {
    const store = storeWithAlice();
    for (let attempt = 1; attempt <= 4; attempt += 1) await authenticateCustomer(store, 'alice', 'wrong', NOW);
    assert.equal((await authenticateCustomer(store, 'alice', PASSWORD, NOW)).ok, true);
    assert.equal(store.get('cus_alice').failedLoginCount, 0);
    for (let attempt = 1; attempt <= 4; attempt += 1) await authenticateCustomer(store, 'alice', 'wrong', NOW);
    assert.equal(store.get('cus_alice').lockedUntil, null);
  });

  it('10 wrong passwords in parallel → only maxFailures of them are checked, the rest refused as locked, and the customer ends locked', async () => {
    const store = storeWithAlice();
    const results = await Promise.all(Array.from({ length: 10 }, () => authenticateCustomer(store, 'alice', 'wrong', NOW)));
    assert.equal(results.filter((result) => !result.ok && result.reason === 'locked').length, 5);
    assert.ok(store.get('cus_alice').lockedUntil);
    assert.equal((await authenticateCustomer(store, 'alice', PASSWORD, NOW)).ok, false);
  });

  it('custom policy → locks on its own maxFailures for its own lockoutMs', async () => {
    const store = storeWithAlice({ failedLoginCount: 1 });
    const result = await authenticateCustomer(store, 'alice', 'wrong', NOW, { maxFailures: 2, lockoutMs: 1_000 });
    assert.deepEqual(result, { ok: false, reason: 'invalid-credentials', lockedUntil: new Date(NOW.getTime() + 1_000) });
  });
});
