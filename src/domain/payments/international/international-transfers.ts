import { newId } from '../../ids.js';
import type { TransferDraft, TransferKind } from '../../ledger/ledger.js';
import type { CurrencyConversion } from '../../fx/currency-conversion.js';
import type { OrderedPayment } from '../domestic-payment.js';
import { clearingAccountId, fxPositionAccountId } from '../payee.js';
import type { PaymentInstruction } from '../payment-instruction.js';
import { paymentTransfers } from '../payment-transfers.js';

/**
 * The transfers of an international payment, one currency each, through the bank's FX positions: the debtor pays the
 * debit into the FX position of the account's currency (with the charges to fee income, as a domestic payment pays
 * them), and the FX position of the transfer's currency pays the credit to the payee's account here or to the
 * clearing account of that currency (settled later by the scheme). Every transfer sums to zero in its currency.
 */
export function internationalTransfers(
  payment: OrderedPayment,
  conversion: CurrencyConversion,
  instruction: PaymentInstruction,
  now: Date,
): TransferDraft[] {
  const intoPosition = paymentTransfers({ ...payment, creditorAccountId: fxPositionAccountId(payment.currency) }, instruction, now);
  const target = conversion.rate.targetCurrency;
  const payee = payment.creditorAccountId ?? clearingAccountId(target);
  return [
    ...intoPosition,
    conversionLeg('payment', payment.id, target, fxPositionAccountId(target), payee, conversion.creditMinor, `Payment ${payment.id}`, now),
  ];
}

/**
 * Unwinds the conversion of an international payment the scheme returned, at the rate it was made at (the debtor gets
 * back exactly what was debited; the bank's positions return to where they were): the credit goes from the clearing
 * account back into the FX position of the transfer's currency, and the debit from the FX position of the account's
 * currency back to the debtor.
 */
export function unwindConversion(payment: OrderedPayment, conversion: CurrencyConversion, why: string, now: Date): TransferDraft[] {
  const target = conversion.rate.targetCurrency;
  return [
    conversionLeg(
      'reversal',
      payment.id,
      target,
      clearingAccountId(target),
      fxPositionAccountId(target),
      conversion.creditMinor,
      `Returned payment ${payment.id}`,
      now,
    ),
    conversionLeg(
      'reversal',
      payment.id,
      payment.currency,
      fxPositionAccountId(payment.currency),
      payment.debtorAccountId,
      conversion.debitMinor,
      `Returned payment: ${why}`,
      now,
    ),
  ];
}

function conversionLeg(
  kind: TransferKind,
  paymentId: string,
  currency: string,
  fromId: string,
  toId: string,
  amountMinor: bigint,
  information: string,
  now: Date,
): TransferDraft {
  return {
    id: newId('trf'),
    kind,
    currency,
    reference: information.slice(0, 140),
    status: 'BOOK',
    bookedAt: now,
    valueAt: now,
    entries: [
      { accountId: fromId, amountMinor: -amountMinor, information: information.slice(0, 500), counterparty: null },
      { accountId: toId, amountMinor, information: `${information} (${paymentId})`.slice(0, 500), counterparty: null },
    ],
  };
}
