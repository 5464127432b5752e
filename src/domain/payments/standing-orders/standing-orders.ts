import { ResourceForbidden, ResourceNotFound } from '../../errors.js';
import { PaymentStatus, standingOrderIdOf, type DomesticPayment, type PaymentStore } from '../domestic-payment.js';
import type { DomesticPaymentConsent, PaymentConsentStore } from '../payment-consent.js';

/** OBIE v4 standing-order statuses this bank reports: in force (`PDNG`), completed (`INCO`) or cancelled (`CANC`). */
export const StandingOrderStatus = {
  Pending: 'PDNG',
  Completed: 'INCO',
  Cancelled: 'CANC',
} as const;

export type StandingOrderStatus = (typeof StandingOrderStatus)[keyof typeof StandingOrderStatus];

/** How many of a standing order's payments are read with it (its payment details list them, newest first). */
export const STANDING_ORDER_PAYMENTS_SHOWN = 100;

/**
 * A domestic standing order: made once from its consent (whose `Initiation` it keeps), it is the series of its payments,
 * each a payment row of its consent numbered from 1, the next stored `PDNG` when the one before runs. In force while a
 * payment is pending, completed when the schedule has none left, cancelled when the customer cancelled the pending one.
 */
export interface StandingOrder {
  /** `sto_…`, the OBIE `DomesticStandingOrderId`. */
  readonly id: string;
  readonly consent: DomesticPaymentConsent;
  readonly status: StandingOrderStatus;
  /** When it was made: when its consent was used (`COND`). */
  readonly createdAt: Date;
  readonly statusUpdatedAt: Date;
  /** Its payments, newest first (at most {@link STANDING_ORDER_PAYMENTS_SHOWN}). */
  readonly payments: readonly DomesticPayment[];
}

/** A standing order as its consent and its payments (newest first) make it. */
export function standingOrderOf(consent: DomesticPaymentConsent, payments: readonly DomesticPayment[]): StandingOrder {
  const newest = payments[0];
  const status =
    newest?.status === PaymentStatus.Pending
      ? StandingOrderStatus.Pending
      : newest?.status === PaymentStatus.Cancelled
        ? StandingOrderStatus.Cancelled
        : StandingOrderStatus.Completed;
  const createdAt = consent.statusUpdatedAt;
  return {
    id: standingOrderIdOf(consent.id),
    consent,
    status,
    createdAt,
    statusUpdatedAt: status === StandingOrderStatus.Pending || !newest ? createdAt : newest.statusUpdatedAt,
    payments,
  };
}

/**
 * The partner's own standing order, as it stands.
 * @throws ResourceNotFound for an unknown id (or a standing order not made yet); ResourceForbidden for another partner's.
 */
export async function getStandingOrder(
  stores: { readonly payments: PaymentStore; readonly consents: PaymentConsentStore },
  clientId: string,
  standingOrderId: string,
): Promise<StandingOrder> {
  const notFound = new ResourceNotFound(`DomesticStandingOrderId ${standingOrderId} does not exist`);
  if (!standingOrderId.startsWith('sto_')) throw notFound;
  const consent = await stores.consents.findById(`soc_${standingOrderId.slice(4)}`);
  if (!consent || consent.kind !== 'domestic-standing-order') throw notFound;
  // Newest first by number: a scheduler catching up creates several at the same moment.
  const payments = (await stores.payments.listByConsent(consent.id, STANDING_ORDER_PAYMENTS_SHOWN)).sort(
    (a, b) => Number(b.instructionIdentification) - Number(a.instructionIdentification),
  );
  if (payments.length === 0) throw notFound;
  if (consent.clientId !== clientId) throw new ResourceForbidden(`DomesticStandingOrderId ${standingOrderId} belongs to another partner`);
  return standingOrderOf(consent, payments);
}
