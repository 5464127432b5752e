import type { Transaction } from '../../domain/accounts/transaction.js';
import type { TransferKind } from '../../domain/ledger/ledger.js';
import { presentSignedAmount } from './amount.js';

/** ISO 20022 bank transaction codes (domain family / sub-family names as OBIE shows them) per kind and direction. */
function bankTransactionCode(kind: TransferKind, credit: boolean): { Code: string; SubCode: string } {
  if (kind === 'card') return credit ? { Code: 'CustomerCardTransactions', SubCode: 'Refund' } : { Code: 'CustomerCardTransactions', SubCode: 'PointOfSaleDebit' };
  if (kind === 'direct-debit') return credit ? { Code: 'ReceivedDirectDebits', SubCode: 'DirectDebitPayment' } : { Code: 'IssuedDirectDebits', SubCode: 'DirectDebitPayment' };
  if (kind === 'fee') return { Code: 'AccountManagement', SubCode: 'ChargesAndFees' };
  return credit ? { Code: 'ReceivedCreditTransfer', SubCode: 'DomesticCreditTransfer' } : { Code: 'IssuedCreditTransfer', SubCode: 'DomesticCreditTransfer' };
}

/**
 * A transaction as an `OBTransaction6` item. Without `ReadTransactionsDetail` the detail-only fields are left
 * out (NOTES §5.1): information, balance, merchant and counterparty accounts.
 */
export function presentTransaction(transaction: Transaction, detail: boolean) {
  const credit = transaction.amountMinor > 0n;
  const counterparty = transaction.counterparty;
  const counterpartyAccount = counterparty
    ? {
        ...(counterparty.schemeName && counterparty.identification ? { SchemeName: counterparty.schemeName, Identification: counterparty.identification } : {}),
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
          ...(counterpartyAccount && transaction.kind !== 'card' ? { [credit ? 'DebtorAccount' : 'CreditorAccount']: counterpartyAccount } : {}),
        }
      : {}),
  };
}

/** A page of transactions as `OBReadTransaction6`, with links to its neighbours. */
export function presentTransactions(transactions: readonly Transaction[], detail: boolean, links: { Self: string; Next?: string; Prev?: string }) {
  return { Data: { Transaction: transactions.map((transaction) => presentTransaction(transaction, detail)) }, Links: links, Meta: {} };
}
