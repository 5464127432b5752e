import { newId } from '../ids.js';
import type { EntryDraft, TransferDraft } from '../ledger/ledger.js';
import type { OrderedPayment } from './domestic-payment.js';
import { clearingAccountId, feeIncomeAccountId } from './payee.js';
import type { PaymentInstruction } from './payment-instruction.js';

/** The payment transfer (debtor → payee or clearing) and the fee transfer (debtor → fee income), if charged. */
export function paymentTransfers(payment: OrderedPayment, instruction: PaymentInstruction, now: Date): TransferDraft[] {
  const creditor = instruction.creditor;
  const debit: EntryDraft = {
    accountId: payment.debtorAccountId,
    amountMinor: -payment.amountMinor,
    information: `${creditor.name} ${instruction.reference}`.slice(0, 500),
    counterparty: { name: creditor.name.slice(0, 140), schemeName: creditor.schemeName, identification: creditor.identification },
  };
  const credit: EntryDraft = {
    accountId: payment.creditorAccountId ?? clearingAccountId(payment.currency),
    amountMinor: payment.amountMinor,
    information: `${instruction.reference} ${payment.id}`.slice(0, 500),
    counterparty: null,
  };
  const transfers: TransferDraft[] = [
    {
      id: newId('trf'),
      kind: 'payment',
      currency: payment.currency,
      reference: instruction.reference.slice(0, 140),
      status: 'BOOK',
      bookedAt: now,
      valueAt: now,
      entries: [debit, credit],
    },
  ];
  if (payment.chargesMinor > 0n) {
    transfers.push({
      id: newId('trf'),
      kind: 'fee',
      currency: payment.currency,
      reference: `Charge for payment ${payment.id}`,
      status: 'BOOK',
      bookedAt: now,
      valueAt: now,
      entries: [
        {
          accountId: payment.debtorAccountId,
          amountMinor: -payment.chargesMinor,
          information: `Payment charge ${instruction.reference}`.slice(0, 500),
          counterparty: null,
        },
        {
          accountId: feeIncomeAccountId(payment.currency),
          amountMinor: payment.chargesMinor,
          information: `Charge for ${payment.id}`,
          counterparty: null,
        },
      ],
    });
  }
  return transfers;
}
