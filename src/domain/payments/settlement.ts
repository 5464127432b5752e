import type { EventDraft } from '../events/event-notification.js';
import { EventType } from '../events/event-types.js';
import { newId } from '../ids.js';
import type { TransferDraft } from '../ledger/ledger.js';
import { PaymentStatus, paymentResource, type DomesticPayment, type PaymentStore, type SettlementResult } from './domestic-payment.js';
import { unwindConversion } from './international/international-transfers.js';
import { clearingAccountId, externalAccountId, feeIncomeAccountId } from './payee.js';
import type { PaymentAccount } from './payment-instruction.js';
import type { StatusReason } from './risk-policy.js';
import { paymentRejectedNotice, paymentSettledNotice } from './payment-notices.js';

/** The payment scheme's answer for a payee: null when it accepts the payment, else why it refused it. */
export type SchemeAnswer = (creditor: PaymentAccount) => StatusReason | null;

/**
 * Settles external payments whose settlement time has come: the scheme accepts (`ACSC`: the money leaves the
 * clearing account for the outside world) or refuses the payee (`RJCT` with its reason: the amount and the
 * charges go back to the debtor as reversal transfers — entries are never edited; an international payment's conversion
 * is unwound through the FX positions at the rate it was made at, so the debtor gets back exactly what was debited). Safe to run in many
 * processes at once: each result is applied only if the payment is still `ACSP`. The partner is notified of each
 * (`resource-update`), and the customer is mailed the result, in the same transaction.
 * With `testClockId`, settles only the payments of that sandbox test clock, as of its time `now`, the partner told at
 * `toldAt` (the bank's time); without, only those on the bank's own time.
 * @returns how many payments this run settled or rejected.
 */
export async function settleDuePayments(
  store: Pick<PaymentStore, 'listDueForSettlement' | 'settle'>,
  answer: SchemeAnswer,
  now: Date,
  batchSize = 100,
  testClockId: string | null = null,
  toldAt: Date = now,
): Promise<{ settled: number; rejected: number }> {
  const due = await store.listDueForSettlement(now, batchSize, testClockId);
  let settled = 0;
  let rejected = 0;
  for (const payment of due) {
    const reason = answer({ schemeName: schemeOf(payment.creditorIdentification), identification: payment.creditorIdentification, name: null });
    const result = reason ? rejection(payment, reason, now) : settlement(payment, now);
    if (!(await store.settle(result, now, toldAt))) continue;
    if (reason) rejected += 1;
    else settled += 1;
  }
  return { settled, rejected };
}

function schemeOf(identification: string): string {
  return /^\d{14}$/.test(identification) ? 'UK.OBIE.SortCodeAccountNumber' : 'UK.OBIE.IBAN';
}

/** What the payment left in the clearing account: its amount, or an international payment's credit in the transfer's currency. */
function clearedOf(payment: DomesticPayment): { amountMinor: bigint; currency: string } {
  return payment.conversion
    ? { amountMinor: payment.conversion.creditMinor, currency: payment.conversion.rate.targetCurrency }
    : { amountMinor: payment.amountMinor, currency: payment.currency };
}

function settlement(payment: DomesticPayment, now: Date): SettlementResult {
  const { amountMinor, currency } = clearedOf(payment);
  const transfer: TransferDraft = {
    id: newId('trf'),
    kind: 'transfer',
    currency,
    reference: `Settlement of ${payment.id}`,
    status: 'BOOK',
    bookedAt: now,
    valueAt: now,
    entries: [
      { accountId: clearingAccountId(currency), amountMinor: -amountMinor, information: `Settled ${payment.id}`, counterparty: null },
      { accountId: externalAccountId(currency), amountMinor, information: `Settled ${payment.id}`, counterparty: null },
    ],
  };
  return {
    paymentId: payment.id,
    status: PaymentStatus.SettlementCompleted,
    reason: null,
    transfers: [transfer],
    events: paymentUpdatedEvents(payment, now),
    notices: [paymentSettledNotice(payment, now)],
  };
}

function rejection(payment: DomesticPayment, reason: StatusReason, now: Date): SettlementResult {
  const returned = (accountId: string, amountMinor: bigint, what: string): TransferDraft => ({
    id: newId('trf'),
    kind: 'reversal',
    currency: payment.currency,
    reference: `Returned ${what} of ${payment.id}`,
    status: 'BOOK',
    bookedAt: now,
    valueAt: now,
    entries: [
      { accountId, amountMinor: -amountMinor, information: `Returned ${what} of ${payment.id}`, counterparty: null },
      { accountId: payment.debtorAccountId, amountMinor, information: `Returned ${what}: ${reason.description}`.slice(0, 500), counterparty: null },
    ],
  });
  const transfers = payment.conversion
    ? unwindConversion(payment, payment.conversion, reason.description, now)
    : [returned(clearingAccountId(payment.currency), payment.amountMinor, 'payment')];
  if (payment.chargesMinor > 0n) transfers.push(returned(feeIncomeAccountId(payment.currency), payment.chargesMinor, 'charge'));
  return {
    paymentId: payment.id,
    status: PaymentStatus.Rejected,
    reason,
    transfers,
    events: paymentUpdatedEvents(payment, now),
    notices: [paymentRejectedNotice(payment, reason, now)],
  };
}

/** The payment's status changed after the response that created it: `resource-update`. */
export function paymentUpdatedEvents(payment: DomesticPayment, now: Date): EventDraft[] {
  return [
    {
      clientId: payment.clientId,
      resource: paymentResource(payment),
      events: [EventType.ResourceUpdate],
      interactionId: null,
      occurredAt: now,
    },
  ];
}
