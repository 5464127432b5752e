// Proves the test clock rules that need no database, over an in-memory store: which consents may be attached (kind,
// status, app, another clock, payments made, the per-clock limit), that attaching twice is a no-op, that a clock only
// moves forward and a held clock refuses another advance and deletion, and what a clock's status says.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidConsentStatus, InvalidDate, InvalidField, ResourceNotFound } from '../../errors.js';
import type { DomesticPaymentConsent } from '../payment-consent.js';
import {
  advanceTestClock,
  attachConsentToTestClock,
  createTestClock,
  deleteTestClock,
  MAX_CONSENTS_PER_TEST_CLOCK,
  TestClockAdvancing,
  TestClockLimitReached,
  TestClockStatus,
  testClockStatusAt,
  type ConsentClockUse,
  type TestClock,
  type TestClockServices,
  type TestClockStore,
} from './test-clocks.js';

const NOW = new Date('2026-12-07T12:00:00Z');
const APP = 'cli_app';

class InMemoryTestClocks implements TestClockStore {
  readonly clocks = new Map<string, TestClock>();
  readonly attached = new Map<string, string>();
  readonly made = new Set<string>();

  async insert(clock: TestClock) {
    this.clocks.set(clock.id, clock);
  }
  async findById(id: string) {
    return this.clocks.get(id) ?? null;
  }
  async listByClient(clientId: string, limit: number) {
    return [...this.clocks.values()].filter((clock) => clock.clientId === clientId).slice(0, limit);
  }
  async listConsentIds(clockIds: readonly string[]) {
    const byClock = new Map<string, string[]>(clockIds.map((id) => [id, []]));
    for (const [consentId, clockId] of [...this.attached].sort()) byClock.get(clockId)?.push(consentId);
    return byClock;
  }
  async findConsentUse(consentId: string): Promise<ConsentClockUse> {
    return { testClockId: this.attached.get(consentId) ?? null, paymentsMade: this.made.has(consentId) };
  }
  async attach(clockId: string, consentId: string) {
    if (!this.clocks.has(clockId) || this.attached.has(consentId) || this.made.has(consentId)) return false;
    this.attached.set(consentId, clockId);
    return true;
  }
  async beginAdvance(clockId: string, until: Date, now: Date) {
    const clock = this.clocks.get(clockId);
    if (!clock || (clock.advancingUntil && clock.advancingUntil > now)) return false;
    this.clocks.set(clockId, { ...clock, advancingUntil: until });
    return true;
  }
  async finishAdvance(clockId: string, frozenTime: Date) {
    const clock = this.clocks.get(clockId);
    if (clock) this.clocks.set(clockId, { ...clock, frozenTime, advancingUntil: null });
  }
  async delete(clockId: string, at: Date) {
    const clock = this.clocks.get(clockId);
    if (!clock || (clock.advancingUntil && clock.advancingUntil > at)) return null;
    this.clocks.delete(clockId);
    return 0;
  }
}

function consent(id: string, changes: Partial<DomesticPaymentConsent> = {}): DomesticPaymentConsent {
  return {
    id,
    kind: 'domestic-standing-order',
    clientId: APP,
    status: 'AUTH',
    statusReason: null,
    request: { Data: { Initiation: {} }, Risk: {} },
    charges: [],
    authoriseBy: NOW,
    customerId: 'cus_1',
    debtorAccountId: 'acc_1',
    debtor: null,
    grantId: null,
    authorisedAt: NOW,
    createdAt: NOW,
    statusUpdatedAt: NOW,
    ...changes,
  };
}

function servicesOver(clocks: InMemoryTestClocks, consents: readonly DomesticPaymentConsent[]): TestClockServices {
  const byId = new Map(consents.map((each) => [each.id, each]));
  const unused = async () => {
    throw new Error('not used here');
  };
  return {
    clocks,
    consents: { findById: async (id) => byId.get(id) ?? null },
    scheduler: {
      scheduled: { listDue: async () => [], runDue: unused },
      consents: { findById: async (id) => byId.get(id) ?? null } as TestClockServices['scheduler']['consents'],
      accounts: {} as TestClockServices['scheduler']['accounts'],
      risk: {} as TestClockServices['scheduler']['risk'],
      settlementDelayMs: 0,
      fees: {},
    },
    settlement: { store: { listDueForSettlement: async () => [], settle: unused }, answer: () => null },
  };
}

describe('attachConsentToTestClock', () => {
  const consents = [
    consent('soc_ok'),
    consent('psc_awaiting', { kind: 'domestic-scheduled-payment', status: 'AWAU' }),
    consent('soc_used', { status: 'COND' }),
    consent('pmc_domestic', { kind: 'domestic-payment' }),
    consent('soc_rejected', { status: 'RJCT' }),
    consent('soc_other_app', { clientId: 'cli_other' }),
    consent('soc_paid', { status: 'COND' }),
    ...Array.from({ length: MAX_CONSENTS_PER_TEST_CLOCK + 1 }, (_, index) => consent(`soc_many_${String(index).padStart(2, '0')}`)),
  ];

  test('a standing order consent (AUTH), a scheduled payment consent (AWAU), a used one with nothing paid → attached; again → no change', async () => {
    const clocks = new InMemoryTestClocks();
    const services = servicesOver(clocks, consents);
    const { clock } = await createTestClock(clocks, APP, {}, NOW);
    for (const id of ['soc_ok', 'psc_awaiting', 'soc_used']) await attachConsentToTestClock(services, APP, clock.id, id, NOW);
    const again = await attachConsentToTestClock(services, APP, clock.id, 'soc_ok', NOW);
    assert.deepEqual(again.consentIds, ['psc_awaiting', 'soc_ok', 'soc_used']);
  });

  test('refusals: another kind → InvalidField; RJCT, on another clock or with a payment made → InvalidConsentStatus; unknown or another app’s → ResourceNotFound', async () => {
    const clocks = new InMemoryTestClocks();
    clocks.made.add('soc_paid');
    const services = servicesOver(clocks, consents);
    const first = (await createTestClock(clocks, APP, {}, NOW)).clock.id;
    const second = (await createTestClock(clocks, APP, {}, NOW)).clock.id;
    await attachConsentToTestClock(services, APP, first, 'soc_ok', NOW);
    await assert.rejects(attachConsentToTestClock(services, APP, second, 'pmc_domestic', NOW), InvalidField);
    await assert.rejects(attachConsentToTestClock(services, APP, second, 'soc_rejected', NOW), InvalidConsentStatus);
    await assert.rejects(attachConsentToTestClock(services, APP, second, 'soc_ok', NOW), /attached to test clock/);
    await assert.rejects(attachConsentToTestClock(services, APP, second, 'soc_paid', NOW), InvalidConsentStatus);
    await assert.rejects(attachConsentToTestClock(services, APP, second, 'soc_unknown', NOW), ResourceNotFound);
    await assert.rejects(attachConsentToTestClock(services, APP, second, 'soc_other_app', NOW), ResourceNotFound);
    await assert.rejects(attachConsentToTestClock(services, 'cli_other', second, 'soc_other_app', NOW), ResourceNotFound);
  });

  test(`more than ${MAX_CONSENTS_PER_TEST_CLOCK} consents on one clock → TestClockLimitReached`, async () => {
    const clocks = new InMemoryTestClocks();
    const services = servicesOver(clocks, consents);
    const { clock } = await createTestClock(clocks, APP, {}, NOW);
    for (let index = 0; index < MAX_CONSENTS_PER_TEST_CLOCK; index += 1) {
      await attachConsentToTestClock(services, APP, clock.id, `soc_many_${String(index).padStart(2, '0')}`, NOW);
    }
    await assert.rejects(attachConsentToTestClock(services, APP, clock.id, `soc_many_${MAX_CONSENTS_PER_TEST_CLOCK}`, NOW), TestClockLimitReached);
  });
});

describe('advancing and deleting', () => {
  test('forward only; while another advance holds the clock → TestClockAdvancing for an advance and a delete, Status Advancing', async () => {
    const clocks = new InMemoryTestClocks();
    const services = servicesOver(clocks, []);
    const { clock } = await createTestClock(clocks, APP, { FrozenTime: '2027-01-01T00:00:00Z' }, NOW);
    await assert.rejects(advanceTestClock(services, APP, clock.id, { FrozenTime: '2026-12-31T00:00:00Z' }, NOW), InvalidDate);
    const { view, advance } = await advanceTestClock(services, APP, clock.id, { FrozenTime: '2027-02-01T00:00:00Z' }, NOW);
    assert.equal(view.clock.frozenTime.toISOString(), '2027-02-01T00:00:00.000Z');
    assert.deepEqual([advance.paymentsRun, advance.complete], [0, true]);
    await clocks.beginAdvance(clock.id, new Date(NOW.getTime() + 60_000), NOW);
    assert.equal(testClockStatusAt((await clocks.findById(clock.id)) as TestClock, NOW), TestClockStatus.Advancing);
    await assert.rejects(advanceTestClock(services, APP, clock.id, { FrozenTime: '2027-03-01T00:00:00Z' }, NOW), TestClockAdvancing);
    await assert.rejects(deleteTestClock(clocks, APP, clock.id, NOW), TestClockAdvancing);
    const later = new Date(NOW.getTime() + 120_000);
    assert.equal(
      testClockStatusAt((await clocks.findById(clock.id)) as TestClock, later),
      TestClockStatus.Ready,
      'a hold that expired frees the clock',
    );
    assert.equal(await deleteTestClock(clocks, APP, clock.id, later), 0);
    await assert.rejects(deleteTestClock(clocks, APP, clock.id, later), ResourceNotFound);
  });
});
