import { newId } from '../../ids.js';
import { chargesFor, totalCharges, type FeeSchedule } from '../charges.js';
import { PaymentStatus, type DomesticPayment, type OrderedPayment } from '../domestic-payment.js';
import { resolvePayee } from '../payee.js';
import type { DomesticPaymentConsent, PaymentConsentStore } from '../payment-consent.js';
import { instructionOf } from '../payment-consents.js';
import { payeeRoute, paymentDecision, type PaymentServices } from '../payments.js';
import { paymentUpdatedEvents } from '../settlement.js';
import { nextInstalment, readStandingOrderSchedule } from '../standing-orders/standing-order-schedule.js';
import type { ScheduledPaymentStore } from './scheduled-payment-store.js';

/** What running due scheduled payments needs: the fee schedule prices each payment of a standing order. */
export interface SchedulerServices extends Pick<PaymentServices, 'accounts' | 'risk' | 'settlementDelayMs'> {
  readonly scheduled: ScheduledPaymentStore;
  readonly consents: PaymentConsentStore;
  readonly fees: FeeSchedule;
}

/** What one run did: how many payments it ran, and whether it stopped at its batch size with more perhaps due. */
export interface SchedulerRun {
  readonly ran: number;
  readonly moreDue: boolean;
}

/**
 * Runs the scheduled payments due at `now` (earliest first, at most `batchSize`), each exactly once, on any number of
 * processes at once, each by {@link runScheduledPayment}. Only the payments on the bank's own time: those of consents
 * attached to a sandbox test clock run when their clock is advanced (`advanceTestClock`), never here.
 */
export async function runDueScheduledPayments(services: SchedulerServices, now: Date, batchSize = 100): Promise<SchedulerRun> {
  const due = await services.scheduled.listDue(now, batchSize, null);
  let ran = 0;
  for (const pending of due) {
    if (await runScheduledPayment(services, pending, now, null)) ran += 1;
  }
  return { ran, moreDue: due.length === batchSize };
}

/**
 * Runs one pending payment as of `now` (the bank's time, or a test clock's), exactly once: it is decided now by
 * {@link decidePayment} (payee resolved again, limits, funds — `AM04` when the account cannot pay it: that payment is
 * `RJCT` with its reason and nothing moves), posted through the ledger like a domestic payment (a payee here `ACSC` at
 * once, elsewhere `ACSP` until the scheme settles it), a standing order's next payment stored `PDNG`, and the partner
 * hears of it (`resource-update`), all in the one transaction that takes the payment out of `PDNG`
 * ({@link ScheduledPaymentStore.runDue}), provided it is still on `testClockId` (null: the bank's own time). The partner
 * is told at `toldAt`, the bank's time (a test clock's `now` is ahead of it).
 * @returns false when another process ran it meanwhile, it was cancelled, or it moved to or from a test clock: nothing
 *   was done.
 */
export async function runScheduledPayment(
  services: SchedulerServices,
  pending: DomesticPayment,
  now: Date,
  testClockId: string | null,
  toldAt: Date = now,
): Promise<boolean> {
  const consent = await services.consents.findById(pending.consentId);
  if (!consent) throw new Error(`consent ${pending.consentId} of scheduled payment ${pending.id} is missing`);
  const instruction = instructionOf(consent);
  const payee = await resolvePayee(services.accounts, instruction.creditor, instruction.currency);
  const { status: _status, statusReason: _reason, settleAfter: _settleAfter, executedAt: _executedAt, ...ordered } = pending;
  const payment: OrderedPayment = { ...ordered, ...payeeRoute(payee), statusUpdatedAt: now };
  const next = consent.kind === 'domestic-standing-order' ? nextStandingOrderPayment(services.fees, consent, pending, now) : null;
  return services.scheduled.runDue(
    { payment, ...paymentDecision(services, payment, instruction, payee, now), events: paymentUpdatedEvents(pending, now), next, toldAt },
    now,
    testClockId,
  );
}

/**
 * The payment of a standing order after `current` (its number is its `InstructionIdentification`), due on the next
 * date of the schedule with its amount and charges, pending; null when `current` is the last. Its date may already
 * have passed (the scheduler was stopped, or a test clock jumped): it then runs at the next pass.
 */
function nextStandingOrderPayment(fees: FeeSchedule, consent: DomesticPaymentConsent, current: DomesticPayment, now: Date): DomesticPayment | null {
  const schedule = readStandingOrderSchedule(consent.request.Data.Initiation, null);
  const next = nextInstalment(schedule, {
    number: Number(current.instructionIdentification),
    dueAt: current.dueAt ?? now,
    amountMinor: current.amountMinor,
  });
  if (!next) return null;
  return {
    ...current,
    id: newId('pmt'),
    instructionIdentification: String(next.number),
    amountMinor: next.amountMinor,
    chargesMinor: totalCharges(chargesFor(fees, current.localInstrument, next.amountMinor, current.currency)),
    dueAt: next.dueAt,
    status: PaymentStatus.Pending,
    statusReason: null,
    settleAfter: null,
    executedAt: null,
    createdAt: now,
    statusUpdatedAt: now,
  };
}
