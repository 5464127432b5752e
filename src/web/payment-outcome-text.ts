import type { PaymentOutcome } from '../domain/consents/customer-connections.js';
import { describeStatusReason } from '../domain/payments/status-reason-text.js';
import { formatCustomerDate } from './formats.js';

/** What became of a payment the customer approved, in one plain sentence for their history. */
export function describePaymentOutcome(outcome: PaymentOutcome): string {
  switch (outcome.kind) {
    case 'paid':
      return `Paid on ${formatCustomerDate(outcome.at)}`;
    case 'pending':
      return 'On its way: the receiving bank has not confirmed it yet';
    case 'scheduled':
      return 'Scheduled: not paid yet';
    case 'cancelled':
      return `Cancelled on ${formatCustomerDate(outcome.at)}, before it was paid`;
    case 'rejected': {
      const reason = outcome.reason && describeStatusReason(outcome.reason);
      return reason ? `Not paid: ${reason}` : 'Not paid';
    }
    case 'approved':
      return 'Approved, not paid yet';
    case 'not-paid':
      return 'Not paid';
    case 'standing-order': {
      const paid = outcome.paid === 1 ? 'one payment' : `${outcome.paid} payments`;
      if (outcome.state === 'in-force') return outcome.paid === 0 ? 'In force: no payment made yet' : `In force: ${paid} made so far`;
      if (outcome.state === 'cancelled')
        return `Cancelled on ${formatCustomerDate(outcome.at)}, ${outcome.paid === 0 ? 'before any payment' : `after ${paid}`}`;
      return `Ended: ${outcome.paid === 0 ? 'no payment made' : `${paid} made`}`;
    }
  }
}
