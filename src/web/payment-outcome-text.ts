import type { PaymentOutcome } from '../domain/consents/customer-connections.js';
import { formatCustomerDate } from './formats.js';

/** Why a payment was not made, in the customer's words, by ISO 20022 status reason. */
const REASONS: Readonly<Record<string, string>> = {
  AM02: 'the amount is above the largest payment the bank allows',
  AM03: "the payee's account does not take this currency",
  AM04: 'there was not enough money in the account',
  AM14: 'it would have gone over your daily payment limit',
  AG01: 'too many payments were made in a short time',
  AC01: "the payee's account number is not valid",
  AC03: 'the payee account cannot receive payments',
  AC04: "the payee's account is closed",
  AC06: "the payee's account is blocked",
};

/** What became of a payment the customer approved, in one plain sentence for their history. */
export function describePaymentOutcome(outcome: PaymentOutcome): string {
  switch (outcome.kind) {
    case 'paid':
      return `Paid on ${formatCustomerDate(outcome.at)}`;
    case 'pending':
      return 'On its way: the receiving bank has not confirmed it yet';
    case 'rejected': {
      const reason = outcome.reason && (REASONS[outcome.reason.code] ?? outcome.reason.description);
      return reason ? `Not paid: ${reason}` : 'Not paid';
    }
    case 'approved':
      return 'Approved, not paid yet';
    case 'not-paid':
      return 'Not paid';
  }
}
