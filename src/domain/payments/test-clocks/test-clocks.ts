import { ConsentStatus } from '../../consents/consent-status.js';
import { parseRequestDateTime } from '../../dates.js';
import { DomainError, InvalidConsentStatus, InvalidDate, InvalidField, ResourceNotFound } from '../../errors.js';
import type { EventDraft } from '../../events/event-notification.js';
import { newId } from '../../ids.js';
import type { DomesticPayment, PaymentStore } from '../domestic-payment.js';
import type { PaymentConsentStore } from '../payment-consent.js';
import { runScheduledPayment, type SchedulerServices } from '../scheduled/run-due-payments.js';
import { paymentUpdatedEvents, settleDuePayments, type SchemeAnswer } from '../settlement.js';

/**
 * A sandbox test clock: an app's own time, frozen until the app advances it. The scheduled payment and standing order
 * consents attached to it run their payments when it is advanced, as of its time, and never on the bank's own time.
 */
export interface TestClock {
  /** `tck_…`, the `TestClockId`. */
  readonly id: string;
  readonly clientId: string;
  /** The partner's label for it, or null. */
  readonly name: string | null;
  /** The clock's time: what "now" is for the payments of its consents. */
  readonly frozenTime: Date;
  /** While an advance runs: until when it holds the clock (a process that dies mid-advance frees it then). */
  readonly advancingUntil: Date | null;
  readonly createdAt: Date;
}

/** `Ready` to be advanced, or `Advancing` (an advance is running its payments). */
export const TestClockStatus = { Ready: 'Ready', Advancing: 'Advancing' } as const;
export type TestClockStatus = (typeof TestClockStatus)[keyof typeof TestClockStatus];

/** A clock as the partner sees it: with its status now and the consents attached to it. */
export interface TestClockView {
  readonly clock: TestClock;
  readonly status: TestClockStatus;
  readonly consentIds: readonly string[];
}

/** What one advance did. */
export interface TestClockAdvance {
  readonly requestedFrozenTime: Date;
  /** Payments run (made or rejected), and external payments settled or returned by the scheme, during the advance. */
  readonly paymentsRun: number;
  readonly paymentsSettled: number;
  /** False when the advance stopped at {@link MAX_PAYMENTS_PER_ADVANCE}: the clock is short of the requested time. */
  readonly complete: boolean;
}

/** How a consent stands towards test clocks: the clock it is attached to, and whether any of its payments was made. */
export interface ConsentClockUse {
  readonly testClockId: string | null;
  /** Some payment of the consent left `PDNG` (made, rejected, or cancelled). */
  readonly paymentsMade: boolean;
}

/** Persistence of test clocks and of what is attached to them. */
export interface TestClockStore {
  insert(clock: TestClock): Promise<void>;
  findById(id: string): Promise<TestClock | null>;
  /** The app's clocks, oldest first, at most `limit`. */
  listByClient(clientId: string, limit: number): Promise<TestClock[]>;
  /** The consents attached to each of `clockIds` (ids ascending), by clock. */
  listConsentIds(clockIds: readonly string[]): Promise<Map<string, string[]>>;
  findConsentUse(consentId: string): Promise<ConsentClockUse>;
  /**
   * Attaches the consent and its pending payments to the clock, in one transaction, only if the clock still exists, the
   * consent is on no clock and none of its payments has left `PDNG` (the facts {@link findConsentUse} read).
   * @returns false, writing nothing, when one of those no longer holds.
   */
  attach(clockId: string, consentId: string): Promise<boolean>;
  /** Holds the clock for an advance until `until`, unless another advance holds it at `now`. @returns false then. */
  beginAdvance(clockId: string, until: Date, now: Date): Promise<boolean>;
  /** Sets the clock's time and frees it. */
  finishAdvance(clockId: string, frozenTime: Date): Promise<void>;
  /**
   * Deletes the clock unless an advance holds it at `at`, in one transaction: each pending payment of its consents
   * `PDNG → CANC` with the events `eventsOf` gives, and its consents detached.
   * @returns null (nothing written) when an advance holds it; else how many payments it cancelled.
   */
  delete(clockId: string, at: Date, eventsOf: (payment: DomesticPayment) => readonly EventDraft[]): Promise<number | null>;
}

/** What the test clock rules use: the clocks, the payment consents, the scheduler and the sandbox scheme's settlement. */
export interface TestClockServices {
  readonly clocks: TestClockStore;
  readonly consents: Pick<PaymentConsentStore, 'findById'>;
  readonly scheduler: SchedulerServices;
  readonly settlement: { readonly store: Pick<PaymentStore, 'listDueForSettlement' | 'settle'>; readonly answer: SchemeAnswer };
}

/** How many clocks an app may have at once. */
export const MAX_TEST_CLOCKS_PER_APP = 20;
/** How many consents one clock may hold. */
export const MAX_CONSENTS_PER_TEST_CLOCK = 50;
/** How far one advance may move a clock, and how far ahead of the bank's time a new clock may start: two years. */
export const MAX_ADVANCE_MS = 731 * 86_400_000;
/** How many payments one advance runs at most; more due, and the clock stops at the last one run. */
export const MAX_PAYMENTS_PER_ADVANCE = 100;
/** How much earlier than the bank's time a new clock's `FrozenTime` may be (the partner's clock may lag a little). */
export const CLOCK_SKEW_MS = 60_000;
/** How long an advance holds its clock at most (its process died if it did not finish by then). */
export const ADVANCE_HOLD_MS = 120_000;

const FROZEN_TIME = 'Data.FrozenTime';
const CONSENT_ID = 'Data.ConsentId';
/** The consent kinds whose payments wait for their date, and so may run on a test clock. */
const CLOCKED_KINDS: readonly string[] = ['domestic-scheduled-payment', 'domestic-standing-order'];

/** An advance is already running on the clock: it answers once that one is done (HTTP 409). */
export class TestClockAdvancing extends DomainError {
  readonly code = 'TestClockAdvancing';
}

/** The app reached one of the sandbox's limits on test clocks. */
export class TestClockLimitReached extends DomainError {
  readonly code = 'TestClockLimitReached';
}

/** A clock's status at `now`. */
export function testClockStatusAt(clock: TestClock, now: Date): TestClockStatus {
  return clock.advancingUntil && clock.advancingUntil.getTime() > now.getTime() ? TestClockStatus.Advancing : TestClockStatus.Ready;
}

/**
 * Creates a test clock for the app at `FrozenTime` (default `now`).
 * @throws InvalidDate (U003, `Data.FrozenTime`) for a time before `now` (beyond {@link CLOCK_SKEW_MS}) or more than
 *   {@link MAX_ADVANCE_MS} ahead; TestClockLimitReached when the app has {@link MAX_TEST_CLOCKS_PER_APP} clocks.
 */
export async function createTestClock(
  clocks: TestClockStore,
  clientId: string,
  request: { readonly FrozenTime?: string; readonly Name?: string },
  now: Date,
): Promise<TestClockView> {
  const frozenTime = request.FrozenTime === undefined ? now : parseRequestDateTime(request.FrozenTime, FROZEN_TIME);
  if (frozenTime.getTime() < now.getTime() - CLOCK_SKEW_MS) throw new InvalidDate('FrozenTime must not be in the past', FROZEN_TIME);
  if (frozenTime.getTime() > now.getTime() + MAX_ADVANCE_MS) throw new InvalidDate('FrozenTime must be at most two years from now', FROZEN_TIME);
  if ((await clocks.listByClient(clientId, MAX_TEST_CLOCKS_PER_APP)).length >= MAX_TEST_CLOCKS_PER_APP) {
    throw new TestClockLimitReached(`An app may have at most ${MAX_TEST_CLOCKS_PER_APP} test clocks: delete one it no longer needs`);
  }
  const clock: TestClock = { id: newId('tck'), clientId, name: request.Name ?? null, frozenTime, advancingUntil: null, createdAt: now };
  await clocks.insert(clock);
  return { clock, status: TestClockStatus.Ready, consentIds: [] };
}

/**
 * The app's own clock, as it stands.
 * @throws ResourceNotFound (U011) for an unknown clock or another app's (the same answer: it does not exist for this app).
 */
export async function getTestClock(clocks: TestClockStore, clientId: string, clockId: string, now: Date): Promise<TestClockView> {
  const clock = await ownClock(clocks, clientId, clockId);
  const consentIds = (await clocks.listConsentIds([clock.id])).get(clock.id) ?? [];
  return { clock, status: testClockStatusAt(clock, now), consentIds };
}

/** The app's clocks, oldest first. */
export async function listTestClocks(clocks: TestClockStore, clientId: string, now: Date): Promise<TestClockView[]> {
  const own = await clocks.listByClient(clientId, MAX_TEST_CLOCKS_PER_APP);
  const consents = own.length > 0 ? await clocks.listConsentIds(own.map((clock) => clock.id)) : new Map<string, string[]>();
  return own.map((clock) => ({ clock, status: testClockStatusAt(clock, now), consentIds: consents.get(clock.id) ?? [] }));
}

/**
 * Attaches a domestic scheduled payment or standing order consent of the app to its clock: from then on its payments run
 * only when the clock is advanced, as of the clock's time. The consent may be awaiting authorisation, authorised, or
 * used already (the scheduled payment or standing order made, its payment pending), as long as none of its payments has
 * been made or cancelled. Attaching it again to the same clock changes nothing.
 * @throws ResourceNotFound (U011) for an unknown clock or consent, or another app's; InvalidField (U002,
 *   `Data.ConsentId`) for another kind of consent; InvalidConsentStatus (U009) for a consent rejected, revoked or
 *   expired, attached to another clock, or with a payment made; TestClockLimitReached when the clock holds
 *   {@link MAX_CONSENTS_PER_TEST_CLOCK} consents.
 */
export async function attachConsentToTestClock(
  services: Pick<TestClockServices, 'clocks' | 'consents'>,
  clientId: string,
  clockId: string,
  consentId: string,
  now: Date,
): Promise<TestClockView> {
  const view = await getTestClock(services.clocks, clientId, clockId, now);
  const consent = await services.consents.findById(consentId);
  if (!consent || consent.clientId !== clientId) throw new ResourceNotFound(`ConsentId ${consentId} does not exist`, CONSENT_ID);
  if (!CLOCKED_KINDS.includes(consent.kind)) {
    throw new InvalidField('Only domestic scheduled payment and standing order consents run on a test clock', CONSENT_ID);
  }
  const usable: readonly string[] = [ConsentStatus.AwaitingAuthorisation, ConsentStatus.Authorised, ConsentStatus.Consumed];
  if (!usable.includes(consent.status))
    throw new InvalidConsentStatus(`ConsentId ${consentId} is ${consent.status}: nothing of it will run`, CONSENT_ID);
  const refuse = (use: ConsentClockUse): never => {
    if (use.testClockId !== null && use.testClockId !== clockId) {
      throw new InvalidConsentStatus(`ConsentId ${consentId} is attached to test clock ${use.testClockId}`, CONSENT_ID);
    }
    if (use.paymentsMade)
      throw new InvalidConsentStatus(`A payment of ConsentId ${consentId} has been made already: it runs on the bank's time`, CONSENT_ID);
    throw new ResourceNotFound(`TestClockId ${clockId} does not exist`);
  };
  const use = await services.clocks.findConsentUse(consent.id);
  if (use.testClockId === clockId) return view;
  if (use.testClockId !== null || use.paymentsMade) return refuse(use);
  if (view.consentIds.length >= MAX_CONSENTS_PER_TEST_CLOCK) {
    throw new TestClockLimitReached(`A test clock may hold at most ${MAX_CONSENTS_PER_TEST_CLOCK} consents`);
  }
  if (!(await services.clocks.attach(clockId, consent.id))) return refuse(await services.clocks.findConsentUse(consent.id));
  return { ...view, consentIds: [...view.consentIds, consent.id].sort() };
}

/**
 * Advances the app's clock to `FrozenTime`, running the payments of its consents that fall due on the way, earliest
 * first, each as of its own due time (or the clock's time before the advance, when it was due before that), through the
 * scheduler's one decision path ({@link runScheduledPayment}): funds, limits, a standing order's next payment, the
 * partner's `resource-update`, the ledger. External payments the scheme settles on the way are settled (or returned) as
 * of their settlement time. The partner's events carry the clock's time as their time of event (`toe`), and are issued
 * and pushed at the bank's time `now`. Only this clock's payments run, each exactly once; one advance at a time per clock.
 * At most {@link MAX_PAYMENTS_PER_ADVANCE} payments run: with more due, the clock stops at the last one's time, short of
 * `FrozenTime` (`complete` false), and the next advance goes on from there.
 * @throws ResourceNotFound (U011) for an unknown clock or another app's; InvalidDate (U003, `Data.FrozenTime`) for a
 *   time not after the clock's, or more than {@link MAX_ADVANCE_MS} after it; TestClockAdvancing while another advance
 *   of the clock runs.
 */
export async function advanceTestClock(
  services: TestClockServices,
  clientId: string,
  clockId: string,
  request: { readonly FrozenTime: string },
  now: Date,
): Promise<{ view: TestClockView; advance: TestClockAdvance }> {
  const target = parseRequestDateTime(request.FrozenTime, FROZEN_TIME);
  const checkTarget = (from: Date) => {
    if (target.getTime() <= from.getTime()) {
      throw new InvalidDate(`FrozenTime must be after the clock's, ${from.toISOString()}: a clock only moves forward`, FROZEN_TIME);
    }
    if (target.getTime() - from.getTime() > MAX_ADVANCE_MS) throw new InvalidDate('One advance may move the clock by at most two years', FROZEN_TIME);
  };
  checkTarget((await ownClock(services.clocks, clientId, clockId)).frozenTime);
  if (!(await services.clocks.beginAdvance(clockId, new Date(now.getTime() + ADVANCE_HOLD_MS), now))) {
    await ownClock(services.clocks, clientId, clockId);
    throw new TestClockAdvancing(`TestClockId ${clockId} is being advanced: try again once its Status is Ready`);
  }
  // Read again now that this advance holds the clock: another may have moved it since.
  const clock = await ownClock(services.clocks, clientId, clockId);
  let reached = clock.frozenTime;
  let paymentsRun = 0;
  let paymentsSettled = 0;
  let complete = false;
  try {
    checkTarget(reached);
    for (let attempts = 0; ; attempts += 1) {
      const [due] = await services.scheduler.scheduled.listDue(target, 1, clock.id);
      if (!due) {
        complete = true;
        break;
      }
      if (attempts === MAX_PAYMENTS_PER_ADVANCE) break;
      const at = later(due.dueAt ?? reached, reached);
      paymentsSettled += await settleClockPayments(services, clock.id, at, now);
      if (await runScheduledPayment(services.scheduler, due, at, clock.id, now)) paymentsRun += 1;
      reached = at;
    }
    if (complete) {
      paymentsSettled += await settleClockPayments(services, clock.id, target, now);
      reached = target;
    }
  } finally {
    await services.clocks.finishAdvance(clock.id, reached);
  }
  const consentIds = (await services.clocks.listConsentIds([clock.id])).get(clock.id) ?? [];
  return {
    view: { clock: { ...clock, frozenTime: reached, advancingUntil: null }, status: TestClockStatus.Ready, consentIds },
    advance: { requestedFrozenTime: target, paymentsRun, paymentsSettled, complete },
  };
}

/**
 * Deletes the app's clock: every pending payment of its consents is cancelled (`CANC`, the partner hears of it as of the
 * bank's time), and its consents are detached: one not used yet goes on on the bank's time.
 * @throws ResourceNotFound (U011) for an unknown clock or another app's; TestClockAdvancing while an advance runs.
 * @returns how many pending payments were cancelled.
 */
export async function deleteTestClock(clocks: TestClockStore, clientId: string, clockId: string, now: Date): Promise<number> {
  const clock = await ownClock(clocks, clientId, clockId);
  const cancelled = await clocks.delete(clock.id, now, (payment) => paymentUpdatedEvents(payment, now));
  if (cancelled === null) throw new TestClockAdvancing(`TestClockId ${clock.id} is being advanced: delete it once its Status is Ready`);
  return cancelled;
}

/** Settles the clock's external payments due for settlement at `until`, each as of its own settlement time, the partner told at `toldAt`. */
async function settleClockPayments(services: TestClockServices, clockId: string, until: Date, toldAt: Date): Promise<number> {
  let settled = 0;
  for (let attempts = 0; attempts < MAX_PAYMENTS_PER_ADVANCE; attempts += 1) {
    const [due] = await services.settlement.store.listDueForSettlement(until, 1, clockId);
    if (!due?.settleAfter) break;
    const run = await settleDuePayments(services.settlement.store, services.settlement.answer, due.settleAfter, 1, clockId, toldAt);
    settled += run.settled + run.rejected;
  }
  return settled;
}

async function ownClock(clocks: TestClockStore, clientId: string, clockId: string): Promise<TestClock> {
  const clock = await clocks.findById(clockId);
  if (!clock || clock.clientId !== clientId) throw new ResourceNotFound(`TestClockId ${clockId} does not exist`);
  return clock;
}

function later(a: Date, b: Date): Date {
  return a.getTime() >= b.getTime() ? a : b;
}
