import { ActionNotAllowed, ResourceNotFound } from '../../errors.js';
import type { EventDraft } from '../../events/event-notification.js';
import { PaymentStatus, type DomesticPayment } from '../domestic-payment.js';
import { paymentUpdatedEvents } from '../settlement.js';

/**
 * A payment still to be made on its date, as the customer's list shows it: with the app that ordered it and what its
 * consent says (the payee's name; a standing order's frequency and end).
 */
export interface UpcomingPayment {
  readonly payment: DomesticPayment;
  /** The app's name, or null when the app no longer exists. */
  readonly appName: string | null;
  /** Its consent's `Data.Initiation` as the customer approved it (null if it cannot be read). */
  readonly initiation: Readonly<Record<string, unknown>> | null;
}

/** The customer's pending payments, implemented by persistence. */
export interface UpcomingPaymentStore {
  /** The customer's `PDNG` payments (scheduled payments, standing orders' next payments), soonest first, at most `limit`. */
  listUpcoming(customerId: string, limit: number): Promise<UpcomingPayment[]>;
  /** One of the customer's `PDNG` payments, or null when it is not theirs or no longer pending. */
  findUpcoming(customerId: string, paymentId: string): Promise<UpcomingPayment | null>;
  findById(id: string): Promise<DomesticPayment | null>;
  /**
   * `PDNG → CANC` with `events`, in one transaction, unless the scheduler took it first.
   * @returns false when it was no longer pending (nothing written).
   */
  cancelPending(paymentId: string, events: readonly EventDraft[], at: Date): Promise<boolean>;
}

/** How many upcoming payments the customer's page lists. */
export const UPCOMING_PAYMENTS_SHOWN = 50;

/** The customer's payments still to be made, soonest first. */
export function listUpcomingPayments(store: UpcomingPaymentStore, customerId: string): Promise<UpcomingPayment[]> {
  return store.listUpcoming(customerId, UPCOMING_PAYMENTS_SHOWN);
}

/**
 * One payment the customer may still cancel, to show before they confirm it.
 * @throws ResourceNotFound when it is not the customer's, or no longer to be made (made, cancelled or being made).
 */
export async function getUpcomingPayment(store: UpcomingPaymentStore, customerId: string, paymentId: string): Promise<UpcomingPayment> {
  const upcoming = await store.findUpcoming(customerId, paymentId);
  if (!upcoming) throw new ResourceNotFound('This payment is no longer to be made: it has already been made or cancelled');
  return upcoming;
}

/**
 * The customer cancels a payment still to be made (`CANC`): a scheduled payment is then never made, and a standing
 * order ends (its pending payment is its next; none follows). The partner hears of it (`resource-update`, with the
 * change). Nothing has moved, so nothing is returned.
 * @throws ResourceNotFound for a payment that is not the customer's; ActionNotAllowed when it was already made or
 *   cancelled (or is being made at this moment).
 */
export async function cancelUpcomingPayment(store: UpcomingPaymentStore, customerId: string, paymentId: string, now: Date): Promise<void> {
  const payment = await store.findById(paymentId);
  if (!payment || payment.customerId !== customerId) throw new ResourceNotFound('There is no such payment to cancel');
  const refusal = new ActionNotAllowed('This payment can no longer be cancelled: it has already been made or cancelled');
  if (payment.status !== PaymentStatus.Pending) throw refusal;
  if (!(await store.cancelPending(payment.id, paymentUpdatedEvents(payment, now), now))) throw refusal;
}
