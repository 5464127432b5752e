import { InvalidField } from '../errors.js';

/** Whether an entry is final (`BOOK`) or a pending card authorisation (`PDNG`), as OBIE reports them. */
export type EntryStatus = 'BOOK' | 'PDNG';

/** The other side of an entry as the account holder sees it (OBIE `CreditorAccount` / `DebtorAccount`). */
export interface Counterparty {
  readonly name: string;
  readonly schemeName: string | null;
  readonly identification: string | null;
}

/** One leg of a transfer: a signed amount on one account (credit > 0, debit < 0). */
export interface EntryDraft {
  readonly accountId: string;
  readonly amountMinor: bigint;
  /** What the account holder sees on the statement (OBIE `TransactionInformation`). */
  readonly information: string;
  readonly counterparty: Counterparty | null;
}

/** What a transfer is, for reporting (maps to OBIE bank transaction codes at the edge). */
export type TransferKind = 'salary' | 'rent' | 'card' | 'transfer' | 'direct-debit' | 'opening' | 'payment' | 'fee' | 'reversal';

/**
 * A transfer moves money between accounts of one currency; its entries sum to zero. Transfers are never
 * edited: a correction is a new (reversal) transfer.
 */
export interface TransferDraft {
  readonly id: string;
  readonly kind: TransferKind;
  readonly currency: string;
  readonly reference: string;
  readonly status: EntryStatus;
  readonly bookedAt: Date;
  readonly valueAt: Date;
  readonly entries: readonly EntryDraft[];
}

/**
 * Checks the invariants a transfer must satisfy before it is posted.
 * @throws InvalidField when it has fewer than two entries, a zero amount, or does not sum to zero.
 */
export function assertBalancedTransfer(transfer: TransferDraft): void {
  if (transfer.entries.length < 2) throw new InvalidField(`Transfer ${transfer.id} needs at least two entries`);
  let sum = 0n;
  for (const entry of transfer.entries) {
    if (entry.amountMinor === 0n) throw new InvalidField(`Transfer ${transfer.id} has a zero entry`);
    sum += entry.amountMinor;
  }
  if (sum !== 0n) throw new InvalidField(`Transfer ${transfer.id} does not sum to zero (${sum})`);
}

/** Writes transfers, implemented by persistence. */
export interface LedgerStore {
  /**
   * Posts transfers atomically: every transfer with all its entries and the balance changes, or nothing.
   * @throws InvalidField for an unbalanced transfer.
   */
  postTransfers(transfers: readonly TransferDraft[]): Promise<void>;
}
