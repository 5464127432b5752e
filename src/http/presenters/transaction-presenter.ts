import { maskPan } from '../../domain/accounts/account.js';
import type { Transaction } from '../../domain/accounts/transaction.js';
import type { TransferKind } from '../../domain/ledger/ledger.js';
import { presentSignedAmount } from './amount.js';

/** ISO 20022 bank transaction codes (domain family / sub-family names as OBIE shows them) per kind and direction. */
function bankTransactionCode(kind: TransferKind, credit: boolean): { Code: string; SubCode: string } {
  if (kind === 'card')
    return credit ? { Code: 'CustomerCardTransactions', SubCode: 'Refund' } : { Code: 'CustomerCardTransactions', SubCode: 'PointOfSaleDebit' };
  if (kind === 'direct-debit')
    return credit ? { Code: 'ReceivedDirectDebits', SubCode: 'DirectDebitPayment' } : { Code: 'IssuedDirectDebits', SubCode: 'DirectDebitPayment' };
  if (kind === 'fee') return { Code: 'AccountManagement', SubCode: 'ChargesAndFees' };
  return credit
    ? { Code: 'ReceivedCreditTransfer', SubCode: 'DomesticCreditTransfer' }
    : { Code: 'IssuedCreditTransfer', SubCode: 'DomesticCreditTransfer' };
}

/** What the consent lets the partner see of transactions, and the debit cards of the listed accounts. */
export interface TransactionVisibility {
  /** `ReadTransactionsDetail`: information, balance, merchant, counterparty and card. */
  readonly detail: boolean;
  /** `ReadPAN`: card numbers in clear; without it they are masked. */
  readonly pan: boolean;
  /** Debit card (number, holder name) per account id. */
  readonly cards: ReadonlyMap<string, { readonly number: string; readonly name: string | null }>;
}

/**
 * A transaction as an `OBTransaction6` item. Without `ReadTransactionsDetail` the detail-only fields are left
 * out (NOTES §5.1): information, balance, merchant, card and counterparty accounts.
 */
export function presentTransaction(transaction: Transaction, visibility: TransactionVisibility) {
  const { detail } = visibility;
  const card = transaction.kind === 'card' ? visibility.cards.get(transaction.accountId) : undefined;
  const credit = transaction.amountMinor > 0n;
  const counterparty = transaction.counterparty;
  const counterpartyAccount = counterparty
    ? {
        ...(counterparty.schemeName && counterparty.identification
          ? { SchemeName: counterparty.schemeName, Identification: counterparty.identification }
          : {}),
        Name: counterparty.name,
      }
    : null;
  return {
    AccountId: transaction.accountId,
    TransactionId: transaction.id,
    TransactionReference: transaction.reference,
    ...presentSignedAmount(transaction.amountMinor, transaction.currency),
    Status: transaction.status,
    TransactionMutability: transaction.status === 'PDNG' ? 'Mutable' : 'Immutable',
    BookingDateTime: transaction.bookedAt.toISOString(),
    ValueDateTime: transaction.valueAt.toISOString(),
    BankTransactionCode: bankTransactionCode(transaction.kind, credit),
    ProprietaryBankTransactionCode: { Code: transaction.kind.toUpperCase(), Issuer: 'OpenTeller' },
    ...(detail
      ? {
          TransactionInformation: transaction.information,
          ...(transaction.balanceAfterMinor !== null
            ? { Balance: { ...presentSignedAmount(transaction.balanceAfterMinor, transaction.currency), Type: 'ITBD' } }
            : {}),
          ...(transaction.kind === 'card' && counterparty ? { MerchantDetails: { MerchantName: counterparty.name } } : {}),
          ...(card
            ? {
                CardInstrument: {
                  CardSchemeName: 'VISA',
                  ...(card.name ? { Name: card.name.slice(0, 70) } : {}),
                  Identification: visibility.pan ? card.number : maskPan(card.number),
                },
              }
            : {}),
          ...(counterpartyAccount && transaction.kind !== 'card' ? { [credit ? 'DebtorAccount' : 'CreditorAccount']: counterpartyAccount } : {}),
        }
      : {}),
  };
}

/** A page of transactions as `OBReadTransaction6`, with links to its neighbours. */
export function presentTransactions(
  transactions: readonly Transaction[],
  visibility: TransactionVisibility,
  links: { Self: string; Next?: string; Prev?: string },
) {
  return { Data: { Transaction: transactions.map((transaction) => presentTransaction(transaction, visibility)) }, Links: links, Meta: {} };
}
