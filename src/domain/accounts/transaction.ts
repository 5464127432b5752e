import type { Counterparty, EntryStatus, TransferKind } from '../ledger/ledger.js';

/** One ledger entry as the account holder sees it: a transaction of one account. */
export interface Transaction {
  /** OBIE `TransactionId`: the entry id, unique and stable. */
  readonly id: string;
  readonly accountId: string;
  readonly transferId: string;
  readonly kind: TransferKind;
  /** OBIE `TransactionReference`: the transfer's reference. */
  readonly reference: string;
  /** Signed: credit > 0, debit < 0. */
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly status: EntryStatus;
  readonly bookedAt: Date;
  readonly valueAt: Date;
  readonly information: string;
  readonly counterparty: Counterparty | null;
  /** Booked balance after this entry (booked entries only). */
  readonly balanceAfterMinor: bigint | null;
}

/** A position in the newest-first order of transactions: (booking time, id). */
export interface TransactionPosition {
  readonly bookedAt: Date;
  readonly id: string;
}

/** A keyset query over the transactions of some accounts. */
export interface TransactionQuery {
  readonly accountIds: readonly string[];
  /** Inclusive booking-time bounds; null = unbounded. */
  readonly fromInclusive: Date | null;
  readonly toInclusive: Date | null;
  readonly direction: 'both' | 'credits' | 'debits';
  /**
   * `older`: strictly after `position` in newest-first order (or from the newest when no position), newest
   * first. `newer`: strictly before `position`, returned oldest first.
   */
  readonly seek:
    | { readonly towards: 'older'; readonly position: TransactionPosition | null }
    | { readonly towards: 'newer'; readonly position: TransactionPosition };
  readonly limit: number;
}

/** Reads transactions, implemented by persistence with an index on (account, booking time, id). */
export interface TransactionReader {
  listTransactions(query: TransactionQuery): Promise<Transaction[]>;
}
